/* Kernel mappings after boot: page tables reached through the direct map,
 * table pages from the pmm.  Also the thread-stack region. */
#include "kernel.h"
#include "bootinfo.h"
#include "kaslr.h"
#include "layout.h"
#include "mm.h"
#include "pt.h"
#include "spinlock.h"
#include "x86.h"

static spinlock_t vm_lock = SPINLOCK_INIT;

static uint64_t alloc_table(void *ctx)
{
    (void)ctx;
    return pmm_alloc();
}

void vm_map(uint64_t va, uint64_t pa, uint64_t flags)
{
    uint64_t f = spin_lock_irqsave(&vm_lock);
    int r = pt_map(bootinfo.pml4_phys, hhdm_base, va, pa, flags, 0, alloc_table, 0);
    spin_unlock_irqrestore(&vm_lock, f);
    if (r)
        panic("vm: cannot map 0x%lx", va);
}

/* Other CPUs may hold a stale TLB entry for an unmapped page; the kernel
 * never reuses unmapped heap or stack addresses (bump allocation), so a
 * stale entry can only make a use-after-free go unnoticed, never corrupt. */
void vm_unmap(uint64_t va)
{
    uint64_t f = spin_lock_irqsave(&vm_lock);
    pt_unmap(bootinfo.pml4_phys, hhdm_base, va);
    invlpg(va);
    spin_unlock_irqrestore(&vm_lock, f);
}

uint64_t vm_query(uint64_t va)
{
    return pt_query(bootinfo.pml4_phys, hhdm_base, va);
}

int vm_is_mapped(uint64_t va)
{
    /* Non-canonical addresses would fault in the walk's index math only
     * by accident; reject them explicitly. */
    if (!(va >> 47 == 0 || va >> 47 == 0x1ffff))
        return 0;
    return vm_query(va) != 0;
}

/* Backs [va, va + n pages) with fresh zeroed pages, writable, not executable. */
void vm_map_fresh(uint64_t va, size_t npages)
{
    for (size_t i = 0; i < npages; i++)
        vm_map(va + i * PAGE_SIZE, pmm_alloc(), PTE_W | PTE_NX);
}

/* Unmaps [va, va + n pages) and returns the pages behind it to the pmm. */
void vm_unmap_free(uint64_t va, size_t npages)
{
    for (size_t i = 0; i < npages; i++) {
        uint64_t pte = vm_query(va + i * PAGE_SIZE);
        vm_unmap(va + i * PAGE_SIZE);
        if (pte)
            pmm_free(pte & PTE_ADDR_MASK);
    }
}

void vm_drop_identity(void)
{
    uint64_t *pml4 = P2V(bootinfo.pml4_phys);
    pml4[0] = 0;
    write_cr3(bootinfo.pml4_phys);
}

/* Stacks: bump allocation in the randomized stack span, an unmapped
 * guard page below each, and a random gap of 0-15 pages between stacks. */
static uint64_t stack_cursor;
static uint64_t stack_rng;
static spinlock_t stack_lock = SPINLOCK_INIT;

void *stack_alloc(size_t size)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    uint64_t f = spin_lock_irqsave(&stack_lock);
    if (!stack_cursor) {
        stack_cursor = bootinfo.stack_base;
        stack_rng = bootinfo.seed ^ 0x5354414b;
    }
    uint64_t gap = bootinfo.kaslr ? (splitmix64(&stack_rng) % 16) * PAGE_SIZE : 0;
    uint64_t base = stack_cursor + gap + PAGE_SIZE; /* guard page */
    stack_cursor = base + size;
    spin_unlock_irqrestore(&stack_lock, f);
    if (stack_cursor > bootinfo.stack_base + STACK_SPAN)
        panic("vm: stack region exhausted");
    vm_map_fresh(base, size / PAGE_SIZE);
    return (void *)base;
}

void stack_free(void *base, size_t size)
{
    vm_unmap_free((uint64_t)base, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
}
