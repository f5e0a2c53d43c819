/* Host-side statistical tests of the KASLR base selection (kernel/kaslr):
 * same output as test_main.c. */
#include <stdio.h>
#include "test.h"

#define TESTS(X)                                                                                   \
    X(test_kaslr_slot_counts)                                                                      \
    X(test_kaslr_bases_in_window)                                                                  \
    X(test_kaslr_uniform_consecutive_seeds)                                                        \
    X(test_kaslr_uniform_random_seeds)

TEST_MAIN(TESTS)
