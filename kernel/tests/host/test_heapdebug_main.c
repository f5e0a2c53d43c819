/* Host-side unit tests of the stack depot, heap debugging and the leak scan (mm/stackdepot.c,
 * mm/heapdebug_core.c, mm/leakscan_core.c): same output as test_main.c, `N passed, N failed`. */
#include <stdio.h>
#include "test.h"

#define TESTS(X)                                                                                   \
    X(test_depot_dedup)                                                                            \
    X(test_depot_limits)                                                                           \
    X(test_poison_find_fill)                                                                       \
    X(test_redzone_checks)                                                                         \
    X(test_quarantine_fifo)                                                                        \
    X(test_scan_roots_interior)                                                                    \
    X(test_scan_cycles_and_no_scan)                                                                \
    X(test_scan_sort_lookup)                                                                       \
    X(test_scan_age_rule)                                                                          \
    X(test_scan_ids_skip_end_id)

TEST_MAIN(TESTS)
