package dev.uniscope.trace.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FrameSyncTest {

  /** What a run of the scanner produced. */
  record Result(List<byte[]> payloads, List<Long> offsets, List<FrameProblem> problems) {}

  static Result scan(byte[] stream, int chunk) {
    List<byte[]> payloads = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    List<FrameProblem> problems = new ArrayList<>();
    FrameSync sync = new FrameSync();
    FrameSync.Listener l =
        new FrameSync.Listener() {
          @Override
          public void frame(
              long off, FrameType type, int seq, ByteBuffer w, int start, int length) {
            byte[] p = new byte[length];
            w.get(start + WireConstants.FRAME_HEADER, p);
            payloads.add(p);
            offsets.add(off);
          }

          @Override
          public void problem(FrameProblem p) {
            problems.add(p);
          }
        };
    // Emulates a receive buffer: unconsumed bytes stay, new bytes are appended.
    ByteBuffer buf = ByteBuffer.allocate(stream.length + 1);
    int fed = 0;
    while (fed < stream.length) {
      int n = Math.min(chunk, stream.length - fed);
      buf.put(stream, fed, n);
      fed += n;
      buf.flip();
      int used = sync.feed(buf, fed == stream.length, l);
      buf.position(buf.position() + used);
      buf.compact();
    }
    if (stream.length == 0) {
      sync.feed(ByteBuffer.allocate(0), true, l);
    }
    return new Result(payloads, offsets, problems);
  }

  static byte[] frame(int seq, byte[] payload) {
    ByteBuffer f = FrameEncoder.encode(FrameType.PAGE, seq, ByteBuffer.wrap(payload));
    byte[] b = new byte[f.remaining()];
    f.get(b);
    return b;
  }

  @Test
  void crc32cCheckValue() {
    CRC32C c = new CRC32C();
    c.update("123456789".getBytes(StandardCharsets.US_ASCII));
    assertThat((int) c.getValue()).isEqualTo(0xE3069283);
  }

  @Test
  void headerLayoutMatchesTheProtocol() {
    byte[] f = frame(0x1234, new byte[] {9, 8, 7});
    ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(Arrays.copyOf(f, 4)).containsExactly(0xE1, 0xC3, 0xA5, 0xF7);
    assertThat(b.get(4)).isEqualTo((byte) 3);
    assertThat(b.getShort(6)).isEqualTo((short) 0x1234);
    assertThat(b.getInt(8)).isEqualTo(3);
    CRC32C c = new CRC32C();
    c.update(f, 4, 8);
    c.update(f, 16, 3);
    assertThat(b.getInt(12)).isEqualTo((int) c.getValue());
  }

  @Test
  void resyncsAfterGarbageAndReportsIt() {
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.writeBytes("console noise".getBytes(StandardCharsets.US_ASCII));
    s.writeBytes(frame(1, new byte[] {1, 2, 3}));
    s.writeBytes(new byte[] {(byte) 0xE1, (byte) 0xC3, (byte) 0xA5, (byte) 0xF7, 99}); // false sync
    s.writeBytes(frame(2, new byte[] {4}));
    Result r = scan(s.toByteArray(), 5);
    assertThat(r.payloads()).hasSize(2);
    assertThat(r.offsets()).containsExactly(13L, 13L + 19 + 5);
    assertThat(r.problems())
        .contains(new FrameProblem.Garbage(0, 13), new FrameProblem.Garbage(32, 5));
  }

  @Test
  void hostileLengthIsRejectedWithoutWaiting() {
    byte[] f = frame(1, new byte[] {1});
    ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0x7FFFFFFF);
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.writeBytes(f);
    s.writeBytes(frame(2, new byte[] {2}));
    Result r = scan(s.toByteArray(), 3);
    assertThat(r.payloads()).hasSize(1);
    assertThat(r.payloads().getFirst()).containsExactly(2);
  }

  @Test
  void truncatedTailIsReported() {
    byte[] f = frame(1, new byte[100]);
    Result r = scan(Arrays.copyOf(f, 60), 1000);
    assertThat(r.payloads()).isEmpty();
    assertThat(r.problems()).first().isEqualTo(new FrameProblem.Truncated(0, 60, 116));
  }

  @Provide
  Arbitrary<List<byte[]>> payloads() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300).list().ofMinSize(1).ofMaxSize(20);
  }

  /**
   * Frames with random garbage between them and random damage to some: every undamaged frame is
   * delivered, in order, whatever the receive chunking, and nothing throws.
   */
  @Property(tries = 300)
  void recoversEveryIntactFrame(
      @ForAll("payloads") List<byte[]> payloads,
      @ForAll @Size(max = 20) List<@Size(max = 40) List<Byte>> garbage,
      @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 1_000_000) Integer> damage,
      @ForAll @IntRange(min = 1, max = 700) int chunk) {
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    List<byte[]> intact = new ArrayList<>();
    for (int i = 0; i < payloads.size(); i++) {
      if (i < garbage.size()) {
        for (Byte g : garbage.get(i)) {
          s.write(g);
        }
      }
      byte[] f = frame(i, payloads.get(i));
      boolean damaged = i < damage.size() && damage.get(i) % 3 == 0;
      if (damaged) {
        int bit = damage.get(i) % (f.length * 8);
        f[bit / 8] ^= (byte) (1 << (bit % 8));
      } else {
        intact.add(payloads.get(i));
      }
      if (i < damage.size() && damage.get(i) % 7 == 1) {
        f = Arrays.copyOf(f, f.length / 2); // torn frame
        if (!damaged) {
          intact.removeLast();
        }
      }
      s.write(f, 0, f.length);
    }
    Result r = scan(s.toByteArray(), chunk);
    // Damaged frames may not reappear; intact ones appear in order.
    List<byte[]> got = r.payloads();
    int j = 0;
    for (byte[] p : got) {
      if (j < intact.size() && Arrays.equals(p, intact.get(j))) {
        j++;
      }
    }
    assertThat(j).as("intact frames recovered in order").isEqualTo(intact.size());
    assertThat(got.size()).isLessThanOrEqualTo(payloads.size());
  }

  @Property(tries = 200)
  void arbitraryBytesNeverThrow(
      @ForAll @Size(max = 2000) byte[] junk, @ForAll @IntRange(min = 1, max = 100) int chunk) {
    Result r = scan(junk, chunk);
    long garbage =
        r.problems().stream()
            .filter(p -> p instanceof FrameProblem.Garbage)
            .mapToLong(p -> ((FrameProblem.Garbage) p).length())
            .sum();
    assertThat(garbage).isLessThanOrEqualTo(junk.length);
  }
}
