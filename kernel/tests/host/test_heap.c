#include <stdlib.h>
#include <string.h>
#include "heap_core.h"
#include "test.h"

static long pages_out;

static void *get(void *ctx, size_t n)
{
    (void)ctx;
    pages_out += (long)n;
    void *p = aligned_alloc(4096, n * 4096);
    memset(p, 0xee, n * 4096);
    return p;
}

static void put(void *ctx, void *p, size_t n)
{
    (void)ctx;
    pages_out -= (long)n;
    free(p);
}

void test_heap_classes(void)
{
    CHECK_EQ(heap_class_of(1), 0);
    CHECK_EQ(heap_class_of(16), 0);
    CHECK_EQ(heap_class_of(17), 1);
    CHECK_EQ(heap_class_of(64), 2);
    CHECK_EQ(heap_class_of(2048), 7);
    CHECK_EQ(heap_class_of(2049), (uint64_t)-1);
    CHECK_EQ(heap_class_size(7), 2048);
}

void test_heap_alloc_free(void)
{
    struct heap h;
    pages_out = 0;
    heap_core_init(&h, (struct heap_page_source){get, put, 0});
    void *ptrs[1000];
    for (int i = 0; i < 1000; i++) {
        size_t sz = (size_t)(i * 37 % 3000) + 1;
        ptrs[i] = heap_core_alloc(&h, sz);
        CHECK(ptrs[i] != 0);
        CHECK_EQ((uintptr_t)ptrs[i] % 16, 0);
        CHECK_EQ(heap_core_size(ptrs[i]), sz);
        memset(ptrs[i], i & 0xff, sz);
    }
    /* No overlap: every block still holds its own pattern. */
    for (int i = 0; i < 1000; i++) {
        size_t sz = (size_t)(i * 37 % 3000) + 1;
        unsigned char *p = ptrs[i];
        CHECK(p[0] == (i & 0xff) && p[sz - 1] == (i & 0xff));
    }
    CHECK_EQ(h.nallocs, 1000);
    for (int i = 0; i < 1000; i++)
        CHECK_EQ(heap_core_free(&h, ptrs[i]), HEAP_OK);
    CHECK_EQ(h.bytes_in_use, 0);
    CHECK_EQ(h.pages_large, 0);
    /* Small-class pages are kept; large ones went back. */
    CHECK_EQ(pages_out, (long)h.pages_small);
}

void test_heap_reuse_and_errors(void)
{
    struct heap h;
    heap_core_init(&h, (struct heap_page_source){get, put, 0});
    void *a = heap_core_alloc(&h, 64);
    CHECK_EQ(heap_core_free(&h, a), HEAP_OK);
    void *b = heap_core_alloc(&h, 60);
    CHECK(a == b); /* LIFO reuse within a class */
    CHECK_EQ(heap_core_free(&h, b), HEAP_OK);
    CHECK_EQ(heap_core_free(&h, b), HEAP_ERR_DOUBLE_FREE);
    char junk[64] __attribute__((aligned(16))) = {0};
    CHECK_EQ(heap_core_free(&h, junk + 16), HEAP_ERR_BAD_POINTER);
    CHECK_EQ(heap_core_free(&h, junk + 17), HEAP_ERR_BAD_POINTER);
    CHECK_EQ(heap_core_free(&h, 0), HEAP_OK);
    void *big = heap_core_alloc(&h, 100000);
    CHECK(big != 0);
    CHECK_EQ(h.pages_large, (100000 + 16 + 4095) / 4096);
    CHECK_EQ(heap_core_free(&h, big), HEAP_OK);
    CHECK_EQ(h.pages_large, 0);
}
