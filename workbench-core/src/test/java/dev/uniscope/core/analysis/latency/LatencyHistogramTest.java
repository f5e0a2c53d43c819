package dev.uniscope.core.analysis.latency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  private static long nearestRank(long[] sorted, double p) {
    long rank = Math.max(1, (long) Math.ceil(p * sorted.length));
    return sorted[(int) rank - 1];
  }

  @Test
  void smallSampleIsExactNearestRank() {
    LatencyHistogram h = new LatencyHistogram();
    for (long v : new long[] {50, 10, 40, 20, 30, 60, 70, 80, 90, 100}) {
      h.record(v);
    }
    // Hand-checked: 10 values, p50 = 5th = 50, p90 = 9th = 90, p99 = 10th = 100.
    LatencyStats s = h.stats();
    assertThat(s).isEqualTo(new LatencyStats(10, 10, 50, 90, 100, 100, 550, true));
    assertThat(s.mean()).isEqualTo(55.0);
  }

  @Test
  void emptyAndNegative() {
    LatencyHistogram h = new LatencyHistogram();
    assertThat(h.stats()).isEqualTo(new LatencyStats(0, 0, 0, 0, 0, 0, 0, true));
    h.record(-5);
    assertThat(h.min()).isZero();
  }

  @Test
  void bucketModeKeepsExactCountMinMax() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 1; i <= 100_000; i++) {
      h.record(i * 1000L);
    }
    LatencyStats s = h.stats();
    assertThat(s.exact()).isFalse();
    assertThat(s.count()).isEqualTo(100_000);
    assertThat(s.min()).isEqualTo(1000);
    assertThat(s.max()).isEqualTo(100_000_000);
    assertThat(Math.abs(s.p50() - 50_000_000.0) / 50_000_000.0)
        .isLessThanOrEqualTo(LatencyHistogram.RELATIVE_ERROR);
  }

  @Property(tries = 200)
  void percentilesAreExactUpToTheLimit(
      @ForAll @Size(min = 1, max = LatencyHistogram.EXACT_LIMIT)
          List<@LongRange(min = 0, max = Long.MAX_VALUE / 4) Long> values,
      @ForAll @IntRange(min = 0, max = 100) int percent) {
    LatencyHistogram h = new LatencyHistogram();
    values.forEach(h::record);
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    assertThat(h.percentile(percent / 100.0)).isEqualTo(nearestRank(sorted, percent / 100.0));
  }

  @Property(tries = 50)
  void percentilesStayWithinTheStatedBoundBeyondTheLimit(
      @ForAll @IntRange(min = LatencyHistogram.EXACT_LIMIT + 1, max = 30_000) int n,
      @ForAll @LongRange(min = 1, max = 1L << 40) long scale,
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 100) int percent) {
    java.util.Random r = new java.util.Random(seed);
    long[] values = new long[n];
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < n; i++) {
      // Log-uniform: exercises many powers of two.
      values[i] = (long) Math.exp(r.nextDouble() * Math.log(scale + 1));
      h.record(values[i]);
    }
    Arrays.sort(values);
    long exact = nearestRank(values, percent / 100.0);
    long approx = h.percentile(percent / 100.0);
    assertThat((double) Math.abs(approx - exact))
        .isLessThanOrEqualTo(exact * LatencyHistogram.RELATIVE_ERROR + 1e-9);
    assertThat(h.min()).isEqualTo(values[0]);
    assertThat(h.max()).isEqualTo(values[n - 1]);
  }
}
