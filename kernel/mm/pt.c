/* Page-table walker; see pt.h.  Position independent and global-free so
 * it can run before relocation. */
#include "pt.h"

static uint64_t *table(uint64_t p2v, uint64_t phys)
{
    return (uint64_t *)(phys + p2v);
}

static uint64_t *walk(uint64_t root, uint64_t p2v, uint64_t va, int levels, pt_alloc_fn alloc,
                      void *ctx)
{
    uint64_t *t = table(p2v, root);
    for (int level = 3; level > 3 - levels; level--) {
        unsigned idx = (va >> (12 + 9 * level)) & 511;
        uint64_t e = t[idx];
        if (!(e & PTE_P)) {
            if (!alloc)
                return 0;
            uint64_t page = alloc(ctx);
            if (!page)
                return 0;
            /* Intermediate levels are permissive; the leaf decides. */
            t[idx] = page | PTE_P | PTE_W;
            e = t[idx];
        } else if (e & PTE_PS) {
            return 0;
        }
        t = table(p2v, e & PTE_ADDR_MASK);
    }
    return t;
}

int pt_map(uint64_t root, uint64_t p2v, uint64_t va, uint64_t pa, uint64_t flags, int large,
           pt_alloc_fn alloc, void *ctx)
{
    uint64_t *t = walk(root, p2v, va, large ? 2 : 3, alloc, ctx);
    if (!t)
        return -1;
    unsigned idx = (va >> (large ? 21 : 12)) & 511;
    t[idx] = (pa & PTE_ADDR_MASK) | flags | PTE_P | (large ? PTE_PS : 0);
    return 0;
}

uint64_t pt_query(uint64_t root, uint64_t p2v, uint64_t va)
{
    uint64_t *t = table(p2v, root);
    for (int level = 3; level >= 0; level--) {
        uint64_t e = t[(va >> (12 + 9 * level)) & 511];
        if (!(e & PTE_P))
            return 0;
        if (level == 0 || (e & PTE_PS))
            return e;
        t = table(p2v, e & PTE_ADDR_MASK);
    }
    return 0;
}

uint64_t pt_unmap(uint64_t root, uint64_t p2v, uint64_t va)
{
    uint64_t *t = walk(root, p2v, va, 3, 0, 0);
    if (!t)
        return 0;
    unsigned idx = (va >> 12) & 511;
    uint64_t old = t[idx];
    t[idx] = 0;
    return old;
}
