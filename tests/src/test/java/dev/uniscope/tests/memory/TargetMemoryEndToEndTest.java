package dev.uniscope.tests.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.core.memory.CpuState;
import dev.uniscope.core.memory.DumpMemory;
import dev.uniscope.core.memory.DumpSegment;
import dev.uniscope.core.memory.KernelLayout;
import dev.uniscope.core.memory.LiveMemory;
import dev.uniscope.core.memory.TargetMemory;
import dev.uniscope.core.memory.UnmappedAddressException;
import dev.uniscope.core.qmp.QmpClient;
import dev.uniscope.core.symbols.LayoutBlock;
import dev.uniscope.core.symbols.Slide;
import dev.uniscope.core.symbols.Symbolizer;
import dev.uniscope.core.symbols.elf.ElfFile;
import dev.uniscope.gdbstub.rsp.RegisterValues;
import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import dev.uniscope.gdbstub.rsp.RspOptions;
import dev.uniscope.gdbstub.rsp.StopEvent;
import dev.uniscope.gdbstub.rsp.ThreadId;
import dev.uniscope.tests.harness.Kernel;
import dev.uniscope.tests.harness.QemuVm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TargetMemory} on the real kernel under QEMU 7.2 (TCG): the layout and kernel globals read
 * live through the gdb stub, then the same virtual and physical ranges read from a QMP dump of the
 * same stopped VM must be byte-identical. Once with KASLR, once with {@code nokaslr}.
 */
class TargetMemoryEndToEndTest {
  static final Duration T = Duration.ofMinutes(3);
  static final Pattern KASLR =
      Pattern.compile("^kaslr: slide=0x([0-9a-f]+) base=0x([0-9a-f]+) link=0x[0-9a-f]+ (on|off)");
  static final Pattern DIRECTMAP =
      Pattern.compile("^kaslr: heap=0x[0-9a-f]+ stacks=0x[0-9a-f]+ directmap=0x([0-9a-f]+)");
  static final Pattern CMDLINE = Pattern.compile("^cmdline: (.*?)\\r?$");
  static final Pattern APP_START = Pattern.compile("^app: start name=kvstore cpus=2");

  @Test
  @Timeout(900)
  void kaslrBootLiveAndDumpAgree() throws Exception {
    Boot b = liveAndDump("");
    assertThat(b.kaslr).isEqualTo("on");
    assertThat(b.slide).isNotZero();
  }

  @Test
  @Timeout(900)
  void nokaslrBootLiveAndDumpAgree() throws Exception {
    Boot b = liveAndDump(" nokaslr");
    assertThat(b.kaslr).isEqualTo("off");
    assertThat(b.slide).isZero();
  }

  record Boot(long slide, String kaslr) {}

