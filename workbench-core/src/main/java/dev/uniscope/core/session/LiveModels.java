package dev.uniscope.core.session;

import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.imports.CaptureEvents;
import dev.uniscope.trace.store.EventStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The incremental models of a live session: subscribers are {@link EventSink}s (a {@link
 * dev.uniscope.core.analysis.timeline.Timeline}, a sample collector, a view's own sink) that
 * receive each batch of newly decoded events, per CPU in time order, followed by {@code flush()}. A
 * subscriber added late sees only what arrives after it subscribed.
 *
 * <p>{@link #pump} runs on the data channel's event loop (the store's owner).
 */
public final class LiveModels {
  private final List<EventSink> sinks = new CopyOnWriteArrayList<>();
  private CaptureEvents events;
  private EventStore store;

  /** Adds a subscriber; returns a handle that removes it. */
  public AutoCloseable subscribe(EventSink sink) {
    sinks.add(sink);
    return () -> sinks.remove(sink);
  }

  /** Delivers what the store gained since the last call. Call on the store's thread only. */
  void pump(EventStore current) {
    if (store != current) {
      store = current;
      events = new CaptureEvents(current);
    }
    events.replayNew(new EventFanOut(sinks));
  }

  /** Records whose fields did not read (corrupt or unexpected layout), skipped. */
  public long skipped() {
    return events == null ? 0 : events.skipped();
  }
}
