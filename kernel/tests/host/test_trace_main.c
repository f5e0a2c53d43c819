/* Host-side unit tests of the trace rings and wire code (kernel/trace):
 * same output as test_main.c, `N passed, N failed`. */
#include <stdio.h>
#include "test.h"

#define TESTS(X)                                                                                   \
    X(test_trace_crc32c)                                                                           \
    X(test_trace_ring_basic)                                                                       \
    X(test_trace_ring_stream_full)                                                                 \
    X(test_trace_ring_flight)                                                                      \
    X(test_trace_ring_flush_and_ts)                                                                \
    X(test_trace_ring_flush_reports_pending_drops)                                                 \
    X(test_trace_ring_nesting)                                                                     \
    X(test_trace_frame_rx)                                                                         \
    X(test_trace_metadata)

TEST_MAIN(TESTS)
