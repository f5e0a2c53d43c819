package dev.uniscope.tests.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.qmp.QmpClient;
import dev.uniscope.tests.harness.QemuVm;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * virtio-rng entropy for KASLR (docs/kaslr.md "Entropy sources"): the early stage reads the device
 * before choosing the layout and reports it on the {@code kaslr:} lines; {@code kaslr_seed=} still
 * overrides everything; the regular driver (app {@code rngread}) still works afterwards.
 */
class KernelKaslrEntropyTest {
  /** The first kaslr line with the source widened to {@code primary[+virtio-rng]}. */
  static final String KASLR_LINE =
      "^kaslr: slide=0x([0-9a-f]+) base=0x([0-9a-f]+) link=0x([0-9a-f]+) (on|off) seed=0x([0-9a-f]+)"
          + " source=([\\w+-]+) relocs=(\\d+)";

  /** The early reader's line: what it found and the TSC cycles it took. */
  static final String RNG_LINE = "^kaslr: virtio-rng (.*) cycles=(\\d+)$";

  static final String USED =
      "^00:[0-9a-f]{2}\\.[0-7] (legacy io|modern mmio)=0x[0-9a-f]+ bytes=32$";
  static final String RNGREAD = "app=rngread bytes=4096";

  /**
   * One boot to the end with extra QEMU arguments, kept as a {@link KernelRun} (whose own boot()
   * takes none): same deadlines and the same wait for the kernel's last line.
   */
  static KernelRun boot(String append, String... extra) throws Exception {
    try (QemuVm vm = QemuVm.builder().append(append).smp(1).extra(extra).start()) {
      var exit = vm.awaitExit(KernelRun.BOOT_TIMEOUT);
      try {
        vm.console().awaitLine(KernelRun.LAST_LINE, Duration.ofSeconds(60));
      } catch (TimeoutException e) {
        // The stream ended without a final line; the assertions show the console.
      }
      return new KernelRun(append, 1, vm.console().text(), exit);
    }
  }

  /** The regular driver took the device after the early reader reset it. */
  static void assertDriverStillWorks(KernelRun run) {
    run.line("^virtio-rng: 00:[0-9a-f]{2}\\.[0-7] up");
    run.line("^rngread: result bytes=4096 distinct=256");
    run.assertAppExit("rngread", 0);
  }

  static void assertUsed(KernelRun run, String mode) {
    Matcher rng = run.line(RNG_LINE);
    assertThat(rng.group(1)).as("%s", run).matches(USED).contains(mode);
    // The measurement (docs/kaslr.md): printed for every boot, recorded here for the log.
    System.out.printf(
        "early virtio-rng read (%s): %s TSC cycles, tsc %s kHz%n",
        mode, rng.group(2), run.line("^time: tsc (\\d+) kHz").group(1));
  }

  @Test
  @Timeout(300)
  void transitionalDeviceFeedsTheSeedWithRdrand() throws Exception {
    KernelRun run = boot(RNGREAD, "-device", "virtio-rng-pci");
    assertThat(run.line(KASLR_LINE).group(6)).isEqualTo("rdrand+virtio-rng");
    assertUsed(run, "legacy io");
    assertDriverStillWorks(run);
  }

  @Test
  @Timeout(300)
  void withoutRdrandTheSourceIsTscPlusVirtioRng() throws Exception {
    // qemu64 under TCG has no RDRAND; the later -cpu wins over the harness's -cpu max.
    KernelRun run = boot(RNGREAD, "-cpu", "qemu64", "-device", "virtio-rng-pci");
    assertThat(run.line(KASLR_LINE).group(6)).isEqualTo("tsc+virtio-rng");
    assertUsed(run, "legacy io");
    assertDriverStillWorks(run);
  }

  @Test
  @Timeout(300)
  void withoutTheDeviceNothingChanges() throws Exception {
    KernelRun run = boot("app=spin duration=1");
    Matcher m = run.line(KASLR_LINE);
    assertThat(m.group(4)).isEqualTo("on");
    assertThat(m.group(6)).isEqualTo("rdrand");
    // The line the existing consumers parse (KernelKaslrTest) still matches.
    run.line(KernelKaslrTest.KASLR_LINE);
    assertThat(run.line(RNG_LINE).group(1)).isEqualTo("none (no 1af4:1005/1044 on bus 0)");
    run.assertAppExit("spin", 0);
  }

