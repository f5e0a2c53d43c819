package dev.uniscope.tests.gdb;

import static dev.uniscope.gdbstub.rsp.RspClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.gdbstub.rsp.AddressSpace;
import dev.uniscope.gdbstub.rsp.BreakpointType;
import dev.uniscope.gdbstub.rsp.RegisterValues;
import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import dev.uniscope.gdbstub.rsp.RspOptions;
import dev.uniscope.gdbstub.rsp.StopEvent;
import dev.uniscope.gdbstub.rsp.ThreadId;
import dev.uniscope.tests.harness.QemuVm;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our RSP client against the real kernel under QEMU 7.2 (TCG), KASLR on. */
class KernelRspTest {
  static final long SEED = 0x5eed1234L;
  static final Duration T = Duration.ofMinutes(2);

  private static RspClient connect(QemuVm vm) throws Exception {
    return RspClient.connect(
        new RspEndpoint.Unix(vm.gdbSocket()), RspOptions.defaults().withRequestTimeout(T));
  }

  @Test
  @Timeout(600)
  void registersSymbolsWithSlideBreakpointsOnEachCpuStepWatchInterrupt() throws Exception {
    long slide = KernelSymbols.slideForSeed(SEED);
    long producer = KernelSymbols.address("producer") + slide;
    long consumer = KernelSymbols.address("consumer") + slide;
    long produced = KernelSymbols.address("produced") + slide;
    try (QemuVm vm =
            QemuVm.builder()
                .append("app=threads items=1000000 kaslr_seed=0x" + Long.toHexString(SEED))
                .smp(2)
                .gdb()
                .paused()
                .start();
        RspClient c = connect(vm)) {
      assertThat(await(c.threads(), T)).containsExactly(ThreadId.ofCpu(0), ThreadId.ofCpu(1));
      // Breakpoints at the randomized addresses, placed before the kernel has run at all.
      await(c.insertBreakpoint(BreakpointType.SOFTWARE, producer, 1), T);
      await(c.insertBreakpoint(BreakpointType.SOFTWARE, consumer, 1), T);

      // Each of the 8 threads (4 per vCPU) enters producer or consumer once, so both vCPUs must
      // stop within 8 hits, provided each hit is stepped over as gdb does (remove, step the vCPU,
      // reinsert): resuming on top of a breakpoint may stop at the same instruction again.
      Set<Integer> cpus = new HashSet<>();
      java.util.List<String> stops = new java.util.ArrayList<>();
      StopEvent.BreakpointHit first = null;
      for (int i = 0; i < 8 && cpus.size() < 2; i++) {
        StopEvent e = await(c.resume(), T);
        assertThat(e).as("stop %d", i).isInstanceOf(StopEvent.BreakpointHit.class);
        var hit = (StopEvent.BreakpointHit) e;
        assertThat(hit.pc()).isIn(producer, consumer);
        cpus.add(hit.thread().cpuIndex());
        stops.add(
            "cpu" + hit.thread().cpuIndex() + (hit.pc() == producer ? " producer" : " consumer"));
        if (first == null) {
          first = hit;
          checkRegistersAndMemory(c, hit.thread(), slide);
        }
        await(c.removeBreakpoint(BreakpointType.SOFTWARE, hit.pc(), 1), T);
        assertThat(await(c.step(hit.thread()), T)).isInstanceOf(StopEvent.StepCompleted.class);
        await(c.insertBreakpoint(BreakpointType.SOFTWARE, hit.pc(), 1), T);
      }
      assertThat(cpus)
          .as("vCPUs that hit the breakpoints, stops %s", stops)
          .containsExactlyInAnyOrder(0, 1);
      vm.console()
          .awaitLine(
              java.util.regex.Pattern.compile("^kaslr: slide=0x" + Long.toHexString(slide) + " "),
              T);

      // Single-step the vCPU that stopped last, off its breakpoint (removed first, as gdb does).
      await(c.removeBreakpoint(BreakpointType.SOFTWARE, producer, 1), T);
      await(c.removeBreakpoint(BreakpointType.SOFTWARE, consumer, 1), T);
      RegisterValues before = await(c.readRegisters(ThreadId.ofCpu(0)), T);
      StopEvent step = await(c.step(ThreadId.ofCpu(0)), T);
      assertThat(step).isInstanceOf(StopEvent.StepCompleted.class);
      assertThat(((StopEvent.StepCompleted) step).pc()).isNotEqualTo(before.get("rip"));

      // A write watchpoint on the app's global counter.
      await(c.insertBreakpoint(BreakpointType.WRITE_WATCHPOINT, produced, 8), T);
      StopEvent w = await(c.resume(), T);
      assertThat(w).isInstanceOf(StopEvent.WatchpointHit.class);
      assertThat(((StopEvent.WatchpointHit) w).address()).isEqualTo(produced);
      long count = readLong(c, produced);
      assertThat(count).isPositive();
      await(c.removeBreakpoint(BreakpointType.WRITE_WATCHPOINT, produced, 8), T);

      // Interrupt the running VM.
      var running = c.resume();
      c.interrupt();
      assertThat(await(running, T)).isInstanceOf(StopEvent.Interrupted.class);
      assertThat(readLong(c, produced)).isGreaterThanOrEqualTo(count);
    }
  }

  private static void checkRegistersAndMemory(RspClient c, ThreadId t, long slide)
      throws Exception {
    RegisterValues regs = await(c.readRegisters(t), T);
    assertThat(regs.get("cr0") & (1L << 31)).as("paging on").isNotZero();
    assertThat(regs.get("efer") & (1L << 10)).as("long mode active").isNotZero();
    assertThat(Long.compareUnsigned(regs.get("rip"), 0xffff800000000000L)).isPositive();

    // Kernel text at a symbol, with the slide applied, equals the same bytes read physically.
    long main = KernelSymbols.address("threads_main");
    byte[] virt = await(c.readMemory(AddressSpace.VIRTUAL, main + slide, 64), T);
    byte[] phys =
        await(
            c.readMemory(AddressSpace.PHYSICAL, main - KernelSymbols.LINK + KernelSymbols.PHYS, 64),
            T);
    assertThat(virt).isEqualTo(phys);
    // The app table holds relocated pointers: its main field is threads_main + slide.
    long app = KernelSymbols.address("app_threads") + slide;
    assertThat(readLong(c, app + 8)).isEqualTo(main + slide);
    long namePtr = readLong(c, app);
    byte[] name = await(c.readMemory(namePtr, 8), T);
    assertThat(new String(name, 0, 7, StandardCharsets.US_ASCII)).isEqualTo("threads");
    // The layout block sits at physical 0x200000.
    byte[] magic = await(c.readMemory(AddressSpace.PHYSICAL, KernelSymbols.PHYS, 8), T);
    assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("USCOPELY");
    assertThat(Arrays.equals(magic, new byte[8])).isFalse();
  }

  static long readLong(RspClient c, long address) {
    byte[] b = await(c.readMemory(address, 8), T);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }
}
