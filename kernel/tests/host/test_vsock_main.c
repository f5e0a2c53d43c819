/* Host-side unit tests of the virtio/vsock pure code (kernel/drivers):
 * same output as test_main.c, `N passed, N failed`. */
#include <stdio.h>
#include "test.h"

int test_failed_checks;

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
