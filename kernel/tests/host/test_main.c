/* Host-side unit tests for the kernel's pure code.  Prints one line per
 * test and the summary line `N passed, N failed`. */
#include <stdio.h>
#include "test.h"

#define TESTS(X)                                                                                   \
    X(test_cmdline_flags)                                                                          \
    X(test_cmdline_values)                                                                         \
    X(test_cmdline_numbers)                                                                        \
    X(test_reloc_apply)                                                                            \
    X(test_reloc_rejects)                                                                          \
    X(test_kaslr_slots)                                                                            \
    X(test_splitmix_reproducible)                                                                  \
    X(test_printf_basic)                                                                           \
    X(test_printf_truncation)                                                                      \
    X(test_heap_classes)                                                                           \
    X(test_heap_alloc_free)                                                                        \
    X(test_heap_reuse_and_errors)                                                                  \
    X(test_pmm_basic)                                                                              \
    X(test_pmm_exhaust)                                                                            \
    X(test_pt_map_query_unmap)                                                                     \
    X(test_pt_large_pages)                                                                         \
    X(test_ksyms_find)                                                                             \
    X(test_ksyms_corrupt)

TEST_MAIN(TESTS)
