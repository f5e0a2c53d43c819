package dev.uniscope.core.analysis.timeline;

/**
 * Told when a {@link Timeline} has new data, at every {@link EventSink#flush}, on the thread that
 * feeds the timeline. Views typically record the range and repaint later on their own thread.
 */
@FunctionalInterface
public interface TimelineListener {
  /**
   * @param fromNs the earliest timestamp appended since the previous notification
   * @param toNs the latest timestamp appended since the previous notification
   */
  void timelineUpdated(Timeline timeline, long fromNs, long toNs);
}
