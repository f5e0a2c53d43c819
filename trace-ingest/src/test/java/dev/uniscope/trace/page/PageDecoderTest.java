package dev.uniscope.trace.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.encode.PageWriter;
import dev.uniscope.trace.encode.RecordEncoder;
import dev.uniscope.trace.meta.CoreEvents;
import dev.uniscope.trace.meta.EventDef;
import dev.uniscope.trace.meta.FieldDef;
import dev.uniscope.trace.meta.FieldType;
import dev.uniscope.trace.meta.Metadata;
import dev.uniscope.trace.meta.MetadataCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PageDecoderTest {
  private static final Metadata MD = CoreEvents.metadata();

  /** Records as positions. */
  record Rec(int id, int offset, int size, int delta) {}

  static final class Collect implements RecordSink {
    final List<Rec> recs = new ArrayList<>();
    PageHeader header;

    @Override
    public void page(PageHeader h) {
      header = h;
    }

    @Override
    public void record(int eventId, int offset, int size, int tsDelta) {
      recs.add(new Rec(eventId, offset, size, tsDelta));
    }
  }

  /** One page with a mix of fixed and dynamic records. */
  static ByteBuffer samplePage() {
    List<ByteBuffer> pages = new ArrayList<>();
    PageWriter w = new PageWriter(1, 4096, pages::add);
    RecordEncoder e = new RecordEncoder();
    w.drop(3);
    w.append(
        CoreEvents.SCHED_SWITCH,
        1000,
        e.reset(MD.event(CoreEvents.SCHED_SWITCH))
            .set("prev_tid", 7)
            .set("next_tid", 9)
            .set("next_comm", "worker")
            .payload());
    w.append(
        CoreEvents.MARKER_BEGIN,
        1500,
        e.reset(MD.event(CoreEvents.MARKER_BEGIN)).set("tid", 9).set("name", "request").payload());
    w.append(
        CoreEvents.PROFILE_SAMPLE,
        2500,
        e.reset(MD.event(CoreEvents.PROFILE_SAMPLE))
            .set("rip", 0xffffffff81000010L)
            .set("stack", new long[] {1, 2, 3})
            .set("idle", 1)
            .payload());
    w.append(
        CoreEvents.MARKER_COUNTER,
        3000,
        e.reset(MD.event(CoreEvents.MARKER_COUNTER))
            .set("name", "queue")
            .set("value", -5)
            .payload());
    w.flush();
    return pages.getFirst();
  }

  @Test
  void decodesRecordsAndFieldsInPlace() {
    ByteBuffer page = samplePage();
    Collect c = new Collect();
    PageOutcome out = new PageDecoder(MD, 4096, 2).decode(page, c);
    assertThat(out.ok()).isTrue();
    assertThat(out.records()).isEqualTo(4);
    assertThat(c.header)
        .isEqualTo(
            new PageHeader(1, PageFormat.FLAG_CLOSED_EARLY, 0, 1000, page.remaining() - 32, 3));
    assertThat(c.recs).extracting(Rec::delta).containsExactly(0, 500, 1500, 2000);
    RecordView sw = new RecordView(page, c.recs.get(0).offset(), MD.event(CoreEvents.SCHED_SWITCH));
    assertThat(sw.number("next_tid")).isEqualTo(9);
    assertThat(sw.text("next_comm")).isEqualTo("worker");
    RecordView m = new RecordView(page, c.recs.get(1).offset(), MD.event(CoreEvents.MARKER_BEGIN));
    assertThat(m.text("name")).isEqualTo("request");
    RecordView s =
        new RecordView(page, c.recs.get(2).offset(), MD.event(CoreEvents.PROFILE_SAMPLE));
    assertThat(s.stack("stack")).containsExactly(1, 2, 3);
    assertThat(s.number("idle")).isEqualTo(1);
    assertThat(s.number("rip")).isEqualTo(0xffffffff81000010L);
    RecordView k =
        new RecordView(page, c.recs.get(3).offset(), MD.event(CoreEvents.MARKER_COUNTER));
    assertThat(k.number("value")).isEqualTo(-5);
  }

  /** A kernel-defined event the host has never heard of decodes from its metadata alone. */
  @Test
  void decodingIsDrivenByTheMetadata() throws Exception {
    Metadata md =
        MetadataCodec.decode(
            MetadataCodec.encode(
                new Metadata(
                    List.of(
                        new EventDef(
                            300,
                            "nic_rx",
                            12,
                            24,
                            List.of(
                                FieldDef.array("queue_depths", FieldType.U32, 0, 4),
                                FieldDef.of("packet", FieldType.BYTES, 16),
                                FieldDef.of("delta", FieldType.I16, 20)))))));
    ByteBuffer payload = ByteBuffer.allocate(27).order(ByteOrder.LITTLE_ENDIAN);
    payload.putInt(0, 1).putInt(4, 2).putInt(8, 3).putInt(12, 0xFFFFFFFF);
    payload.putInt(16, (3 << 16) | 24).putShort(20, (short) -2).put(24, new byte[] {7, 8, 9});
    List<ByteBuffer> pages = new ArrayList<>();
    PageWriter w = new PageWriter(0, 1024, pages::add);
    w.append(300, 5, payload);
    w.flush();
    Collect c = new Collect();
    assertThat(new PageDecoder(md, 1024, 1).decode(pages.getFirst(), c).ok()).isTrue();
    RecordView v = new RecordView(pages.getFirst(), c.recs.getFirst().offset(), md.event(300));
    assertThat(v.array("queue_depths")).containsExactly(1, 2, 3, 0xFFFFFFFFL);
    assertThat(v.dynamic(md.event(300).field("packet"))).containsExactly(7, 8, 9);
    assertThat(v.number("delta")).isEqualTo(-2);
  }

  @Test
  void unknownEventEndsThePageWithPosition() {
    ByteBuffer page = samplePage();
    page.order(ByteOrder.LITTLE_ENDIAN).putShort(32 + 40, (short) 999); // second record's id
    Collect c = new Collect();
    PageOutcome out = new PageDecoder(MD, 4096, 2).decode(page, c);
    assertThat(out.records()).isEqualTo(1);
    assertThat(out.problem().describe())
        .contains("cpu 1 page 0, record at page offset 72")
        .contains("999");
  }

  @Test
  void dynamicFieldOutsideRecordIsRejected() {
    ByteBuffer page = samplePage();
    // marker_begin record at 72: its name data_loc is at payload offset 4.
    page.order(ByteOrder.LITTLE_ENDIAN).putInt(72 + 8 + 4, (200 << 16) | 8);
    PageOutcome out = new PageDecoder(MD, 4096, 2).decode(page, new Collect());
    assertThat(out.problem().describe()).contains("points outside the record");
  }

  /**
   * Any single-byte corruption: no exception; every record that ends before the damaged byte is
   * delivered unchanged; every delivered record lies within the committed bytes.
   */
  @Property(tries = 1000)
  void corruptionNeverEscapesThePage(
      @ForAll @IntRange(min = 0, max = 4095) int where,
      @ForAll byte value,
      @ForAll @IntRange(min = 0, max = 200) int cut) {
    ByteBuffer clean = samplePage();
    Collect ref = new Collect();
    new PageDecoder(MD, 4096, 2).decode(clean, ref);
    ByteBuffer page = ByteBuffer.allocate(clean.remaining()).put(clean.duplicate()).flip();
    int at = where % page.limit();
    page.put(at, value);
    page.limit(Math.max(0, page.limit() - cut));
    Collect got = new Collect();
    PageOutcome out = new PageDecoder(MD, 4096, 2).decode(page, got);
    int damage = Math.min(at, page.limit());
    if (damage >= 32 && out.header() != null && out.header().commit() == ref.header.commit()) {
      for (Rec r : ref.recs) {
        if (r.offset() + r.size() <= damage) {
          assertThat(got.recs).contains(r);
        }
      }
    }
    for (Rec r : got.recs) {
      assertThat(r.offset() + r.size()).isLessThanOrEqualTo(page.limit());
    }
  }

  @Property(tries = 300)
  void randomPagesNeverThrow(@ForAll @Size(min = 0, max = 4096) byte[] junk) {
    ByteBuffer b = ByteBuffer.wrap(junk).order(ByteOrder.LITTLE_ENDIAN);
    if (junk.length >= 32) {
      b.putInt(0, PageFormat.MAGIC).putShort(4, (short) 0).putInt(24, (junk.length - 32) & ~7);
    }
    PageOutcome out = new PageDecoder(MD, 4096, 1).decode(b, new Collect());
    assertThat(out.records()).isGreaterThanOrEqualTo(0);
  }
}
