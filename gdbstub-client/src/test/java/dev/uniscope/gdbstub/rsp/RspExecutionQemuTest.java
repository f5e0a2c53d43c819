package dev.uniscope.gdbstub.rsp;

import static dev.uniscope.gdbstub.rsp.RspClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uniscope.gdbstub.testing.FirmwareQemu;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Execution control against real QEMU running its firmware (SeaBIOS), one fresh VM per test. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RspExecutionQemuTest {
  static final Duration T = Duration.ofSeconds(60);

  /** SeaBIOS's first instruction after the reset vector's far jump (f000:e05b). */
  static final long SEABIOS_ENTRY = 0xfe05b;

  @TempDir Path dir;

  private RspClient connect(FirmwareQemu q) {
    return RspClient.connect(
        new RspEndpoint.Unix(q.gdbSocket()), RspOptions.defaults().withRequestTimeout(T));
  }

  @Test
  void stepBreakpointAndInterrupt() throws Exception {
    assumeTrue(FirmwareQemu.available());
    try (var q = FirmwareQemu.start(dir, 2);
        var c = connect(q)) {
      ThreadId cpu0 = ThreadId.ofCpu(0);
      StopEvent step = await(c.step(cpu0), T);
      assertThat(step).isInstanceOf(StopEvent.StepCompleted.class);
      assertThat(((StopEvent.StepCompleted) step).pc()).isEqualTo(SEABIOS_ENTRY);
      assertThat(await(c.readRegisterLong(cpu0, "rip"), T)).isEqualTo(0xe05b);

      // A breakpoint a few instructions on, hit by continuing.
      await(c.step(cpu0), T);
      long next = ((StopEvent.StepCompleted) await(c.step(cpu0), T)).pc();
      await(c.writeRegister(cpu0, "rip", 0xe05b), T);
      await(c.insertBreakpoint(BreakpointType.SOFTWARE, next, 1), T);
      StopEvent hit = await(c.resume(), T);
      assertThat(hit).isInstanceOf(StopEvent.BreakpointHit.class);
      assertThat(((StopEvent.BreakpointHit) hit).pc()).isEqualTo(next);
      assertThat(((StopEvent.BreakpointHit) hit).thread()).isEqualTo(cpu0);
      await(c.removeBreakpoint(BreakpointType.SOFTWARE, next, 1), T);

      var running = c.resume();
      c.interrupt();
      StopEvent stop = await(running, T);
      assertThat(stop).isInstanceOf(StopEvent.Interrupted.class);
      assertThat(await(c.monitor("info status"), T)).contains("paused");
    }
  }

  @Test
  void overLoopbackTcp() throws Exception {
    assumeTrue(FirmwareQemu.available());
    int port;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (var q = FirmwareQemu.start(dir, 1, null, 0, true, port)) {
      RspClient c = connectWithRetry(new RspEndpoint.Tcp("127.0.0.1", port), q);
      try (c) {
        assertThat(c.connection().endpoint().isLocal()).isTrue();
        assertThat(await(c.readRegisterLong(ThreadId.ofCpu(0), "rip"), T)).isEqualTo(0xfff0);
        assertThat(await(c.readMemory(0xffff0, 16), T)[0] & 0xff).isEqualTo(0xea);
      }
    }
  }

  /** QEMU opens its TCP port during startup; nothing announces it, so retry the connect. */
  private static RspClient connectWithRetry(RspEndpoint ep, FirmwareQemu q) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return RspClient.connect(ep, RspOptions.defaults().withRequestTimeout(T));
      } catch (RspException e) {
        if (System.nanoTime() > deadline || !q.process().isAlive()) {
          throw e;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
      }
    }
  }

  @Test
  void writeWatchpointOnInterruptVectorTable() throws Exception {
    assumeTrue(FirmwareQemu.available());
    try (var q = FirmwareQemu.start(dir, 1);
        var c = connect(q)) {
      // SeaBIOS fills the IVT while it initializes.
      await(c.insertBreakpoint(BreakpointType.WRITE_WATCHPOINT, 0x20, 4), T);
      StopEvent e = await(c.resume(), T);
      assertThat(e).isInstanceOf(StopEvent.WatchpointHit.class);
      var w = (StopEvent.WatchpointHit) e;
      assertThat(w.type()).isEqualTo(BreakpointType.WRITE_WATCHPOINT);
      assertThat(w.address()).isEqualTo(0x20);
      await(c.removeBreakpoint(BreakpointType.WRITE_WATCHPOINT, 0x20, 4), T);
    }
  }
}
