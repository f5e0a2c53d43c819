package dev.uniscope.gdbstub.rsp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RspAckHandlerTest {

  private static String drainOutbound(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      sb.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return sb.toString();
  }

  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(new RspFrameDecoder(), new RspFrameEncoder(), new RspAckHandler(2));
  }

  @Test
  void acksGoodPacketsAndNaksCorruptOnes() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.copiedBuffer("$OK#9a$OK#00", StandardCharsets.US_ASCII));
    RspPacket p = ch.readInbound();
    assertThat(p.text()).isEqualTo("OK");
    p.release();
    Object none = ch.readInbound();
    assertThat(none).isNull();
    assertThat(drainOutbound(ch)).isEqualTo("+-");
    ch.finishAndReleaseAll();
  }

  @Test
  void retransmitsOldestUnackedOnNakAndGivesUp() {
    EmbeddedChannel ch = channel();
    ch.writeOutbound(RspPacket.of("g"), RspPacket.of("m0,4"));
    assertThat(drainOutbound(ch)).isEqualTo("$g#67$m0,4#fd");
    ch.writeInbound(Unpooled.copiedBuffer("-", StandardCharsets.US_ASCII));
    assertThat(drainOutbound(ch)).isEqualTo("$g#67");
    ch.writeInbound(Unpooled.copiedBuffer("+-", StandardCharsets.US_ASCII));
    assertThat(drainOutbound(ch)).isEqualTo("$m0,4#fd");
    ch.writeInbound(Unpooled.copiedBuffer("-", StandardCharsets.US_ASCII));
    try {
      ch.writeInbound(Unpooled.copiedBuffer("-", StandardCharsets.US_ASCII));
      ch.checkException();
      throw new AssertionError("expected give-up");
    } catch (RspFramingException e) {
      assertThat(e).hasMessageContaining("rejected packet");
    }
    ch.finishAndReleaseAll();
  }
}
