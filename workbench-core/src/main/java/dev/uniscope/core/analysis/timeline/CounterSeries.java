package dev.uniscope.core.analysis.timeline;

/**
 * One counter's samples in time order. Marker counters keep the application's values; the derived
 * {@link Timeline#HEAP_LIVE_BYTES} series steps at every alloc and free.
 */
public record CounterSeries(String name, long[] ts, long[] values) {
  public CounterSeries {
    if (ts.length != values.length) {
      throw new IllegalArgumentException("ts and values differ in length");
    }
  }

  public int size() {
    return ts.length;
  }
}