  static Boot liveAndDump(String extraArgs) throws Exception {
    Path elf = Kernel.elf();
    Symbolizer symbols = Symbolizer.load(elf);
    // kvstore runs far longer than the test: the VM is stopped as soon as the app has started.
    try (QemuVm vm =
        QemuVm.builder()
            .append("app=kvstore duration=3600000" + extraArgs)
            .smp(2)
            .memory("128M")
            .gdb()
            .qmp()
            .start()) {
      Matcher kaslr = vm.console().awaitLine(KASLR, T);
      long consoleSlide = Long.parseUnsignedLong(kaslr.group(1), 16);
      long directMap = Long.parseUnsignedLong(vm.console().awaitLine(DIRECTMAP, T).group(1), 16);
      String cmdline = vm.console().awaitLine(CMDLINE, T).group(1);
      vm.console().awaitLine(APP_START, T);

      // Connecting stops the running VM (QEMU's stub halts it for the new debugger).
      try (RspClient rsp =
          RspClient.connect(
              new RspEndpoint.Unix(vm.gdbSocket()), RspOptions.defaults().withRequestTimeout(T))) {
        assertThat(rsp.isRunning()).isFalse();
        LiveMemory live = LiveMemory.attach(rsp);

        // Layout without symbols, then checked against the ELF.
        KernelLayout layout = KernelLayout.find(live);
        assertThat(layout.slide()).isEqualTo(Slide.of(consoleSlide, Slide.Origin.LAYOUT_BLOCK));
        try (ElfFile file = ElfFile.open(elf)) {
          layout.verify(file);
        }
        Slide slide = layout.slide();
        LayoutBlock block = layout.block();

        // Kernel globals at their symbols' runtime addresses.
        long hhdm = address(symbols, "hhdm_base", slide);
        assertThat(live.virtual().u64(hhdm)).isEqualTo(directMap);
        assertThat(live.virtual().u32(address(symbols, "ncpus", slide))).isEqualTo(2);
        long cmdlinePtr = live.virtual().u64(address(symbols, "kernel_cmdline", slide));
        assertThat(live.virtual().cString(cmdlinePtr, 4096)).isEqualTo(cmdline);
        long app = address(symbols, "app_kvstore", slide);
        long appName = live.virtual().u64(app);
        assertThat(live.virtual().cString(appName, 64)).isEqualTo("kvstore");
        // The block is the `uslayout` object: virtual through the walk = physical 0x200000.
        byte[] blockBytes = live.physical().read(LayoutBlock.PHYSICAL_ADDRESS, 896);
        assertThat(live.virtual().read(address(symbols, "uslayout", slide), 896))
            .isEqualTo(blockBytes);

        // The whole image through our walk equals QEMU's own translation (the stub's m packets).
        int imageSize = Math.toIntExact(block.imageSize());
        long t0 = System.nanoTime();
        byte[] image = live.virtual().read(block.virtBase(), imageSize);
        long t1 = System.nanoTime();
        assertThat(image).isEqualTo(live.stubVirtual().read(block.virtBase(), imageSize));
        long t2 = System.nanoTime();
        // Informational only (no timing assertions): what a whole-image read costs live.
        System.out.printf(
            "memory e2e: image 0x%x bytes: live walk+physical %.1f ms, stub-virtual %.1f ms%n",
            imageSize, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        assertThat(live.translate(block.virtBase()).pageSize()).isEqualTo(4096);
        // The same bytes through the direct map's 2 MiB pages and physically.
        assertThat(live.translate(directMap + 0x200000).pageSize()).isEqualTo(2 << 20);
        assertThat(live.virtual().read(directMap + 0x200000, imageSize)).isEqualTo(image);
        long t3 = System.nanoTime();
        byte[] physicalImage = live.physical().read(block.physBase(), imageSize);
        long t4 = System.nanoTime();
        assertThat(physicalImage).isEqualTo(image);
        // The same through pmemsave into the VM's private directory (QEMU is local).
        live.enableMonitorDumps(vm.dir());
        byte[] saved = live.physical().read(block.physBase(), imageSize);
        long t5 = System.nanoTime();
        assertThat(saved).isEqualTo(physicalImage);
        System.out.printf(
            "memory e2e: physical image: RSP %.1f ms, pmemsave %.1f ms%n",
            (t4 - t3) / 1e6, (t5 - t4) / 1e6);

        // The identity map is gone after boot: low addresses are unmapped, and said so.
        assertThatThrownBy(() -> live.virtual().read(0x200000, 8))
            .isInstanceOf(UnmappedAddressException.class)
            .hasMessageContaining("virtual address 0x200000 is not mapped: PML4 entry 0");

        long cr3 = live.pageTableRoot();
        List<RegisterValues> regs = new ArrayList<>();
        for (int cpu = 0; cpu < 2; cpu++) {
          regs.add(RspClient.await(rsp.readRegisters(ThreadId.ofCpu(cpu)), T));
        }
        long requests = live.virtual().u64(address(symbols, "n_req", slide));

        // A dump of the same stopped VM.
        Path core = vm.dir().resolve("vm.core");
        Path pagingCore = vm.dir().resolve("vm-paging.core");
        try (QmpClient qmp = QmpClient.connect(vm.qmpSocket(), T)) {
          qmp.dumpGuestMemory(core);
          qmp.execute(
              "dump-guest-memory",
              Map.of("paging", true, "protocol", "file:" + pagingCore, "format", "elf"));
        }
        try (DumpMemory dump = DumpMemory.open(core)) {
          assertThat(dump.warnings()).isEmpty();
          KernelLayout fromDump = KernelLayout.find(dump);
          assertThat(fromDump.slide()).isEqualTo(Slide.of(consoleSlide, Slide.Origin.DUMP));
          assertThat(fromDump.vmcoreInfo()).isPresent();
          try (ElfFile file = ElfFile.open(elf)) {
            fromDump.verify(file);
          }
          assertThat(dump.pageTableRoot()).isEqualTo(cr3);
          assertThat(dump.physicalMap().ranges()).isEqualTo(live.physicalMap().ranges());
          assertThat(dump.cpus()).hasSize(2);
          for (int cpu = 0; cpu < 2; cpu++) {
            CpuState state = dump.cpus().get(cpu);
            for (String r : List.of("rip", "rsp", "rbp", "eflags", "cr0", "cr3", "cr4")) {
              assertThat(state.get(r)).as("vCPU %d %s", cpu, r).hasValue(regs.get(cpu).get(r));
            }
          }

          assertThat(dump.virtual().read(block.virtBase(), imageSize)).isEqualTo(image);
          assertThat(dump.virtual().read(directMap + 0x200000, imageSize)).isEqualTo(image);
          assertThat(dump.physical().read(block.physBase(), imageSize)).isEqualTo(physicalImage);
          assertThat(dump.physical().read(LayoutBlock.PHYSICAL_ADDRESS, 896)).isEqualTo(blockBytes);
          assertThat(dump.virtual().u64(hhdm)).isEqualTo(directMap);
          assertThat(dump.virtual().cString(cmdlinePtr, 4096)).isEqualTo(cmdline);
          assertThat(dump.virtual().u64(address(symbols, "n_req", slide))).isEqualTo(requests);
          // The heap's first mapped pages (kvstore's table lives there) read the same too.
          long heap = region(block, LayoutBlock.Region.HEAP);
          int heapBytes = mappedBytes(live, heap, 16);
          assertThat(heapBytes).isPositive();
          assertThat(dump.virtual().read(heap, heapBytes))
              .isEqualTo(live.virtual().read(heap, heapBytes));
          assertThatThrownBy(() -> dump.virtual().read(0x200000, 8))
              .isInstanceOf(UnmappedAddressException.class)
              .hasMessageContaining("virtual address 0x200000 is not mapped: PML4 entry 0");
        }

        // A paging dump: QEMU's own page walk (p_vaddr) agrees with ours on every page it holds.
        try (DumpMemory paging = DumpMemory.open(pagingCore)) {
          int pages = 0;
          for (DumpSegment seg : paging.segments()) {
            for (long off = 0; off < seg.fileSize(); off += 4096) {
              assertThat(paging.translate(seg.virtualAddress() + off).physicalAddress())
                  .as("page at 0x%x", seg.virtualAddress() + off)
                  .isEqualTo(seg.physicalAddress() + off);
              pages++;
            }
          }
          assertThat(pages).isGreaterThan(imageSize / 4096);
          assertThat(KernelLayout.find(paging).slide().value()).isEqualTo(consoleSlide);
          assertThat(paging.virtual().read(block.virtBase(), imageSize)).isEqualTo(image);
        }

        // Stop, read, resume: the helper around a target this object resumed.
        live.resume();
        long later = live.whileStopped(m -> m.virtual().u64(address(symbols, "n_req", slide)));
        assertThat(later).isGreaterThanOrEqualTo(requests);
        // It was resumed again: stopping it now interrupts a running target.
        assertThat(live.stop()).isInstanceOf(StopEvent.Interrupted.class);
        assertThat(live.virtual().u64(address(symbols, "n_req", slide)))
            .isGreaterThanOrEqualTo(later);
      }
      return new Boot(consoleSlide, kaslr.group(3));
    }
  }

  static long address(Symbolizer symbols, String name, Slide slide) {
    return symbols
        .resolve(name, slide)
        .orElseThrow(() -> new AssertionError("no symbol " + name))
        .runtimeAddress();
  }

  /** Bytes mapped from {@code start} on, page by page, up to {@code maxPages}. */
  static int mappedBytes(TargetMemory memory, long start, int maxPages) throws Exception {
    int pages = 0;
    try {
      while (pages < maxPages) {
        memory.translate(start + 4096L * pages);
        pages++;
      }
    } catch (UnmappedAddressException end) {
      // The first hole ends the run.
    }
    return pages * 4096;
  }

  static long region(LayoutBlock block, int kind) {
    return block.regions().stream()
        .filter(r -> r.kind() == kind)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no region of kind " + kind))
        .start();
  }
}
