package dev.uniscope.trace.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.encode.PageWriter;
import dev.uniscope.trace.encode.RecordEncoder;
import dev.uniscope.trace.meta.CoreEvents;
import dev.uniscope.trace.meta.MetadataCodec;
import dev.uniscope.trace.store.EventStore;
import dev.uniscope.trace.wire.FrameType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Pages lost, duplicated or reordered in transit are accounted for: every page the session decodes
 * is newer than the last one of its CPU, and {@code missingPages} + decoded pages + rejected pages
 * explain every page sent.
 */
class PageSequenceTest {

  @Property(tries = 300)
  void sequenceGapsAreCountedNeverSilent(
      @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 9) Integer> fate,
      @ForAll @IntRange(min = 0, max = 20) int droppedRecords)
      throws Exception {
    List<ByteBuffer> pages = new ArrayList<>();
    PageWriter w = new PageWriter(0, 1024, pages::add);
    RecordEncoder e = new RecordEncoder();
    w.drop(droppedRecords);
    for (int i = 0; i < fate.size() * 10; i++) {
      w.append(
          CoreEvents.IRQ_EXIT,
          100L * i,
          e.reset(CoreEvents.metadata().event(CoreEvents.IRQ_EXIT)).set("vector", i).payload());
    }
    w.flush();
    // Fate per page: 0 = lost in transit, 1 = sent twice, 2 = swapped with the next, else sent
    // once.
    List<ByteBuffer> sent = new ArrayList<>();
    for (int i = 0; i < pages.size(); i++) {
      int f = fate.get(i % fate.size());
      if (f == 0) {
        continue;
      }
      sent.add(pages.get(i));
      if (f == 1) {
        sent.add(pages.get(i));
      } else if (f == 2 && i + 1 < pages.size()) {
        sent.add(sent.size() - 1, pages.get(++i));
      }
    }
    EventStore store =
        new EventStore(
            (o, l) -> {
              throw new IllegalArgumentException("no source");
            });
    TraceSession s = new TraceSession(store, null, new ProblemLog());
    s.onFrame(
        FrameType.HELLO,
        0,
        HelloCodec.encode(new Hello(1, 0, 1, 0, 1024, 8, 0, 0, 0, 0, new byte[0], "", new byte[0])),
        0);
    s.onFrame(FrameType.METADATA, 1, MetadataCodec.encode(CoreEvents.metadata()), 0);
    long last = -1;
    long expectMissing = 0;
    long decoded = 0;
    for (ByteBuffer p : sent) {
      long seq = p.getLong(8);
      s.onFrame(FrameType.PAGE, 2, p.duplicate(), 0);
      if (seq > last) {
        expectMissing += last >= 0 ? seq - last - 1 : 0;
        last = seq;
        decoded++;
      }
    }
    assertThat(s.stats().pages()).isEqualTo(decoded);
    assertThat(s.stats().missingPages()).isEqualTo(expectMissing);
    assertThat(s.stats().badPages()).isEqualTo(sent.size() - decoded);
    if (!sent.isEmpty() && sent.getFirst() == pages.getFirst()) {
      assertThat(s.stats().lostRecords()).isEqualTo(droppedRecords);
    }
    long time = -1;
    for (long i = 0; i < store.eventCount(0); i++) {
      assertThat(store.timestamp(0, i)).isGreaterThan(time);
      time = store.timestamp(0, i);
    }
  }
}
