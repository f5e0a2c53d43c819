package dev.uniscope.gdbstub.rsp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RspFrameDecoderTest {

  private static List<Object> decodeAll(byte[] wire, int split, int maxPayload) {
    EmbeddedChannel ch = new EmbeddedChannel(new RspFrameDecoder(maxPayload));
    List<Object> out = new ArrayList<>();
    try {
      for (int i = 0; i < wire.length; i += split) {
        ch.writeInbound(Unpooled.wrappedBuffer(wire, i, Math.min(split, wire.length - i)));
        Object o;
        while ((o = ch.readInbound()) != null) {
          out.add(o);
        }
      }
    } finally {
      ch.finishAndReleaseAll();
    }
    return out;
  }

  private static byte[] frame(byte[] payload) {
    ByteBuf out = Unpooled.buffer();
    RspFrameEncoder.encodePacket(Unpooled.wrappedBuffer(payload), out);
    byte[] b = new byte[out.readableBytes()];
    out.readBytes(b);
    return b;
  }

  private static byte[] payloadOf(Object o) {
    RspPacket p = (RspPacket) o;
    try {
      byte[] b = new byte[p.content().readableBytes()];
      p.content().getBytes(p.content().readerIndex(), b);
      return b;
    } finally {
      p.release();
    }
  }

  @Property
  void encodeThenDecodeIsIdentityForAnyBytesAndAnySplit(
      @ForAll @Size(max = 3000) byte[] payload, @ForAll @IntRange(min = 1, max = 64) int split) {
    List<Object> out = decodeAll(frame(payload), split, 4096);
    assertThat(out).hasSize(1);
    assertThat(payloadOf(out.get(0))).isEqualTo(payload);
  }

  @Property
  void controlBytesBetweenPackets(@ForAll("controls") List<Byte> controls) {
    ByteBuf wire = Unpooled.buffer();
    for (byte c : controls) {
      wire.writeByte(c);
    }
    wire.writeBytes(frame("OK".getBytes(StandardCharsets.US_ASCII)));
    byte[] b = new byte[wire.readableBytes()];
    wire.readBytes(b);
    List<Object> out = decodeAll(b, 7, 4096);
    assertThat(out).hasSize(controls.size() + 1);
    assertThat(payloadOf(out.getLast())).isEqualTo("OK".getBytes(StandardCharsets.US_ASCII));
  }

  @Provide
  Arbitrary<List<Byte>> controls() {
    return Arbitraries.of((byte) '+', (byte) '-', (byte) 3).list().ofMaxSize(20);
  }

  /** Malformed input yields frames or a framing error, never another exception or a hang. */
  @Property(tries = 2000)
  void arbitraryBytesNeverBreakTheDecoder(
      @ForAll("rspish") byte[] wire, @ForAll @IntRange(min = 1, max = 32) int split) {
    EmbeddedChannel ch = new EmbeddedChannel(new RspFrameDecoder(64));
    try {
      for (int i = 0; i < wire.length; i += split) {
        try {
          ch.writeInbound(Unpooled.wrappedBuffer(wire, i, Math.min(split, wire.length - i)));
        } catch (DecoderException e) {
          assertThat(e).isInstanceOf(RspFramingException.class);
        }
        Object o;
        while ((o = ch.readInbound()) != null) {
          assertThat(o).isInstanceOf(RspFrame.class);
          if (o instanceof RspPacket p) {
            assertThat(p.content().readableBytes()).isLessThanOrEqualTo(64);
            p.release();
          }
        }
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Provide
  Arbitrary<byte[]> rspish() {
    return Arbitraries.of(
            (byte) '$',
            (byte) '#',
            (byte) '}',
            (byte) '*',
            (byte) '+',
            (byte) '-',
            (byte) 3,
            (byte) '0',
            (byte) 'a',
            (byte) 'f',
            (byte) 'z',
            (byte) 0x7e,
            (byte) 0xff)
        .array(byte[].class)
        .ofMaxSize(300);
  }

  @Test
  void runLengthIsExpanded() {
    // "0* " = '0' then 32-29 = 3 more.
    byte[] raw = "$0* ".getBytes(StandardCharsets.US_ASCII);
    int sum = 0;
    for (int i = 1; i < raw.length; i++) {
      sum += raw[i];
    }
    String wire = "$0* #" + String.format("%02x", sum & 0xff);
    List<Object> out = decodeAll(wire.getBytes(StandardCharsets.US_ASCII), 100, 4096);
    assertThat(new String(payloadOf(out.get(0)), StandardCharsets.US_ASCII)).isEqualTo("0000");
  }

  @Test
  void runLengthBombIsBounded() {
    // 40 run-lengths of 97 each would expand to ~3900 bytes; the limit is 64.
    StringBuilder sb = new StringBuilder("0");
    for (int i = 0; i < 40; i++) {
      sb.append("*~");
    }
    int sum = 0;
    for (char c : sb.toString().toCharArray()) {
      sum += c;
    }
    String wire = "$" + sb + "#" + String.format("%02x", sum & 0xff) + "+";
    EmbeddedChannel ch = new EmbeddedChannel(new RspFrameDecoder(64));
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(wire.getBytes(StandardCharsets.US_ASCII)));
      throw new AssertionError("expected a framing error");
    } catch (RspFramingException e) {
      assertThat(e).hasMessageContaining("exceeds 64");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void badChecksumIsReportedAsCorrupt() {
    List<Object> out = decodeAll("$OK#00".getBytes(StandardCharsets.US_ASCII), 3, 4096);
    assertThat(out).containsExactly(new RspCorrupt(0, 0x9a, 2));
  }

  @Test
  void upperCaseChecksumAccepted() {
    List<Object> out = decodeAll("$OK#9A".getBytes(StandardCharsets.US_ASCII), 3, 4096);
    assertThat(payloadOf(out.get(0))).isEqualTo("OK".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void unterminatedPacketIsBounded() {
    byte[] wire = new byte[1000];
    java.util.Arrays.fill(wire, (byte) 'a');
    wire[0] = '$';
    EmbeddedChannel ch = new EmbeddedChannel(new RspFrameDecoder(64));
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(wire));
      throw new AssertionError("expected a framing error");
    } catch (RspFramingException e) {
      assertThat(e).hasMessageContaining("without a '#'");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void encoderEscapesReservedBytes() {
    byte[] wire = frame("a$b#c}d*e".getBytes(StandardCharsets.US_ASCII));
    String s = new String(wire, StandardCharsets.US_ASCII);
    assertThat(s).startsWith("$a}\u0004b}\u0003c}]d}\ne#");
  }
}
