/* Host-side unit tests of the KASLR entropy pool and the early virtio-rng
 * ring geometry (kernel/kaslr): same output as test_main.c. */
#include <stdio.h>
#include "test.h"

#define TESTS(X)                                                                                   \
    X(test_entropy_deterministic)                                                                  \
    X(test_entropy_order_and_length)                                                               \
    X(test_entropy_last_word_bijective)                                                            \
    X(test_entropy_device_cannot_steer)                                                            \
    X(test_entropy_bit_balance)                                                                    \
    X(test_rng_legacy_geometry)                                                                    \
    X(test_rng_legacy_sizes)                                                                       \
    X(test_rng_modern_sizes)                                                                       \
    X(test_rng_legacy_ring_with_device)

TEST_MAIN(TESTS)
