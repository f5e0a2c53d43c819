/* Host-side unit tests of the trace rings and wire code (kernel/trace):
 * same output as test_main.c, `N passed, N failed`. */
#include <stdio.h>
#include "test.h"

int test_failed_checks;

#define TESTS(X)                                                                                   \
    X(test_trace_crc32c)                                                                           \
    X(test_trace_ring_basic)                                                                       \
    X(test_trace_ring_stream_full)                                                                 \
    X(test_trace_ring_flight)                                                                      \
    X(test_trace_ring_flush_and_ts)                                                                \
    X(test_trace_ring_nesting)                                                                     \
    X(test_trace_frame_rx)                                                                         \
    X(test_trace_metadata)

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
