package dev.uniscope.core.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.analysis.timeline.EventLog;
import dev.uniscope.core.analysis.timeline.Timeline;
import dev.uniscope.core.analysis.timeline.TraceEvent;
import dev.uniscope.trace.encode.PageWriter;
import dev.uniscope.trace.encode.RecordEncoder;
import dev.uniscope.trace.meta.CoreEvents;
import dev.uniscope.trace.meta.Metadata;
import dev.uniscope.trace.page.PageDecoder;
import dev.uniscope.trace.page.PageHeader;
import dev.uniscope.trace.page.RecordSink;
import dev.uniscope.trace.store.EventStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pages encoded as the kernel writes them, decoded by trace-ingest into its store, then replayed.
 */
class CaptureEventsTest {
  private static final int PAGE = 4096;
  private final Metadata md = CoreEvents.metadata();
  private final List<ByteBuffer> pages = new ArrayList<>();
  private final EventStore store = new EventStore(this::page);
  private final RecordEncoder enc = new RecordEncoder();

  private ByteBuffer page(long offset, int length) {
    return pages.get((int) offset).duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  private RecordEncoder rec(int id) {
    return enc.reset(md.event(id));
  }

  private void ingest(List<ByteBuffer> closed) {
    PageDecoder decoder = new PageDecoder(md, PAGE, 4);
    for (ByteBuffer p : closed) {
      pages.add(p);
      long offset = pages.size() - 1;
      int[] index = {-1};
      decoder.decode(
          p.duplicate(),
          new RecordSink() {
            @Override
            public void page(PageHeader h) {
              index[0] = store.addPage(h, offset, p.remaining());
            }

            @Override
            public void record(int eventId, int off, int size, int tsDelta) {
              store.addRecord(p.getShort(4) & 0xFFFF, index[0], off, eventId, tsDelta);
            }
          });
    }
    closed.clear();
  }

  @Test
  void everyCoreEventReachesTheSinkByFieldName() {
    store.addMetadata(md);
    List<ByteBuffer> closed = new ArrayList<>();
    PageWriter cpu0 = new PageWriter(0, PAGE, closed::add);
    PageWriter cpu1 = new PageWriter(1, PAGE, closed::add);
    cpu0.append(
        CoreEvents.THREAD_NAME,
        100,
        rec(CoreEvents.THREAD_NAME).set("tid", 7).set("name", "worker").payload());
    cpu0.append(
        CoreEvents.SCHED_SWITCH,
        110,
        rec(CoreEvents.SCHED_SWITCH)
            .set("prev_tid", 0)
            .set("next_tid", 7)
            .set("prev_state", 0)
            .set("prev_prio", 120)
            .set("next_prio", 121)
            .set("next_comm", "worker")
            .payload());
    cpu1.append(
        CoreEvents.SCHED_WAKEUP,
        105,
        rec(CoreEvents.SCHED_WAKEUP).set("tid", 7).set("target_cpu", 0).set("prio", 120).payload());
    cpu0.append(
        CoreEvents.IRQ_ENTRY,
        120,
        rec(CoreEvents.IRQ_ENTRY).set("vector", 32).set("rip", 0x1234).payload());
    cpu0.append(CoreEvents.IRQ_EXIT, 125, rec(CoreEvents.IRQ_EXIT).set("vector", 32).payload());
    cpu0.append(
        CoreEvents.GRAPH_ENTRY,
        130,
        rec(CoreEvents.GRAPH_ENTRY).set("ip", 0xAA).set("depth", 0).payload());
    cpu0.append(
        CoreEvents.GRAPH_EXIT,
        150,
        rec(CoreEvents.GRAPH_EXIT)
            .set("ip", 0xAA)
            .set("depth", 0)
            .set("duration_ns", 20)
            .payload());
    cpu0.append(
        CoreEvents.MARKER_COUNTER,
        160,
        rec(CoreEvents.MARKER_COUNTER).set("tid", 7).set("name", "q").set("value", -3).payload());
    cpu1.append(
        CoreEvents.PROFILE_SAMPLE,
        170,
        rec(CoreEvents.PROFILE_SAMPLE)
            .set("rip", 0x10)
            .set("tid", 7)
            .set("idle", 0)
            .set("stack", new long[] {0x20, 0x30})
            .payload());
    cpu0.flush();
    cpu1.flush();
    ingest(closed);

    EventLog log = new EventLog();
    CaptureEvents events = new CaptureEvents(store);
    events.replay(log);
    assertThat(log.events())
        .containsExactly(
            new TraceEvent.ThreadName(100, 0, 7, "worker"),
            new TraceEvent.SchedWakeup(105, 1, 7, 120, 0),
            new TraceEvent.ThreadName(110, 0, 7, "worker"),
            new TraceEvent.SchedSwitch(110, 0, 0, 0, 120, 7, 121),
            new TraceEvent.IrqEntry(120, 0, 32),
            new TraceEvent.IrqExit(125, 0, 32),
            new TraceEvent.GraphEntry(130, 0, 0xAA, 0),
            new TraceEvent.GraphExit(150, 0, 0xAA, 0, 20),
            new TraceEvent.MarkerCounter(160, 0, 7, "q", -3),
            new TraceEvent.Sample(170, 1, 7, false, new long[] {0x10, 0x20, 0x30}));
    assertThat(events.skipped()).isZero();
  }

  @Test
  void replayNewFeedsATimelineIncrementally() {
    store.addMetadata(md);
    List<ByteBuffer> closed = new ArrayList<>();
    PageWriter cpu0 = new PageWriter(0, PAGE, closed::add);
    Timeline timeline = new Timeline();
    List<long[]> heard = new ArrayList<>();
    timeline.addListener((t, from, to) -> heard.add(new long[] {from, to}));
    CaptureEvents events = new CaptureEvents(store);

    cpu0.append(CoreEvents.IRQ_ENTRY, 10, rec(CoreEvents.IRQ_ENTRY).set("vector", 33).payload());
    cpu0.flush();
    ingest(closed);
    events.replayNew(timeline);
    assertThat(timeline.irqSpans(0).size()).isEqualTo(1); // open

    cpu0.append(CoreEvents.IRQ_EXIT, 40, rec(CoreEvents.IRQ_EXIT).set("vector", 33).payload());
    cpu0.flush();
    ingest(closed);
    events.replayNew(timeline);
    events.replayNew(timeline); // nothing new: no notification
    assertThat(timeline.irqSpans(0).complete(0)).isTrue();
    assertThat(timeline.irqSpans(0).duration(0)).isEqualTo(30);
    assertThat(heard).containsExactly(new long[] {10, 10}, new long[] {40, 40});
  }
}
