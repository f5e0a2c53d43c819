/* Physical page bitmap allocator (pure: host-tested).  One bit per 4 KiB
 * page, 1 = used.  Callers provide locking. */
#ifndef PMM_CORE_H
#define PMM_CORE_H
#include <stdint.h>

struct pmm {
    uint64_t *bitmap;
    uint64_t npages; /* pages covered by the bitmap */
    uint64_t nfree;
    uint64_t hint; /* where the next search starts */
};

/* All pages start used; free the usable ranges afterwards. */
void pmm_core_init(struct pmm *p, uint64_t *bitmap, uint64_t npages);
void pmm_core_set_free(struct pmm *p, uint64_t pfn, uint64_t n);
void pmm_core_set_used(struct pmm *p, uint64_t pfn, uint64_t n);
/* Returns the first pfn of n contiguous free pages (marked used), or -1. */
int64_t pmm_core_alloc(struct pmm *p, uint64_t n);
/* Returns 0, or -1 if any page was already free (double free). */
int pmm_core_free(struct pmm *p, uint64_t pfn, uint64_t n);
int pmm_core_is_used(const struct pmm *p, uint64_t pfn);
#endif
