package dev.uniscope.core.analysis.latency;

import java.util.Arrays;

/**
 * Durations of one kind (a function, an IRQ vector, a wakeup-to-run pair) and their percentiles.
 *
 * <p>Up to {@link #EXACT_LIMIT} values are kept verbatim, so percentiles are exact (nearest rank:
 * the smallest value with at least {@code p * count} values at or below it). Beyond that the values
 * move into log-linear buckets, HdrHistogram style: exact below {@code 2^SUB_BITS}, and above, each
 * power of two is split into {@code 2^SUB_BITS} equal buckets. A percentile then reports the middle
 * of the bucket holding the nearest-rank value, so its relative error is at most {@code
 * 2^-(SUB_BITS+1)} = 1/256 (0.39 %). Buckets are allocated per power of two on first use: at most
 * 64 x 128 counters (64 KiB) however many values are added. Count, min, max and sum stay exact.
 */
public final class LatencyHistogram {
  public static final int EXACT_LIMIT = 4096;
  static final int SUB_BITS = 7;
  private static final int SUB = 1 << SUB_BITS;

  /** Relative error bound of percentiles once in bucket mode. */
  public static final double RELATIVE_ERROR = 1.0 / (2 * SUB);

  private long[] exact = new long[16];
  private long[][] buckets;
  private long count;
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;
  private long sum;

  /** Adds one duration; negative values are clamped to 0 (clock skew must not poison stats). */
  public void record(long value) {
    long v = Math.max(0, value);
    count++;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum = sum + v < sum ? Long.MAX_VALUE : sum + v;
    if (buckets == null) {
      if (count > EXACT_LIMIT) {
        buckets = new long[64][];
        for (int i = 0; i < count - 1; i++) {
          bucket(exact[i]);
        }
        exact = null;
        bucket(v);
        return;
      }
      if (count > exact.length) {
        exact = Arrays.copyOf(exact, (int) Math.min(EXACT_LIMIT, count * 2));
      }
      exact[(int) count - 1] = v;
    } else {
      bucket(v);
    }
  }

  private void bucket(long v) {
    int e = exponent(v);
    long[] row = buckets[e];
    if (row == null) {
      row = new long[SUB];
      buckets[e] = row;
    }
    row[subIndex(v, e)]++;
  }

  /**
   * Row 0 holds values below 2^SUB_BITS exactly; row e > 0 holds [2^(e+SUB_BITS-1),
   * 2^(e+SUB_BITS)).
   */
  private static int exponent(long v) {
    int bits = 64 - Long.numberOfLeadingZeros(v);
    return bits <= SUB_BITS ? 0 : bits - SUB_BITS;
  }

  private static int subIndex(long v, int e) {
    return e == 0 ? (int) v : (int) ((v >>> (e - 1)) & (SUB - 1));
  }

  public long count() {
    return count;
  }

  public long min() {
    return count == 0 ? 0 : min;
  }

  public long max() {
    return count == 0 ? 0 : max;
  }

  public long sum() {
    return sum;
  }

  public boolean exact() {
    return buckets == null;
  }

  /**
   * The nearest-rank percentile, {@code p} in [0, 1]; 0 when empty. Exact while {@link #exact()},
   * else within {@link #RELATIVE_ERROR} of the exact value.
   */
  public long percentile(double p) {
    if (count == 0) {
      return 0;
    }
    double q = Math.min(1, Math.max(0, p));
    long rank = Math.max(1, (long) Math.ceil(q * count));
    if (buckets == null) {
      long[] sorted = Arrays.copyOf(exact, (int) count);
      Arrays.sort(sorted);
      return sorted[(int) rank - 1];
    }
    long seen = 0;
    for (int e = 0; e < 64; e++) {
      long[] row = buckets[e];
      if (row == null) {
        continue;
      }
      for (int s = 0; s < SUB; s++) {
        seen += row[s];
        if (seen >= rank) {
          return Math.min(max, Math.max(min, middle(e, s)));
        }
      }
    }
    return max;
  }

  private static long middle(int e, int s) {
    if (e == 0) {
      return s;
    }
    long width = 1L << (e - 1);
    long lo = ((long) (SUB + s)) << (e - 1);
    return lo + (width - 1) / 2;
  }

  public LatencyStats stats() {
    return new LatencyStats(
        count, min(), percentile(0.5), percentile(0.9), percentile(0.99), max(), sum, exact());
  }
}
