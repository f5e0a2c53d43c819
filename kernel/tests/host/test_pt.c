#include <stdlib.h>
#include <string.h>
#include "pt.h"
#include "test.h"

/* Host "physical memory": page-table pages are ordinary aligned heap
 * pages and p2v is 0, exactly like the identity-mapped early stage. */
static int pages;

static uint64_t alloc(void *ctx)
{
    (void)ctx;
    void *p = aligned_alloc(4096, 4096);
    memset(p, 0, 4096);
    pages++;
    return (uint64_t)(uintptr_t)p;
}

void test_pt_map_query_unmap(void)
{
    uint64_t root = alloc(0);
    pages = 0;
    uint64_t va = 0xffff912345678000ULL;
    CHECK_EQ(pt_map(root, 0, va, 0x200000, PTE_W | PTE_NX, 0, alloc, 0), 0);
    CHECK_EQ(pages, 3); /* PDPT, PD, PT */
    uint64_t e = pt_query(root, 0, va);
    CHECK_EQ(e & PTE_ADDR_MASK, 0x200000);
    CHECK(e & PTE_P);
    CHECK(e & PTE_W);
    CHECK(e & PTE_NX);
    CHECK_EQ(pt_query(root, 0, va + 0x1000), 0);
    CHECK_EQ(pt_map(root, 0, va + 0x1000, 0x201000, 0, 0, alloc, 0), 0);
    CHECK_EQ(pages, 3); /* same PT */
    CHECK_EQ(pt_unmap(root, 0, va) & PTE_ADDR_MASK, 0x200000);
    CHECK_EQ(pt_query(root, 0, va), 0);
    CHECK_EQ(pt_query(root, 0, va + 0x1000) & PTE_ADDR_MASK, 0x201000);
}

void test_pt_large_pages(void)
{
    uint64_t root = alloc(0);
    uint64_t va = 0xffff800000000000ULL + (6UL << 20);
    CHECK_EQ(pt_map(root, 0, va, 6UL << 20, PTE_W, 1, alloc, 0), 0);
    uint64_t e = pt_query(root, 0, va + 0x12345);
    CHECK(e & PTE_PS);
    CHECK_EQ(e & PTE_ADDR_MASK, 6UL << 20);
    /* A 4 KiB mapping cannot be placed inside a 2 MiB page. */
    CHECK_EQ(pt_map(root, 0, va + 0x1000, 0x1000, 0, 0, alloc, 0), (uint64_t)-1);
    /* Without an allocator, missing tables fail cleanly. */
    CHECK_EQ(pt_map(root, 0, 0xffffa00000000000ULL, 0, 0, 0, 0, 0), (uint64_t)-1);
}
