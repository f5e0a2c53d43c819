/* The kernel heap: heap_core's size classes over pages mapped on demand
 * into the randomized heap span.  kmalloc/kfree are the only entry points,
 * which is where the heap-debug layer (struct heap_hooks) plugs in. */
#include "kernel.h"
#include "bootinfo.h"
#include "heapdebug.h"
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
/* What callers see (requested sizes; a wrapping layer's headers and
 * quarantined blocks excluded). */
static uint64_t user_in_use, user_allocs, user_frees;

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
    heapdebug_init();
}

void heap_set_hooks(const struct heap_hooks *h)
{
    __atomic_store_n(&hooks, h, __ATOMIC_RELEASE);
}

void *heap_raw_alloc(size_t size)
{
    uint64_t f = spin_lock_irqsave(&heap_lock);
    void *p = heap_core_alloc(&heap, size);
    spin_unlock_irqrestore(&heap_lock, f);
    return p;
}

int heap_raw_free(void *p)
{
    uint64_t f = spin_lock_irqsave(&heap_lock);
    int r = heap_core_free(&heap, p);
    spin_unlock_irqrestore(&heap_lock, f);
    return r;
}

static void *kmalloc_from(size_t size, void *caller)
{
    const struct heap_hooks *h = __atomic_load_n(&hooks, __ATOMIC_ACQUIRE);
    void *p = h && h->alloc ? h->alloc(size, caller) : heap_raw_alloc(size);
    if (p) {
        __atomic_fetch_add(&user_in_use, size ? size : 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&user_allocs, 1, __ATOMIC_RELAXED);
    }
    trace_kmalloc(p, size, caller);
    if (p && h && h->on_alloc)
        h->on_alloc(p, size, caller);
    return p;
}

void *kmalloc(size_t size)
{
    return kmalloc_from(size, __builtin_return_address(0));
}

void *kzalloc(size_t size)
{
    void *p = kmalloc_from(size, __builtin_return_address(0));
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *p)
{
    if (!p)
        return;
    void *caller = __builtin_return_address(0);
    trace_kfree(p, caller);
    const struct heap_hooks *h = __atomic_load_n(&hooks, __ATOMIC_ACQUIRE);
    if (h && h->on_free)
        h->on_free(p, kmalloc_size(p), caller);
    long taken = h && h->free ? h->free(p, caller) : -2;
    if (taken == -1)
        return; /* reported by the debug layer, ignored */
    if (taken >= 0) {
        __atomic_fetch_sub(&user_in_use, taken ? (uint64_t)taken : 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&user_frees, 1, __ATOMIC_RELAXED);
        return;
    }
    size_t sz = heap_core_size(p);
    int r = heap_raw_free(p);
    if (r == HEAP_ERR_DOUBLE_FREE)
        panic("kfree: double free of %p", p);
    if (r)
        panic("kfree: invalid pointer %p", p);
    __atomic_fetch_sub(&user_in_use, sz, __ATOMIC_RELAXED);
    __atomic_fetch_add(&user_frees, 1, __ATOMIC_RELAXED);
}

size_t kmalloc_size(const void *p)
{
    const struct heap_hooks *h = __atomic_load_n(&hooks, __ATOMIC_ACQUIRE);
    if (h && h->size)
        return h->size(p);
    return heap_core_size(p);
}

void heap_stats(uint64_t *in_use, uint64_t *nallocs, uint64_t *nfrees)
{
    *in_use = __atomic_load_n(&user_in_use, __ATOMIC_RELAXED);
    *nallocs = __atomic_load_n(&user_allocs, __ATOMIC_RELAXED);
    *nfrees = __atomic_load_n(&user_frees, __ATOMIC_RELAXED);
}
