/* The kernel heap: heap_core's size classes over pages mapped on demand
 * into the randomized heap span.  kmalloc/kfree are the only entry points,
 * which is where the heap-debug layer (struct heap_hooks) plugs in. */
#include "kernel.h"
#include "bootinfo.h"
#include "heap_core.h"
#include "layout.h"
#include "mm.h"
#include "spinlock.h"
#include "string.h"
#include "trace.h"

static struct heap heap;
static spinlock_t heap_lock = SPINLOCK_INIT;
static uint64_t heap_cursor; /* next unused virtual address in the span */
static const struct heap_hooks *hooks;

static void *get_pages(void *ctx, size_t n)
{
    (void)ctx;
    if (heap_cursor + n * PAGE_SIZE > bootinfo.heap_base + HEAP_SPAN)
        return 0;
    uint64_t va = heap_cursor;
    heap_cursor += n * PAGE_SIZE;
    vm_map_fresh(va, n);
    return (void *)va;
}

static void put_pages(void *ctx, void *p, size_t n)
{
    (void)ctx;
    vm_unmap_free((uint64_t)p, n);
}

void heap_init(void)
{
    heap_cursor = bootinfo.heap_base;
    struct heap_page_source src = {get_pages, put_pages, 0};
    heap_core_init(&heap, src);
}

void heap_set_hooks(const struct heap_hooks *h)
{
    hooks = h;
}

void *kmalloc(size_t size)
{
    uint64_t f = spin_lock_irqsave(&heap_lock);
    void *p = heap_core_alloc(&heap, size);
    spin_unlock_irqrestore(&heap_lock, f);
    trace_kmalloc(p, size, __builtin_return_address(0));
    if (p && hooks && hooks->on_alloc)
        hooks->on_alloc(p, size, __builtin_return_address(0));
    return p;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *p)
{
    if (!p)
        return;
    trace_kfree(p, __builtin_return_address(0));
    if (hooks && hooks->on_free)
        hooks->on_free(p, heap_core_size(p), __builtin_return_address(0));
    uint64_t f = spin_lock_irqsave(&heap_lock);
    int r = heap_core_free(&heap, p);
    spin_unlock_irqrestore(&heap_lock, f);
    if (r == HEAP_ERR_DOUBLE_FREE)
        panic("kfree: double free of %p", p);
    if (r)
        panic("kfree: invalid pointer %p", p);
}

size_t kmalloc_size(const void *p)
{
    return heap_core_size(p);
}

void heap_stats(uint64_t *in_use, uint64_t *nallocs, uint64_t *nfrees)
{
    *in_use = heap.bytes_in_use;
    *nallocs = heap.nallocs;
    *nfrees = heap.nfrees;
}
