package dev.uniscope.trace.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.wire.FrameEncoder;
import dev.uniscope.trace.wire.FrameProblem;
import dev.uniscope.trace.wire.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class FrameDecoderTest {

  /**
   * Frames split at arbitrary points, with garbage between them, through the Netty decoder: every
   * frame comes out once, problems in between, and every buffer is released (no leaks).
   */
  @Property(tries = 100)
  void framesSurviveArbitrarySplitsWithoutLeaks(
      @ForAll @Size(min = 1, max = 30) List<@Size(max = 3000) byte[]> payloads,
      @ForAll @IntRange(min = 1, max = 5000) int chunk,
      @ForAll boolean garbage) {
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    for (int i = 0; i < payloads.size(); i++) {
      if (garbage) {
        s.writeBytes(new byte[] {1, 2, 3, (byte) 0xE1, 5});
      }
      ByteBuffer f = FrameEncoder.encode(FrameType.PAGE, i, ByteBuffer.wrap(payloads.get(i)));
      s.write(f.array(), 0, f.limit());
    }
    byte[] stream = s.toByteArray();
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder());
    List<ByteBuf> inputs = new ArrayList<>();
    for (int at = 0; at < stream.length; at += chunk) {
      ByteBuf b =
          Unpooled.directBuffer().writeBytes(stream, at, Math.min(chunk, stream.length - at));
      inputs.add(b);
      ch.writeInbound(b);
    }
    ch.finish();
    int frames = 0;
    long garbageBytes = 0;
    Object m;
    while ((m = ch.readInbound()) != null) {
      if (m instanceof ReceivedFrame f) {
        byte[] p = new byte[f.payload().remaining()];
        f.payload().get(p);
        assertThat(p).isEqualTo(payloads.get(f.seq()));
        assertThat(f.seq()).isEqualTo(frames);
        frames++;
        assertThat(f.release()).isTrue();
      } else if (m instanceof FrameProblem.Garbage g) {
        garbageBytes += g.length();
      }
    }
    assertThat(frames).isEqualTo(payloads.size());
    assertThat(garbageBytes).isEqualTo(garbage ? 5L * payloads.size() : 0);
    for (ByteBuf b : inputs) {
      assertThat(b.refCnt()).isZero();
    }
  }
}
