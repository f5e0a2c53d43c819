package dev.uniscope.trace.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MetadataCodecTest {

  @Test
  void coreTableRoundTrips() throws MetadataException {
    Metadata md = MetadataCodec.decode(MetadataCodec.encode(CoreEvents.metadata()));
    assertThat(md.events()).isEqualTo(CoreEvents.metadata().events());
    assertThat(md.event("sched_switch").field("next_comm").size()).isEqualTo(16);
    assertThat(md.fixedSize(CoreEvents.PROFILE_SAMPLE)).isEqualTo(24);
    assertThat(md.dynamicOffsets(CoreEvents.PROFILE_SAMPLE)).containsExactly(12);
  }

  @Test
  void coreIdsAreTheProtocolTable() {
    Metadata md = CoreEvents.metadata();
    assertThat(md.events()).hasSize(23);
    for (int id = 1; id <= 23; id++) {
      assertThat(md.event(id)).as("id %d", id).isNotNull();
    }
    assertThat(md.event(CoreEvents.LEAK_SCAN_DONE).name()).isEqualTo("leak_scan_done");
  }

  @Test
  void fieldOutsideFixedPartIsRejectedWithOffset() {
    ByteBuffer b = MetadataCodec.encode(CoreEvents.metadata());
    b.order(ByteOrder.LITTLE_ENDIAN).putShort(10, (short) 4); // thread_name fixed_size 8 -> 4
    assertThatThrownBy(() -> MetadataCodec.decode(b))
        .isInstanceOf(MetadataException.class)
        .hasMessageContaining("outside the fixed part")
        .hasMessageContaining("metadata byte");
  }

  @Property(tries = 500)
  void corruptedMetadataFailsCleanly(
      @ForAll @IntRange(min = 0, max = 100_000) int where,
      @ForAll byte value,
      @ForAll @IntRange(min = 0, max = 3000) int cut)
      throws Exception {
    ByteBuffer b = MetadataCodec.encode(CoreEvents.metadata());
    b.put(where % b.limit(), value);
    b.limit(Math.min(b.limit(), b.limit() - cut % 50));
    try {
      Metadata md = MetadataCodec.decode(b);
      for (EventDef e : md.events()) {
        for (FieldDef f : e.fields()) {
          assertThat(f.offset() + f.size()).isLessThanOrEqualTo(e.fixedSize());
        }
      }
    } catch (MetadataException expected) {
      assertThat(expected.offset()).isBetween(0, b.limit());
    }
  }

  @Property(tries = 300)
  void randomBytesFailCleanly(@ForAll @Size(max = 400) byte[] junk) {
    ByteBuffer b = ByteBuffer.allocate(junk.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MetadataCodec.MAGIC).putShort((short) 1).putShort((short) 3).put(junk).flip();
    try {
      MetadataCodec.decode(b);
    } catch (MetadataException expected) {
      assertThat(expected.getMessage()).contains("metadata byte");
    }
  }
}
