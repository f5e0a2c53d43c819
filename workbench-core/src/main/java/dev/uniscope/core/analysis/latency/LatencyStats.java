package dev.uniscope.core.analysis.latency;

/**
 * Summary of one latency distribution, in nanoseconds.
 *
 * @param exact whether the percentiles are exact (else within {@link
 *     LatencyHistogram#RELATIVE_ERROR})
 */
public record LatencyStats(
    long count, long min, long p50, long p90, long p99, long max, long sum, boolean exact) {
  public double mean() {
    return count == 0 ? 0 : (double) sum / count;
  }
}
