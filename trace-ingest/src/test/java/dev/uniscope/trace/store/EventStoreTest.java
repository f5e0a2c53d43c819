package dev.uniscope.trace.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.meta.CoreEvents;
import dev.uniscope.trace.page.PageHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStoreTest {
  private static final PageSource NONE = (o, l) -> ByteBuffer.allocate(l);

  @Test
  void mergesCpusInTimeOrder() {
    EventStore s = new EventStore(NONE);
    s.addMetadata(CoreEvents.metadata());
    int p0 = s.addPage(new PageHeader(0, 0, 0, 100, 0, 0), 0, 32);
    int p1 = s.addPage(new PageHeader(1, 0, 0, 150, 0, 0), 0, 32);
    s.addRecord(0, p0, 32, 2, 0); // 100
    s.addRecord(0, p0, 40, 3, 100); // 200
    s.addRecord(1, p1, 32, 4, 0); // 150
    s.addRecord(1, p1, 40, 5, 0xFFFFFFFF); // 150 + 2^32-1: the delta is unsigned
    List<Long> times = new ArrayList<>();
    s.forEachInTimeOrder((cpu, i, ts, id) -> times.add(ts));
    assertThat(times).containsExactly(100L, 150L, 200L, 150L + 0xFFFFFFFFL);
    assertThat(s.eventId(1, 0)).isEqualTo(4);
  }

  /** The budget is 24 bytes per event; the columns take 12 plus the page table. */
  @Test
  void residentBytesPerEventStayUnderBudget() {
    EventStore s = new EventStore(NONE);
    s.addMetadata(CoreEvents.metadata());
    int events = 1_000_000;
    int page = -1;
    for (int i = 0; i < events; i++) {
      if (i % 150 == 0) {
        page = s.addPage(new PageHeader(i % 4, 0, i / 150, i, 0, 0), i * 4112L, 4096);
      }
      s.addRecord(i % 4, page, 32 + (i % 150) * 24, 2, i);
    }
    double perEvent = (double) s.residentBytes() / events;
    assertThat(perEvent).isLessThan(24.0);
  }
}
