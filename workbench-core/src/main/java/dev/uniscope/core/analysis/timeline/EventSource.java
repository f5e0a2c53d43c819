package dev.uniscope.core.analysis.timeline;

/** Something that can play its events, in global timestamp order, into a sink. */
@FunctionalInterface
public interface EventSource {
  void replay(EventSink sink);
}
