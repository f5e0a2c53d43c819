/*
 * Size-class heap (pure: host-tested).  Small requests (<= 2048 bytes)
 * come from per-class free lists carved out of single pages; larger ones
 * get whole pages.  Every block starts with a 16-byte header, so kfree
 * needs no size and can detect invalid and double frees.
 * Callers provide locking and the page source.
 */
#ifndef HEAP_CORE_H
#define HEAP_CORE_H
#include <stddef.h>
#include <stdint.h>

#define HEAP_NCLASSES    8 /* 16, 32, ..., 2048 */
#define HEAP_MAX_SMALL   2048
#define HEAP_HDR         16
#define HEAP_MAGIC_USED  0x55534544u /* "USED" */
#define HEAP_MAGIC_FREE  0x46524545u /* "FREE" */
#define HEAP_CLASS_LARGE 0xff

struct heap_hdr {
    uint32_t magic;
    uint32_t cls;  /* size class index or HEAP_CLASS_LARGE */
    uint64_t size; /* requested size */
};

struct heap_page_source {
    /* Returns n contiguous, mapped, writable pages, or NULL. */
    void *(*get)(void *ctx, size_t npages);
    void (*put)(void *ctx, void *p, size_t npages);
    void *ctx;
};

struct heap_free {
    struct heap_free *next;
};

struct heap {
    struct heap_page_source src;
    struct heap_free *free[HEAP_NCLASSES];
    uint64_t bytes_in_use; /* requested bytes */
    uint64_t nallocs, nfrees;
    uint64_t pages_small, pages_large;
};

enum heap_err { HEAP_OK = 0, HEAP_ERR_BAD_POINTER = 1, HEAP_ERR_DOUBLE_FREE = 2 };

void heap_core_init(struct heap *h, struct heap_page_source src);
int heap_class_of(size_t size); /* -1 for large */
size_t heap_class_size(int cls);
void *heap_core_alloc(struct heap *h, size_t size);
int heap_core_free(struct heap *h, void *p); /* returns enum heap_err */
size_t heap_core_size(const void *p);        /* requested size of a live block */
#endif
