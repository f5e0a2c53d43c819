/* Physical page allocator: bitmap over the PVH memory map.  The bitmap
 * itself is placed in the first RAM above the kernel image. */
#include "kernel.h"
#include "bootinfo.h"
#include "layout.h"
#include "mm.h"
#include "pmm_core.h"
#include "spinlock.h"
#include "string.h"

static struct pmm pmm;
static spinlock_t pmm_lock = SPINLOCK_INIT;

void pmm_init(void)
{
    uint64_t top = 0;
    for (uint32_t i = 0; i < bootinfo.nmem; i++)
        if (bootinfo.mem[i].type == 1 && bootinfo.mem[i].addr + bootinfo.mem[i].size > top)
            top = bootinfo.mem[i].addr + bootinfo.mem[i].size;
    if (top > HHDM_MAX)
        top = HHDM_MAX;
    uint64_t npages = top / PAGE_SIZE;
    uint64_t bm_bytes = ALIGN_UP((npages + 63) / 64 * 8, PAGE_SIZE);
    uint64_t img_end = ALIGN_UP(bootinfo.phys_base + bootinfo.image_size, PAGE_SIZE);

    uint64_t bm_pa = 0;
    for (uint32_t i = 0; i < bootinfo.nmem && !bm_pa; i++) {
        const struct boot_mem *m = &bootinfo.mem[i];
        uint64_t s = ALIGN_UP(m->addr, PAGE_SIZE), e = ALIGN_DOWN(m->addr + m->size, PAGE_SIZE);
        if (m->type != 1 || e > top)
            continue;
        if (s < img_end)
            s = img_end;
        if (e > s && e - s >= bm_bytes)
            bm_pa = s;
    }
    if (!bm_pa)
        panic("pmm: no room for the page bitmap");
    pmm_core_init(&pmm, P2V(bm_pa), npages);
    for (uint32_t i = 0; i < bootinfo.nmem; i++) {
        const struct boot_mem *m = &bootinfo.mem[i];
        if (m->type != 1)
            continue;
        uint64_t s = ALIGN_UP(m->addr, PAGE_SIZE), e = ALIGN_DOWN(m->addr + m->size, PAGE_SIZE);
        if (e > top)
            e = top;
        if (e > s)
            pmm_core_set_free(&pmm, s / PAGE_SIZE, (e - s) / PAGE_SIZE);
    }
    /* Low 1 MiB (BIOS data, AP trampoline), the image, the bitmap. */
    pmm_core_set_used(&pmm, 0, 0x100000 / PAGE_SIZE);
    pmm_core_set_used(&pmm, bootinfo.phys_base / PAGE_SIZE,
                      (img_end - bootinfo.phys_base) / PAGE_SIZE);
    pmm_core_set_used(&pmm, bm_pa / PAGE_SIZE, bm_bytes / PAGE_SIZE);
    printk("pmm: %lu MiB usable, %lu pages free\n", pmm.nfree * PAGE_SIZE >> 20, pmm.nfree);
}

uint64_t pmm_alloc_contig(size_t n)
{
    uint64_t f = spin_lock_irqsave(&pmm_lock);
    int64_t pfn = pmm_core_alloc(&pmm, n);
    spin_unlock_irqrestore(&pmm_lock, f);
    if (pfn < 0)
        return 0;
    uint64_t pa = (uint64_t)pfn * PAGE_SIZE;
    memset(P2V(pa), 0, n * PAGE_SIZE);
    return pa;
}

uint64_t pmm_alloc(void)
{
    uint64_t pa = pmm_alloc_contig(1);
    if (!pa)
        panic("pmm: out of physical memory");
    return pa;
}

void pmm_free(uint64_t pa)
{
    uint64_t f = spin_lock_irqsave(&pmm_lock);
    int r = pmm_core_free(&pmm, pa / PAGE_SIZE, 1);
    spin_unlock_irqrestore(&pmm_lock, f);
    if (r)
        panic("pmm: double free of page 0x%lx", pa);
}

uint64_t pmm_total_pages(void)
{
    return pmm.npages;
}
