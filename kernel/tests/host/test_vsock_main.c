/* Host-side unit tests of the virtio/vsock pure code (kernel/drivers):
 * same output as test_main.c, `N passed, N failed`. */
#include <stdio.h>
#include "test.h"

#define TESTS(X)                                                                                   \
    X(test_virtq_layout)                                                                           \
    X(test_virtq_add_and_use)                                                                      \
    X(test_virtq_index_wrap)                                                                       \
    X(test_virtq_hostile_device)                                                                   \
    X(test_virtq_notify_flag)                                                                      \
    X(test_vsock_hdr_codec)                                                                        \
    X(test_vsock_rx_check)                                                                         \
    X(test_vsock_credit)                                                                           \
    X(test_vsock_ring)

TEST_MAIN(TESTS)
