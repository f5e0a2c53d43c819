package dev.uniscope.ui.timeline;

/**
 * The visible time range of the timeline within the data's bounds: zoom around a point, pan, map
 * between time and pixels. No FX types.
 */
public final class TimeWindow {
  /** Narrowest window: 1 microsecond. */
  public static final long MIN_SPAN_NS = 1_000;

  private long boundFrom;
  private long boundTo;
  private long from;
  private long to;
  private boolean whole = true;

  /** Sets the data's bounds; a window showing everything keeps showing everything. */
  public void bounds(long first, long last) {
    boundFrom = first;
    boundTo = Math.max(last, first + 1);
    if (whole) {
      from = boundFrom;
      to = boundTo;
    } else {
      clamp();
    }
  }

  public long from() {
    return from;
  }

  public long to() {
    return to;
  }

  public long span() {
    return to - from;
  }

  public boolean showsEverything() {
    return whole;
  }

  public void reset() {
    whole = true;
    from = boundFrom;
    to = boundTo;
  }

  /**
   * Zooms by {@code factor} (below 1 zooms in) keeping the time under {@code anchor} (0..1 of the
   * width) in place.
   */
  public void zoom(double factor, double anchor) {
    double a = Math.clamp(anchor, 0.0, 1.0);
    long span = span();
    long newSpan = (long) Math.max(MIN_SPAN_NS, Math.min(span * factor, boundTo - boundFrom));
    long pivot = from + (long) (span * a);
    from = pivot - (long) (newSpan * a);
    to = from + newSpan;
    whole = false;
    clamp();
  }

  /** Moves by {@code fraction} of the window (positive: later). */
  public void pan(double fraction) {
    long d = (long) (span() * fraction);
    from += d;
    to += d;
    whole = false;
    clamp();
  }

  private void clamp() {
    long span = Math.min(Math.max(to - from, MIN_SPAN_NS), boundTo - boundFrom);
    if (from < boundFrom) {
      from = boundFrom;
    }
    if (from + span > boundTo) {
      from = boundTo - span;
    }
    to = from + span;
    whole = from == boundFrom && to == boundTo;
  }

  public double toX(long ts, double width) {
    return (ts - from) * width / (double) span();
  }

  public long toTime(double x, double width) {
    return from + (long) (x / width * span());
  }
}
