#include <stdint.h>
#include "pmm_core.h"
#include "test.h"

void test_pmm_basic(void)
{
    uint64_t bm[4];
    struct pmm p;
    pmm_core_init(&p, bm, 200);
    CHECK_EQ(p.nfree, 0);
    CHECK_EQ(pmm_core_alloc(&p, 1), (uint64_t)-1);
    pmm_core_set_free(&p, 10, 100); /* pages 10..109 */
    CHECK_EQ(p.nfree, 100);
    pmm_core_set_used(&p, 50, 10); /* hole 50..59 */
    CHECK_EQ(p.nfree, 90);
    int64_t a = pmm_core_alloc(&p, 1);
    CHECK_EQ(a, 10);
    int64_t b = pmm_core_alloc(&p, 45); /* 11..49 is only 39: must skip the hole */
    CHECK_EQ(b, 60);
    CHECK(pmm_core_is_used(&p, 60) && pmm_core_is_used(&p, 104));
    CHECK_EQ(p.nfree, 90 - 46);
    CHECK_EQ(pmm_core_free(&p, (uint64_t)a, 1), 0);
    CHECK_EQ(pmm_core_free(&p, (uint64_t)a, 1), -1); /* double free */
    CHECK_EQ(pmm_core_free(&p, 300, 1), -1);         /* out of range */
    CHECK_EQ(pmm_core_alloc(&p, 1000), (uint64_t)-1);
}

void test_pmm_exhaust(void)
{
    uint64_t bm[2];
    struct pmm p;
    pmm_core_init(&p, bm, 128);
    pmm_core_set_free(&p, 0, 128);
    for (int i = 0; i < 128; i++)
        CHECK(pmm_core_alloc(&p, 1) >= 0);
    CHECK_EQ(p.nfree, 0);
    CHECK_EQ(pmm_core_alloc(&p, 1), (uint64_t)-1);
    CHECK_EQ(pmm_core_free(&p, 64, 1), 0);
    CHECK_EQ(pmm_core_alloc(&p, 1), 64); /* wraps around past the hint */
}
