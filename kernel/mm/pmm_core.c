#include "pmm_core.h"

int pmm_core_is_used(const struct pmm *p, uint64_t pfn)
{
    if (pfn >= p->npages)
        return 1;
    return (p->bitmap[pfn / 64] >> (pfn % 64)) & 1;
}

static void set(struct pmm *p, uint64_t pfn, int used)
{
    uint64_t bit = 1UL << (pfn % 64);
    if (used)
        p->bitmap[pfn / 64] |= bit;
    else
        p->bitmap[pfn / 64] &= ~bit;
}

void pmm_core_init(struct pmm *p, uint64_t *bitmap, uint64_t npages)
{
    p->bitmap = bitmap;
    p->npages = npages;
    p->nfree = 0;
    p->hint = 0;
    for (uint64_t i = 0; i < (npages + 63) / 64; i++)
        bitmap[i] = ~0UL;
}

void pmm_core_set_free(struct pmm *p, uint64_t pfn, uint64_t n)
{
    for (uint64_t i = pfn; i < pfn + n && i < p->npages; i++)
        if (pmm_core_is_used(p, i)) {
            set(p, i, 0);
            p->nfree++;
        }
}

void pmm_core_set_used(struct pmm *p, uint64_t pfn, uint64_t n)
{
    for (uint64_t i = pfn; i < pfn + n && i < p->npages; i++)
        if (!pmm_core_is_used(p, i)) {
            set(p, i, 1);
            p->nfree--;
        }
}

int64_t pmm_core_alloc(struct pmm *p, uint64_t n)
{
    if (n == 0 || n > p->nfree)
        return -1;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t start = pass ? 0 : p->hint;
        uint64_t end = pass ? p->hint + n : p->npages;
        if (end > p->npages)
            end = p->npages;
        uint64_t run = 0;
        for (uint64_t i = start; i < end; i++) {
            /* Skip full words quickly. */
            if (run == 0 && i % 64 == 0 && p->bitmap[i / 64] == ~0UL) {
                i += 63;
                continue;
            }
            if (pmm_core_is_used(p, i)) {
                run = 0;
                continue;
            }
            if (++run == n) {
                uint64_t first = i + 1 - n;
                pmm_core_set_used(p, first, n);
                p->hint = i + 1;
                return (int64_t)first;
            }
        }
    }
    return -1;
}

int pmm_core_free(struct pmm *p, uint64_t pfn, uint64_t n)
{
    for (uint64_t i = pfn; i < pfn + n; i++)
        if (!pmm_core_is_used(p, i) || i >= p->npages)
            return -1;
    pmm_core_set_free(p, pfn, n);
    return 0;
}