  @Test
  @Timeout(300)
  void aCommandLineSeedReproducesTheLayoutWithTheDevicePresent() throws Exception {
    String append = "app=spin duration=1 kaslr_seed=0x5eed1234";
    KernelRun with = boot(append, "-device", "virtio-rng-pci");
    KernelRun without = boot(append);
    for (KernelRun run : List.of(with, without)) {
      Matcher m = run.line(KASLR_LINE);
      assertThat(m.group(5)).isEqualTo("5eed1234");
      assertThat(m.group(6)).isEqualTo("cmdline");
      assertThat(run.line(RNG_LINE).group(1)).isEqualTo("not read (kaslr_seed=)");
      run.assertAppExit("spin", 0);
    }
    assertThat(with.line(KASLR_LINE).group(0)).isEqualTo(without.line(KASLR_LINE).group(0));
    String spans = "^kaslr: heap=\\S+ stacks=\\S+ directmap=\\S+";
    assertThat(with.line(spans).group(0)).isEqualTo(without.line(spans).group(0));
  }

  @Test
  @Timeout(300)
  void nonTransitionalDeviceIsReadThroughMmioBelow4GiB() throws Exception {
    KernelRun run = boot(RNGREAD, "-device", "virtio-rng-pci-non-transitional");
    assertThat(run.line(KASLR_LINE).group(6)).isEqualTo("rdrand+virtio-rng");
    assertUsed(run, "modern mmio");
    assertDriverStillWorks(run);
  }

  /**
   * A 1 GiB shared-memory BAR does not fit the firmware's 32-bit window, so it places the 64-bit
   * BARs above 4 GiB: the modern device is then outside the boot identity map and skipped, with the
   * reason, and the regular driver still reaches it later.
   */
  @Test
  @Timeout(300)
  void nonTransitionalDeviceAbove4GiBIsSkippedWithTheReason() throws Exception {
    KernelRun run =
        boot(
            RNGREAD,
            "-object",
            "memory-backend-ram,id=shm,size=1G",
            "-device",
            "ivshmem-plain,memdev=shm",
            "-device",
            "virtio-rng-pci-non-transitional");
    assertThat(run.line(KASLR_LINE).group(6)).isEqualTo("rdrand");
    assertThat(run.line(RNG_LINE).group(1))
        .matches(
            "^00:[0-9a-f]{2}\\.[0-7] modern skipped: MMIO BAR above 4 GiB"
                + " \\(outside the boot identity map\\)$");
    assertDriverStillWorks(run);
  }

  /**
   * A device that never answers (its entropy source is a FIFO whose writer stays silent) costs the
   * TSC budget, not the boot: the reader gives up, says so, and the seed comes from the CPU.
   */
  @Test
  @Timeout(300)
  void aSilentDeviceTimesOutAndBootContinues(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("rng.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).as("mkfifo exit status").isZero();
    // Opened read-write, a FIFO does not block; holding a writer keeps QEMU's reads at EAGAIN.
    try (RandomAccessFile writer = new RandomAccessFile(fifo.toFile(), "rw")) {
      assertThat(writer.getFD().valid()).as("the FIFO's silent writer").isTrue();
      KernelRun run =
          boot(
              "app=spin duration=1",
              "-object",
              "rng-random,id=silent,filename=" + fifo,
              "-device",
              "virtio-rng-pci,rng=silent");
      assertThat(run.line(KASLR_LINE).group(6)).isEqualTo("rdrand");
      Matcher rng = run.line(RNG_LINE);
      assertThat(rng.group(1)).matches("^00:[0-9a-f]{2}\\.[0-7] legacy skipped: timed out$");
      assertThat(Long.parseLong(rng.group(2)))
          .as("the budget, 2^32 cycles")
          .isGreaterThan(1L << 32);
      run.assertAppExit("spin", 0);
    }
  }

  /** The layout block carries the flag: seed_source = 0x100 | primary (docs/kaslr.md). */
  @Test
  @Timeout(300)
  void layoutBlockFlagsTheVirtioRngSource() throws Exception {
    try (QemuVm vm =
        QemuVm.builder()
            .append("app=spin duration=60000")
            .smp(1)
            .qmp()
            .extra("-device", "virtio-rng-pci")
            .start()) {
      vm.console().awaitLine(Pattern.compile("^app: start"), KernelRun.BOOT_TIMEOUT);
      try (QmpClient qmp = QmpClient.connect(vm.qmpSocket(), Duration.ofSeconds(60))) {
        // offset 104: kaslr_enabled, 108: seed_source (u32 each)
        String xp = qmp.humanMonitorCommand("xp /2wx 0x200068");
        Matcher v = Pattern.compile("0x([0-9a-f]{8})\\s+0x([0-9a-f]{8})").matcher(xp);
        assertThat(v.find()).as(xp).isTrue();
        assertThat(Long.parseLong(v.group(1), 16)).as("kaslr_enabled").isEqualTo(1);
        assertThat(Long.parseLong(v.group(2), 16)).as("seed_source").isEqualTo(0x100);
      }
    }
  }
}
