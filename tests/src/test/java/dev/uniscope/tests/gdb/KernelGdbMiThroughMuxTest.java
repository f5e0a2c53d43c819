package dev.uniscope.tests.gdb;

import static dev.uniscope.gdbstub.rsp.RspClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.gdbstub.mi.GdbMiClient;
import dev.uniscope.gdbstub.mi.MiTypes;
import dev.uniscope.gdbstub.mux.RspMultiplexer;
import dev.uniscope.gdbstub.rsp.AddressSpace;
import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import dev.uniscope.gdbstub.rsp.RspOptions;
import dev.uniscope.tests.harness.QemuVm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gdb 13 over MI, attached through the workbench's multiplexer to the real kernel, symbols loaded
 * with the KASLR slide, while the workbench reads guest memory in between.
 */
class KernelGdbMiThroughMuxTest {
  static final long SEED = 0x5eed1234L;
  static final Duration T = Duration.ofMinutes(2);

  @Test
  @Timeout(600)
  void sourceLevelDebuggingThroughTheMultiplexer() throws Exception {
    long slide = KernelSymbols.slideForSeed(SEED);
    long producer = KernelSymbols.address("producer") + slide;
    try (QemuVm vm =
            QemuVm.builder()
                .append("app=threads items=1000000 kaslr_seed=0x" + Long.toHexString(SEED))
                .smp(2)
                .gdb()
                .paused()
                .start();
        RspClient client =
            RspClient.connect(
                new RspEndpoint.Unix(vm.gdbSocket()), RspOptions.defaults().withRequestTimeout(T));
        RspMultiplexer mux = RspMultiplexer.start(client);
        GdbMiClient mi = GdbMiClient.start(Path.of("/usr/bin/gdb"), List.of(), T)) {
      mi.loadSymbols(KernelSymbols.elf(), slide);
      mi.targetSelectRemote(mux.gdbTarget());
      assertThat(mi.threads()).hasSize(2);

      MiTypes.Breakpoint bp = mi.breakInsert("producer", false, false);
      assertThat(bp.address()).contains(producer);
      MiTypes.Stopped hit = mi.runUntilStop("-exec-continue", T);
      assertThat(hit.reason()).contains("breakpoint-hit");
      assertThat(hit.breakpoint()).contains(bp.number());
      assertThat(hit.frame().orElseThrow().function()).isEqualTo("producer");
      assertThat(hit.frame().orElseThrow().file().orElseThrow()).endsWith("threads.c");

      // The workbench reads the layout block between gdb's packets.
      byte[] magic = await(mux.withStub(c -> c.readMemory(AddressSpace.PHYSICAL, 0x200000, 8)), T);
      assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("USCOPELY");

      assertThat(mi.framesWithArguments().getFirst().function()).isEqualTo("producer");
      // producer(void *arg): at its entry only the argument is in scope.
      assertThat(mi.variables(0)).extracting(MiTypes.Variable::name).contains("arg");
      assertThat(mi.variables(hit.threadId().orElseThrow(), 0)).isNotEmpty();
      assertThat(mi.evaluate("$pc")).isEqualTo("0x" + Long.toHexString(producer) + " <producer>");
      assertThat(mi.registers(List.of("rip", "cr3"), "x")).containsKeys("rip", "cr3");
      assertThat(mi.disassemble(producer, producer + 16))
          .isNotEmpty()
          .allSatisfy(i -> assertThat(i.function()).contains("producer"));
      assertThat(mi.sourceLines("threads.c")).isNotEmpty();
      mi.breakDelete(bp.number());

      MiTypes.Stopped next = mi.runUntilStop("-exec-next", T);
      assertThat(next.reason()).contains("end-stepping-range");
      assertThat(mi.evaluate("items")).isEqualTo("1000000");

      int wp = mi.breakWatch("produced", GdbMiClient.WatchKind.WRITE);
      MiTypes.Stopped trig = mi.runUntilStop("-exec-continue", T);
      assertThat(trig.reason()).contains("watchpoint-trigger");
      mi.breakDelete(wp);

      // While gdb has the kernel running, the workbench still reads memory; gdb notices nothing.
      var resumed = new CompletableFuture<Void>();
      mux.onGdbRunState(
          r -> {
            if (r) {
              resumed.complete(null);
            }
          });
      var stop = mi.nextStop();
      mi.execContinue();
      resumed.get(T.toSeconds(), TimeUnit.SECONDS);
      long producedAddr = KernelSymbols.address("produced") + slide;
      byte[] a = await(mux.withStub(c -> c.readMemory(producedAddr, 8)), T);
      byte[] b = await(mux.withStub(c -> c.readMemory(producedAddr, 8)), T);
      assertThat(mux.internalStops()).isEqualTo(2);
      assertThat(stop).isNotDone();
      assertThat(a).hasSize(8);
      assertThat(b).hasSize(8);
      mi.execInterrupt();
      assertThat(stop.get(T.toSeconds(), TimeUnit.SECONDS).raw().string("signal-name"))
          .contains("SIGINT");
    }
  }
}
