package dev.uniscope.gdbstub.rsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class StopReplyTest {

  @Test
  void qemuShapes() {
    assertThat(StopReply.parse("T05thread:p01.02;"))
        .isEqualTo(
            new StopReply.Signal(
                5,
                Optional.of(new ThreadId(1, 2)),
                Optional.empty(),
                java.util.Map.of("thread", "p01.02")));
    var w = (StopReply.Signal) StopReply.parse("T05thread:p01.01;watch:ffff800000001000;");
    assertThat(w.watch())
        .contains(new StopReply.Watch(BreakpointType.WRITE_WATCHPOINT, 0xffff800000001000L));
    var a = (StopReply.Signal) StopReply.parse("T05awatch:10;thread:02;");
    assertThat(a.watch().get().type()).isEqualTo(BreakpointType.ACCESS_WATCHPOINT);
    assertThat(a.thread()).contains(new ThreadId(ThreadId.NO_PID, 2));
    assertThat(StopReply.parse("W00")).isEqualTo(new StopReply.Exited(0));
    assertThat(StopReply.parse("X09")).isEqualTo(new StopReply.Terminated(9));
    assertThat(StopReply.parse("S02")).isInstanceOf(StopReply.Signal.class);
    assertThat(StopReply.looksLike("OK")).isFalse();
    assertThat(StopReply.looksLike("ENABLE=1,NOIRQ=2")).isFalse();
  }

  @Property
  void threadIdsRoundTrip(
      @ForAll @IntRange(min = 1, max = 0xffff) int pid,
      @ForAll @IntRange(min = -1, max = 0xffff) int tid) {
    ThreadId t = new ThreadId(pid, tid);
    assertThat(ThreadId.parse(t.wire())).isEqualTo(t);
  }

  /**
   * Malformed stop replies give IllegalArgumentException (turned into a clear error), nothing else.
   */
  @Property(tries = 3000)
  void malformedStopRepliesFailCleanly(@ForAll("stopish") String s) {
    try {
      StopReply.parse(s);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> stopish() {
    Arbitrary<String> body =
        Arbitraries.strings().withChars("TSWX0125af:;thredwacp.-zE*").ofMaxLength(40);
    return Arbitraries.oneOf(body, body.map(b -> "T05" + b), body.map(b -> "T02thread:" + b));
  }
}
