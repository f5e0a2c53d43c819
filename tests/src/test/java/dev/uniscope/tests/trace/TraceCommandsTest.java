package dev.uniscope.tests.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.qmp.QmpClient;
import dev.uniscope.tests.harness.QemuVm;
import dev.uniscope.trace.capture.CaptureFormat;
import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.command.Command;
import dev.uniscope.trace.command.Opcode;
import dev.uniscope.trace.command.Reply;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.store.EventStore;
import dev.uniscope.trace.transport.TraceClient;
import dev.uniscope.trace.transport.TraceConnection;
import dev.uniscope.trace.transport.TraceEndpoint;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host drives the kernel over COM2: START/STOP of groups (including the function tracer, whose
 * call sites are patched at run time), SET_SAMPLE_RATE, SET_FUNC_FILTER, HEAP_SNAPSHOT, FLUSH, INFO
 * and an unknown opcode; each reply is checked and the events each command turns on arrive.
 */
class TraceCommandsTest {
  static final Duration T = Duration.ofSeconds(120);
  static final int SCHED = 1;
  static final int FUNC = 1 << 6;
  static final int GRAPH = 1 << 7;
  static final int PROFILE = 1 << 8;
  static final int MARKER = 1 << 5;

  static Reply ok(TraceConnection c, Command cmd) throws Exception {
    Reply r = c.send(cmd).get(120, TimeUnit.SECONDS);
    assertThat(r.status()).as("%s -> %s", cmd.opcode(), r).isEqualTo(Reply.OK);
    return r;
  }

  static TreeMap<String, Integer> counts(EventStore st) {
    TreeMap<String, Integer> m = new TreeMap<>();
    for (int cpu = 0; cpu < st.cpuCount(); cpu++) {
      for (long i = 0; i < st.eventCount(cpu); i++) {
        m.merge(st.event(cpu, i).name(), 1, Integer::sum);
      }
    }
    return m;
  }

  @Test
  @Timeout(600)
  void commandsTakeEffect() throws Exception {
    ProblemLog problems = new ProblemLog();
    try (QemuVm vm =
        QemuVm.builder()
            .append("app=spin duration=4000 per_cpu=1 heap=track")
            .smp(2)
            .dataChannel()
            .qmp()
            .paused()
            .start()) {
      LiveCapture capture =
          LiveCapture.create(vm.dir().resolve("cmd.ucap"), CaptureFormat.SOURCE_STREAM, problems);
      TraceConnection c;
      try (QmpClient qmp = QmpClient.connect(vm.qmpSocket(), T)) {
        c = TraceClient.connect(new TraceEndpoint.Unix(vm.dataSocket()), capture, false, 30_000);
        qmp.cont();
      }
      vm.console().awaitLine(Pattern.compile("^spin: known-answer"), T);
      Reply info = ok(c, Command.info());
      assertThat(info.value() & MARKER).isEqualTo(MARKER);
      assertThat(info.value() & (SCHED | FUNC | PROFILE)).isZero();
      long base = info.value(); // marker, plus heap from heap=track
      assertThat(ok(c, Command.start(SCHED | FUNC)).value()).isEqualTo(base | SCHED | FUNC);
      Reply filter = ok(c, Command.setFunctionFilter(0, List.of()));
      assertThat(filter.value()).as("call sites patched").isGreaterThan(50);
      assertThat(ok(c, Command.stop(FUNC)).value()).isEqualTo(base | SCHED);
      assertThat(ok(c, Command.setSampleRate(997)).value()).isEqualTo(997);
      assertThat(ok(c, Command.start(GRAPH)).value() & GRAPH).isEqualTo(GRAPH);
      ok(c, Command.stop(GRAPH));
      Reply snap = ok(c, Command.heapSnapshot());
      assertThat(snap.value()).as("snapshot id").isEqualTo(1);
      assertThat(ok(c, Command.flush()).value()).isZero();
      assertThat(ok(c, Command.setMode(1)).value()).as("flight recorder").isEqualTo(1);
      assertThat(ok(c, Command.setMode(0)).value()).as("streaming").isEqualTo(0);
      // 20000 Hz is outside 1..10000 (the Java factory refuses it, so the bytes are built here)
      ByteBuffer hz = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 20000);
      Reply bad = c.send(new Command(Opcode.SET_SAMPLE_RATE, hz)).get(120, TimeUnit.SECONDS);
      assertThat(bad.status()).isEqualTo(Reply.BAD_ARGUMENTS);
      vm.awaitExit(T);
      c.closedFuture().get(60, TimeUnit.SECONDS);
      TraceSession s = c.session();
      TraceSession.Snapshot stats = c.inLoop(s::stats, 30_000);
      TreeMap<String, Integer> n = c.inLoop(() -> counts(s.store()), 30_000);
      c.close();
      assertThat(stats.crcErrors()).as("%s", stats).isZero();
      assertThat(stats.missingPages()).as("%s", stats).isZero();
      // drops by the kernel (ring full while every function is traced) are reported, not errors
      assertThat(problems.first()).allMatch(p -> p.contains("kernel dropped"));
      assertThat(n.getOrDefault("sched_switch", 0)).as("%s", n).isPositive();
      // spin's threads were created before `sched` was started: their names are replayed
      assertThat(n.getOrDefault("thread_name", 0)).as("%s", n).isGreaterThanOrEqualTo(3);
      assertThat(n.getOrDefault("func_entry", 0)).as("%s", n).isPositive();
      assertThat(n.getOrDefault("graph_entry", 0)).as("%s", n).isPositive();
      assertThat(n.getOrDefault("graph_exit", 0)).as("%s", n).isPositive();
      assertThat(n.getOrDefault("profile_sample", 0)).as("%s", n).isPositive();
      assertThat(n.getOrDefault("heap_snapshot_done", 0)).as("%s", n).isEqualTo(1);
    }
  }
}
