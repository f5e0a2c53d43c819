package dev.uniscope.core.export;

/**
 * Options shared by the exporters.
 *
 * @param includeIdle keep profiler samples taken in the idle loop (profile formats)
 * @param samplePeriodNs the sampling period, 1e9 / Hz, or 0 if unknown (pprof's cpu time)
 * @param nanosecondTimestamps ftrace text with 9 decimals instead of 6
 * @param clockOriginUnixNs the Unix time (ns) of trace-clock 0, or 0 if unknown (pprof's {@code
 *     time_nanos}, which is left out when unknown rather than shown as 1970)
 */
public record ExportOptions(
    boolean includeIdle,
    long samplePeriodNs,
    boolean nanosecondTimestamps,
    long clockOriginUnixNs) {
  public ExportOptions(boolean includeIdle, long samplePeriodNs, boolean nanosecondTimestamps) {
    this(includeIdle, samplePeriodNs, nanosecondTimestamps, 0);
  }

  public static ExportOptions defaults() {
    return new ExportOptions(false, 0, false, 0);
  }
}
