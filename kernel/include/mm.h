/* Memory management: physical pages, kernel mappings, heap, stacks. */
#ifndef MM_H
#define MM_H
#include <stddef.h>
#include <stdint.h>

#define KSTACK_SIZE (32 * 1024)

/* Physical pages (mm/pmm.c) */
void pmm_init(void);
uint64_t pmm_alloc(void);            /* zeroed page, physical address; panics when out */
uint64_t pmm_alloc_contig(size_t n); /* n contiguous pages, or 0 */
void pmm_free(uint64_t pa);
uint64_t pmm_total_pages(void);

/* Kernel mappings (mm/vm.c) */
void vm_map(uint64_t va, uint64_t pa, uint64_t flags);
void vm_unmap(uint64_t va);
uint64_t vm_query(uint64_t va); /* leaf PTE or 0 */
int vm_is_mapped(uint64_t va);
void vm_map_fresh(uint64_t va, size_t npages);  /* new zeroed pages, RW, NX */
void vm_unmap_free(uint64_t va, size_t npages); /* unmap and free the pages */
void vm_drop_identity(void);
void *stack_alloc(size_t size); /* guard page below, random gap */
void stack_free(void *base, size_t size);

/* Heap (mm/heap.c) */
void heap_init(void);
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
size_t kmalloc_size(const void *p);
void heap_stats(uint64_t *in_use, uint64_t *nallocs, uint64_t *nfrees);

/*
 * Heap debugging seam (mm/heapdebug.c): set once at boot, before the first
 * kmalloc (heap_init calls heapdebug_init).  on_alloc runs after every
 * successful kmalloc and on_free before every kfree, with the caller's
 * return address; both run with the heap lock released and must not
 * allocate.  A wrapping layer (redzones, headers, quarantine) sets
 * alloc/free/size instead: kmalloc, kfree and kmalloc_size then go through
 * it, and it gets its blocks from heap_raw_alloc/heap_raw_free.
 * free returns the requested size of the block it took (>= 0), -1 when it
 * reported a bad free and ignored it, -2 when the block is not its own
 * (the heap then frees it as usual).
 */
struct heap_hooks {
    void (*on_alloc)(void *ptr, size_t size, void *caller);
    void (*on_free)(void *ptr, size_t size, void *caller);
    void *(*alloc)(size_t size, void *caller);
    long (*free)(void *ptr, void *caller);
    size_t (*size)(const void *ptr);
};
/* heap_core under the heap lock: no hooks, no user statistics. */
void *heap_raw_alloc(size_t size);
int heap_raw_free(void *p); /* enum heap_err */
void heap_set_hooks(const struct heap_hooks *hooks);
#endif
