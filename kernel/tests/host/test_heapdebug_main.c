/* Host-side unit tests of the stack depot, heap debugging and the leak scan (mm/stackdepot.c,
 * mm/heapdebug_core.c, mm/leakscan_core.c): same output as test_main.c, `N passed, N failed`. */
#include <stdio.h>
#include "test.h"

int test_failed_checks;

#define TESTS(X)                                                                                   \
    X(test_depot_dedup)                                                                            \
    X(test_depot_limits)                                                                           \
    X(test_poison_find_fill)                                                                       \
    X(test_redzone_checks)                                                                         \
    X(test_quarantine_fifo)                                                                        \
    X(test_scan_roots_interior)                                                                    \
    X(test_scan_cycles_and_no_scan)                                                                \
    X(test_scan_sort_lookup)

#define DECLARE(t) void t(void);
TESTS(DECLARE)

int main(void)
{
    int passed = 0, failed = 0;
#define RUN(t)                                                                                     \
    do {                                                                                           \
        int before = test_failed_checks;                                                           \
        t();                                                                                       \
        if (test_failed_checks == before) {                                                        \
            passed++;                                                                              \
            printf("PASS %s\n", #t);                                                               \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s\n", #t);                                                               \
        }                                                                                          \
    } while (0);
    TESTS(RUN)
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
