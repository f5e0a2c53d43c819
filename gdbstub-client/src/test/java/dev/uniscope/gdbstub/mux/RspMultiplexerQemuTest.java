package dev.uniscope.gdbstub.mux;

import static dev.uniscope.gdbstub.rsp.RspClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uniscope.gdbstub.mi.GdbMiClient;
import dev.uniscope.gdbstub.rsp.AddressSpace;
import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import dev.uniscope.gdbstub.rsp.RspOptions;
import dev.uniscope.gdbstub.testing.FirmwareQemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** gdb 13 attached through the multiplexer while the workbench reads memory, on real QEMU 7.2. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RspMultiplexerQemuTest {
  static final Duration T = Duration.ofSeconds(90);
  static final long PATTERN_AT = 0x1000000;

  @TempDir Path dir;

  @Test
  void gdbAndWorkbenchShareTheStub() throws Exception {
    assumeTrue(FirmwareQemu.available() && Files.isExecutable(Path.of("/usr/bin/gdb")));
    byte[] pattern = new byte[1 << 20];
    new Random(1).nextBytes(pattern);
    Path file = dir.resolve("pattern.bin");
    Files.write(file, pattern);
    try (var q = FirmwareQemu.start(dir, 2, file, PATTERN_AT, false, 0);
        var client =
            RspClient.connect(
                new RspEndpoint.Unix(q.gdbSocket()), RspOptions.defaults().withRequestTimeout(T));
        var mux = RspMultiplexer.start(client);
        var mi = GdbMiClient.start(Path.of("/usr/bin/gdb"), List.of(), T)) {
      Path sock = Path.of(mux.gdbTarget());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock.getParent())))
          .isEqualTo("rwx------");

      mi.targetSelectRemote(mux.gdbTarget());
      assertThat(mux.gdbAttached()).isTrue();
      assertThat(mi.registers(List.of("rip"), "x")).containsEntry("rip", "0xfff0");

      // Stopped target: the workbench's section runs between gdb's packets.
      byte[] got =
          await(
              mux.withStub(c -> c.readMemory(AddressSpace.PHYSICAL, PATTERN_AT, pattern.length)),
              T);
      assertThat(got).isEqualTo(pattern);
      assertThat(mi.readMemory(PATTERN_AT, 64)).isEqualTo(Arrays.copyOf(pattern, 64));
      assertThat(mi.evaluate("$pc")).isEqualTo("0xfff0");

      // Running target: the section stops and resumes it; gdb sees no stop.
      var resumed = new CompletableFuture<Void>();
      mux.onGdbRunState(
          running -> {
            if (running) {
              resumed.complete(null);
            }
          });
      var gdbStop = mi.nextStop();
      mi.execContinue();
      resumed.get(T.toSeconds(), TimeUnit.SECONDS);
      for (int i = 0; i < 3; i++) {
        byte[] again =
            await(
                mux.withStub(c -> c.readMemory(AddressSpace.PHYSICAL, PATTERN_AT, pattern.length)),
                T);
        assertThat(again).isEqualTo(pattern);
      }
      assertThat(mux.internalStops()).isEqualTo(3);
      assertThat(gdbStop).isNotDone();
      // gdb still believes the target runs.
      org.assertj.core.api.Assertions.assertThatThrownBy(mi::threads)
          .hasMessageContaining("while the target is running");

      mi.execInterrupt();
      var stop = gdbStop.get(T.toSeconds(), TimeUnit.SECONDS);
      assertThat(stop.raw().string("signal-name")).contains("SIGINT");
      assertThat(mi.readMemory(PATTERN_AT + 100, 16))
          .isEqualTo(Arrays.copyOfRange(pattern, 100, 116));

      // gdb's breakpoints disappear with gdb; the workbench keeps the stub.
      mi.breakInsert("*0xfe05b", true, false);
      mi.console("disconnect");
      byte[] after =
          await(mux.withStub(c -> c.readMemory(AddressSpace.PHYSICAL, PATTERN_AT, 4096)), T);
      assertThat(after).isEqualTo(Arrays.copyOf(pattern, 4096));
    }
  }

  @Test
  void gdbsConnectDoesNotWipeWorkbenchBreakpointsAndDetachKeepsTheVmPaused() throws Exception {
    assumeTrue(FirmwareQemu.available() && Files.isExecutable(Path.of("/usr/bin/gdb")));
    try (var q = FirmwareQemu.start(dir, 1);
        var client =
            RspClient.connect(
                new RspEndpoint.Unix(q.gdbSocket()), RspOptions.defaults().withRequestTimeout(T));
        var mux = RspMultiplexer.start(client)) {
      // The workbench's breakpoint at SeaBIOS's entry, set before gdb arrives.
      await(
          mux.withStub(
              c ->
                  c.insertBreakpoint(dev.uniscope.gdbstub.rsp.BreakpointType.HARDWARE, 0xfe05b, 1)),
          T);
      try (var mi = GdbMiClient.start(Path.of("/usr/bin/gdb"), List.of(), T)) {
        mi.targetSelectRemote(
            mux.gdbTarget()); // gdb sends '?', which QEMU would answer by deleting it
        var stop = mi.runUntilStop("-exec-continue", T);
        // gdb does not know this breakpoint, so it reports a SIGTRAP; the point is that it stopped.
        assertThat(stop.raw().string("signal-name")).contains("SIGTRAP");
        assertThat(mi.evaluate("$pc")).isEqualTo("0xe05b");
        mi.console("detach"); // 'D' would resume QEMU under the workbench
      }
      String status = await(mux.withStub(c -> c.monitor("info status")), T);
      assertThat(status).contains("paused");
      assertThat(mux.gdbAttached()).isFalse();
    }
  }
}
