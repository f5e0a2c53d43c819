#include "heap_core.h"

#define PAGE 4096

void heap_core_init(struct heap *h, struct heap_page_source src)
{
    struct heap zero = {0};
    *h = zero;
    h->src = src;
}

int heap_class_of(size_t size)
{
    if (size > HEAP_MAX_SMALL)
        return -1;
    int c = 0;
    size_t s = 16;
    while (s < size) {
        s <<= 1;
        c++;
    }
    return c;
}

size_t heap_class_size(int cls)
{
    return (size_t)16 << cls;
}

static int refill(struct heap *h, int cls)
{
    uint8_t *page = h->src.get(h->src.ctx, 1);
    if (!page)
        return -1;
    h->pages_small++;
    size_t bsz = heap_class_size(cls) + HEAP_HDR;
    for (size_t off = 0; off + bsz <= PAGE; off += bsz) {
        struct heap_hdr *hd = (struct heap_hdr *)(page + off);
        hd->magic = HEAP_MAGIC_FREE;
        hd->cls = (uint32_t)cls;
        hd->size = 0;
        struct heap_free *f = (struct heap_free *)(hd + 1);
        f->next = h->free[cls];
        h->free[cls] = f;
    }
    return 0;
}

void *heap_core_alloc(struct heap *h, size_t size)
{
    if (size == 0)
        size = 1;
    int cls = heap_class_of(size);
    struct heap_hdr *hd;
    if (cls < 0) {
        if (size > ((size_t)1 << 40))
            return 0;
        size_t n = (size + HEAP_HDR + PAGE - 1) / PAGE;
        hd = h->src.get(h->src.ctx, n);
        if (!hd)
            return 0;
        h->pages_large += n;
        hd->cls = HEAP_CLASS_LARGE;
    } else {
        if (!h->free[cls] && refill(h, cls))
            return 0;
        struct heap_free *f = h->free[cls];
        h->free[cls] = f->next;
        hd = (struct heap_hdr *)f - 1;
    }
    hd->magic = HEAP_MAGIC_USED;
    hd->size = size;
    h->bytes_in_use += size;
    h->nallocs++;
    return hd + 1;
}

int heap_core_free(struct heap *h, void *p)
{
    if (!p)
        return HEAP_OK;
    if ((uintptr_t)p % 16)
        return HEAP_ERR_BAD_POINTER;
    struct heap_hdr *hd = (struct heap_hdr *)p - 1;
    if (hd->magic == HEAP_MAGIC_FREE)
        return HEAP_ERR_DOUBLE_FREE;
    if (hd->magic != HEAP_MAGIC_USED)
        return HEAP_ERR_BAD_POINTER;
    h->bytes_in_use -= hd->size;
    h->nfrees++;
    if (hd->cls == HEAP_CLASS_LARGE) {
        size_t n = (hd->size + HEAP_HDR + PAGE - 1) / PAGE;
        hd->magic = HEAP_MAGIC_FREE;
        h->pages_large -= n;
        h->src.put(h->src.ctx, hd, n);
        return HEAP_OK;
    }
    if (hd->cls >= HEAP_NCLASSES)
        return HEAP_ERR_BAD_POINTER;
    hd->magic = HEAP_MAGIC_FREE;
    struct heap_free *f = p;
    f->next = h->free[hd->cls];
    h->free[hd->cls] = f;
    return HEAP_OK;
}

size_t heap_core_size(const void *p)
{
    const struct heap_hdr *hd = (const struct heap_hdr *)p - 1;
    return hd->magic == HEAP_MAGIC_USED ? hd->size : 0;
}
