package dev.uniscope.trace.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.trace.command.Command;
import dev.uniscope.trace.command.CommandCodec;
import dev.uniscope.trace.command.Opcode;
import dev.uniscope.trace.command.Reply;
import dev.uniscope.trace.testkit.SyntheticKernel;
import dev.uniscope.trace.wire.PayloadException;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PayloadCodecsTest {
  private final Hello hello = new SyntheticKernel(2, 4096, 1, false).hello();

  @Test
  void helloRoundTrips() throws PayloadException {
    assertThat(HelloCodec.decode(HelloCodec.encode(hello))).isEqualTo(hello);
  }

  @Test
  void otherMajorIsRefusedByName() {
    ByteBuffer b = HelloCodec.encode(hello);
    b.putShort(0, (short) 2);
    assertThatThrownBy(() -> HelloCodec.decode(b))
        .hasMessageContaining("protocol major 2 is not supported");
  }

  @Property(tries = 500)
  void corruptHelloFailsCleanly(
      @ForAll @IntRange(min = 0, max = 200) int at,
      @ForAll byte value,
      @ForAll @IntRange(min = 0, max = 150) int cut) {
    ByteBuffer b = HelloCodec.encode(hello);
    b.put(at % b.limit(), value);
    b.limit(b.limit() - cut % b.limit());
    try {
      Hello h = HelloCodec.decode(b);
      assertThat(h.layout().length).isLessThanOrEqualTo(HelloCodec.MAX_LAYOUT);
    } catch (PayloadException expected) {
      assertThat(expected.getMessage()).startsWith("HELLO payload, byte ");
    }
  }

  @Test
  void commandsAndRepliesRoundTrip() throws PayloadException {
    Command c = Command.setFunctionFilter(1, List.of(new Command.Range(0x1000, 0x2000)));
    CommandCodec.Request r = CommandCodec.decodeCommand(CommandCodec.encodeCommand(77, c));
    assertThat(r.requestId()).isEqualTo(77);
    assertThat(r.opcode()).isEqualTo(Opcode.SET_FUNC_FILTER);
    assertThat(r.args().getShort(0)).isEqualTo((short) 1);
    assertThat(r.args().getLong(4)).isEqualTo(0x1000);
    Reply reply = new Reply(77, Opcode.SET_FUNC_FILTER, Reply.OK, 12, "12 sites patched");
    assertThat(CommandCodec.decodeReply(CommandCodec.encodeReply(reply, 5))).isEqualTo(reply);
  }

  @Property(tries = 300)
  void corruptReplyFailsCleanly(
      @ForAll @IntRange(min = 0, max = 40) int at,
      @ForAll byte value,
      @ForAll @IntRange(min = 0, max = 40) int cut) {
    ByteBuffer b = CommandCodec.encodeReply(new Reply(1, Opcode.INFO, 0, 3, "hello there"), 1);
    b.put(at % b.limit(), value);
    b.limit(b.limit() - cut % b.limit());
    try {
      CommandCodec.decodeReply(b);
    } catch (PayloadException expected) {
      assertThat(expected.getMessage()).startsWith("REPLY payload");
    }
  }
}
