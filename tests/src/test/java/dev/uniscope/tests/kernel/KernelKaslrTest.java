package dev.uniscope.tests.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.qmp.QmpClient;
import dev.uniscope.tests.harness.QemuVm;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** KASLR (docs/kaslr.md): random slides, nokaslr, reproducible seeds, the layout block. */
class KernelKaslrTest {
  static final String KASLR_LINE =
      "^kaslr: slide=0x([0-9a-f]+) base=0x([0-9a-f]+) link=0x([0-9a-f]+) (on|off) seed=0x([0-9a-f]+)"
          + " source=(\\w+) relocs=(\\d+)";
  static final BigInteger WINDOW_START = new BigInteger("ffff900000000000", 16);
  static final BigInteger WINDOW_END = new BigInteger("ffffc00000000000", 16);

  static BigInteger hex(String s) {
    return new BigInteger(s, 16);
  }

  @Test
  @Timeout(300)
  void twoBootsGetDifferentSlidesInsideTheWindow() throws Exception {
    KernelRun a = KernelRun.boot("app=spin duration=1", 1);
    KernelRun b = KernelRun.boot("app=spin duration=1", 1);
    Matcher ma = a.line(KASLR_LINE);
    Matcher mb = b.line(KASLR_LINE);
    assertThat(ma.group(1)).as("slides of two boots").isNotEqualTo(mb.group(1));
    for (Matcher m : List.of(ma, mb)) {
      BigInteger base = hex(m.group(2));
      assertThat(m.group(4)).isEqualTo("on");
      assertThat(base.mod(BigInteger.valueOf(4096))).isEqualTo(BigInteger.ZERO);
      assertThat(base).isGreaterThanOrEqualTo(WINDOW_START).isLessThan(WINDOW_END);
      assertThat(
              base.subtract(hex(m.group(3)))
                  .add(BigInteger.ONE.shiftLeft(64))
                  .mod(BigInteger.ONE.shiftLeft(64)))
          .isEqualTo(hex(m.group(1)));
      assertThat(Integer.parseInt(m.group(7))).isPositive();
    }
    a.assertAppExit("spin", 0);
    b.assertAppExit("spin", 0);
  }

  @Test
  @Timeout(300)
  void nokaslrRunsAtTheLinkBase() throws Exception {
    KernelRun run = KernelRun.boot("app=spin duration=1 nokaslr", 2);
    Matcher m = run.line(KASLR_LINE);
    assertThat(m.group(1)).isEqualTo("0");
    assertThat(m.group(2)).isEqualTo("ffffffff80200000").isEqualTo(m.group(3));
    assertThat(m.group(4)).isEqualTo("off");
    assertThat(m.group(6)).isEqualTo("none");
    run.line("^kaslr: heap=0xffffc00000000000 stacks=0xffffe00000000000");
    run.assertAppExit("spin", 0);
  }

  @Test
  @Timeout(300)
  void theSameSeedGivesTheSameLayoutTwice() throws Exception {
    List<List<String>> layouts = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      KernelRun run = KernelRun.boot("app=spin duration=1 kaslr_seed=0x5eed1234", i == 0 ? 1 : 4);
      Matcher m = run.line(KASLR_LINE);
      assertThat(m.group(5)).isEqualTo("5eed1234");
      assertThat(m.group(6)).isEqualTo("cmdline");
      layouts.add(List.of(m.group(0), run.line("^kaslr: heap=\\S+ stacks=\\S+").group(0)));
      run.assertAppExit("spin", 0);
    }
    assertThat(layouts.get(1)).isEqualTo(layouts.get(0));
  }

  /**
   * The layout block at physical 0x200000 matches the console, and the vmcoreinfo note lands in a
   * QEMU dump.
   */
  @Test
  @Timeout(300)
  void layoutBlockIsAtItsFixedAddressAndInDumps() throws Exception {
    try (QemuVm vm =
        QemuVm.builder().append("app=spin duration=60000").smp(2).memory("128M").qmp().start()) {
      vm.console().awaitLine(Pattern.compile("^app: start"), KernelRun.BOOT_TIMEOUT);
      String console = vm.console().text();
      Matcher k = Pattern.compile(KASLR_LINE, Pattern.MULTILINE).matcher(console);
      assertThat(k.find()).isTrue();
      Matcher id = Pattern.compile("build-id=([0-9a-f]{40})").matcher(console);
      assertThat(id.find()).isTrue();
      assertThat(console).contains("layout: vmcoreinfo note at phys 0x");

      try (QmpClient qmp = QmpClient.connect(vm.qmpSocket(), Duration.ofSeconds(60))) {
        String xp = qmp.humanMonitorCommand("xp /10xg 0x200000");
        List<BigInteger> q = new ArrayList<>();
        Matcher v = Pattern.compile("0x([0-9a-f]{16})").matcher(xp);
        while (v.find()) {
          q.add(hex(v.group(1)));
        }
        assertThat(q).as(xp).hasSize(10);
        assertThat(q.get(0)).isEqualTo(hex("594c45504f435355")); // "USCOPELY"
        assertThat(q.get(1).longValue() & 0xffffffffL).as("version").isEqualTo(1);
        assertThat(q.get(1).shiftRight(32).longValue()).as("size").isEqualTo(896);
        assertThat(q.get(2).longValue() & 0xffffffffL).as("state").isEqualTo(1);
        assertThat(q.get(2).shiftRight(32).longValue()).as("build-id length").isEqualTo(20);
        StringBuilder bid = new StringBuilder();
        for (int i = 3; i < 6; i++) {
          for (int b = 0; b < 8; b++) {
            bid.append(String.format("%02x", q.get(i).shiftRight(8 * b).intValue() & 0xff));
          }
        }
        assertThat(bid.substring(0, 40)).isEqualTo(id.group(1));
        assertThat(q.get(7)).as("link_base").isEqualTo(hex("ffffffff80200000"));
        assertThat(q.get(8)).as("virt_base").isEqualTo(hex(k.group(2)));
        assertThat(q.get(9)).as("slide").isEqualTo(hex(k.group(1)));

        Path dump = vm.dir().resolve("vm.dump");
        qmp.dumpGuestMemory(dump);
        // QEMU writes the ELF notes (CPU state, then VMCOREINFO) before the memory: the first
        // MiB holds them.
        byte[] bytes;
        try (var in = Files.newInputStream(dump)) {
          bytes = in.readNBytes(1 << 20);
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("VMCOREINFO");
        assertThat(text).contains("UNISCOPE_LAYOUT=0x200000\nKERNELOFFSET=" + k.group(1) + "\n");
        assertThat(text).contains("BUILD-ID=" + id.group(1));
      }
    }
  }
}
