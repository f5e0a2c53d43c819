package dev.uniscope.gdbstub.mi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uniscope.gdbstub.testing.FirmwareQemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real gdb 13 through MI against real QEMU 7.2 running its firmware. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class GdbMiQemuTest {
  static final Duration WAIT = Duration.ofSeconds(90);
  @TempDir Path dir;

  private static GdbMiClient gdb() throws Exception {
    return GdbMiClient.start(Path.of("/usr/bin/gdb"), List.of(), WAIT);
  }

  @Test
  void inspectStepBreakWatchInterrupt() throws Exception {
    assumeTrue(FirmwareQemu.available() && Files.isExecutable(Path.of("/usr/bin/gdb")));
    try (var q = FirmwareQemu.start(dir, 2);
        var mi = gdb()) {
      var threadCreated = new java.util.concurrent.CompletableFuture<MiRecord>();
      mi.subscribe(
          r -> {
            if (r instanceof MiRecord.Async a && a.asyncClass().equals("thread-created")) {
              threadCreated.complete(r);
            }
          });
      mi.targetSelectRemote(q.gdbSocket().toString());
      assertThat(threadCreated.get(90, TimeUnit.SECONDS)).isInstanceOf(MiRecord.Async.class);

      assertThat(mi.threads()).hasSize(2);
      var regs = mi.registers(List.of("rip", "cs", "cr0", "xmm0"), "x");
      assertThat(regs).containsEntry("rip", "0xfff0").containsEntry("cs", "0xf000");
      assertThat(mi.evaluate("$pc")).isEqualTo("0xfff0");
      byte[] reset = mi.readMemory(0xfffffff0L, 16);
      assertThat(reset[0] & 0xff).isEqualTo(0xea); // ljmp
      assertThat(mi.disassemble(0xfffffff0L, 0xfffffff5L)).isNotEmpty();
      assertThat(mi.frames()).isNotEmpty();
      assertThat(mi.monitor("info status")).contains("paused");
      assertThatThrownBy(() -> mi.evaluate("no_such_symbol"))
          .isInstanceOf(MiException.class)
          .hasMessageContaining("No symbol");

      var step = mi.runUntilStop("-exec-step-instruction", WAIT);
      assertThat(step.reason()).contains("end-stepping-range");
      assertThat(mi.evaluate("$pc")).isEqualTo("0xe05b");

      // Real mode: gdb sees rip (CS-relative) != the linear breakpoint, so it may call it a signal.
      var bp = mi.breakInsert("*0xfe066", true, false);
      assertThat(mi.breakList()).extracting(MiTypes.Breakpoint::number).contains(bp.number());
      mi.console("set $pc = 0xe05b");
      var hit = mi.runUntilStop("-exec-continue", WAIT);
      assertThat(hit.reason().orElse("")).isIn("breakpoint-hit", "signal-received");
      mi.breakDelete(bp.number());
      assertThat(mi.breakList()).isEmpty();

      int wp = mi.breakWatch("*(int*)0x20", GdbMiClient.WatchKind.WRITE);
      var trig = mi.runUntilStop("-exec-continue", WAIT);
      assertThat(trig.reason()).contains("watchpoint-trigger");
      mi.breakDelete(wp);

      var stop = mi.nextStop();
      mi.execContinue();
      mi.execInterrupt();
      var interrupted = stop.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(interrupted.raw().string("signal-name")).contains("SIGINT");
    }
  }

  @Test
  void loadSymbolsWithOffsetAndCommandTimeoutAndDeath() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/gdb")));
    try (var mi = gdb()) {
      mi.loadSymbols(Path.of("/usr/bin/gdb"), 0x100000);
      assertThat(mi.console("info files")).contains("/usr/bin/gdb");
      mi.process().destroyForcibly();
      assertThatThrownBy(() -> mi.evaluate("1+1")).isInstanceOf(MiException.class);
    }
  }
}
