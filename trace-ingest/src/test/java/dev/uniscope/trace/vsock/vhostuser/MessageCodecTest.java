package dev.uniscope.trace.vsock.vhostuser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Every payload size is checked against its layout before any field is used. */
class MessageCodecTest {
  private static MessageHeader h(int req, int size) {
    return new MessageHeader(req, 1, size);
  }

  @Test
  void headerRejectsWrongVersionAndHugeSize() throws Exception {
    assertThatThrownBy(() -> MessageHeader.decode(new MessageHeader(1, 2, 0).encode()))
        .hasMessageContaining("bad version");
    assertThatThrownBy(() -> MessageHeader.decode(new MessageHeader(1, 1, -1).encode()))
        .hasMessageContaining("exceeds");
    assertThat(MessageHeader.decode(new MessageHeader(24, 9, 20).encode()).needReply()).isTrue();
  }

  @Test
  void replyFlagsAreExactlyFive() {
    ByteBuffer b = ByteBuffer.wrap(MessageHeader.reply(24, 20)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getInt(0)).isEqualTo(24);
    assertThat(b.getInt(4)).isEqualTo(5);
    assertThat(b.getInt(8)).isEqualTo(20);
  }

  @Test
  void vringAddrLayoutHasUsedBeforeAvail() throws Exception {
    byte[] p =
        ByteBuffer.allocate(40)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(1)
            .putInt(0)
            .putLong(0x100)
            .putLong(0x200)
            .putLong(0x300)
            .putLong(0)
            .array();
    var m = (VhostMessage.VringAddr) MessageCodec.decode(h(9, 40), p, new int[0]);
    assertThat(m.desc()).isEqualTo(0x100);
    assertThat(m.used()).isEqualTo(0x200);
    assertThat(m.avail()).isEqualTo(0x300);
    assertThatThrownBy(() -> MessageCodec.decode(h(9, 39), new byte[39], new int[0]))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void memTableCountsMustAgree() {
    byte[] p = ByteBuffer.allocate(8 + 32).order(ByteOrder.LITTLE_ENDIAN).putInt(2).array();
    assertThatThrownBy(() -> MessageCodec.decode(h(5, p.length), p, new int[] {1}))
        .hasMessageContaining("does not match");
    byte[] nine = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(9).array();
    assertThatThrownBy(() -> MessageCodec.decode(h(5, 8), nine, new int[0]))
        .hasMessageContaining("region count");
  }

  @Test
  void kickNeedsExactlyOneFdUnlessNoFdBit() throws Exception {
    byte[] idx1 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1).array();
    byte[] nofd = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x101).array();
    byte[] junk = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x10001).array();
    assertThatThrownBy(() -> MessageCodec.decode(h(12, 8), idx1, new int[0]))
        .hasMessageContaining("expects 1 fd");
    var m = (VhostMessage.VringFd) MessageCodec.decode(h(12, 8), nofd, new int[0]);
    assertThat(m.fd()).isEqualTo(-1);
    assertThat(m.index()).isEqualTo(1);
    assertThatThrownBy(() -> MessageCodec.decode(h(12, 8), junk, new int[0]))
        .hasMessageContaining("unknown bits");
  }

  @Test
  void configSizeIsBounded() {
    byte[] p = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(300).array();
    assertThatThrownBy(() -> MessageCodec.decode(h(24, 12), p, new int[0]))
        .hasMessageContaining("config size");
  }

  @Test
  void unexpectedFdsAreRefused() {
    assertThatThrownBy(() -> MessageCodec.decode(h(1, 0), new byte[0], new int[] {99}))
        .hasMessageContaining("unexpected fd");
  }
}
