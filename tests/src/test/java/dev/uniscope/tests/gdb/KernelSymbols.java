package dev.uniscope.tests.gdb;

import dev.uniscope.tests.harness.Kernel;
import dev.uniscope.tests.harness.QemuVm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Link-time symbols of the kernel ELF (from nm) and the slide a given KASLR seed produces. */
final class KernelSymbols {
  static final long LINK = 0xffffffff80200000L;
  static final long PHYS = 0x200000L;
  static final Pattern KASLR =
      Pattern.compile("^kaslr: slide=0x([0-9a-f]+) base=0x([0-9a-f]+) .*seed=0x([0-9a-f]+)");

  private static final Map<Long, Long> SLIDES = new HashMap<>();
  private static Map<String, Long> symbols;

  private KernelSymbols() {}

  static synchronized long address(String name) throws IOException, InterruptedException {
    if (symbols == null) {
      Process p =
          new ProcessBuilder("nm", Kernel.elf().toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("nm failed: " + out);
      }
      var m = new HashMap<String, Long>();
      for (String line : out.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length == 3) {
          m.putIfAbsent(f[2], Long.parseUnsignedLong(f[0], 16));
        }
      }
      symbols = m;
    }
    Long a = symbols.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no symbol " + name + " in " + Kernel.elf());
    }
    return a;
  }

  static long slide(Matcher kaslrLine) {
    return Long.parseUnsignedLong(kaslrLine.group(1), 16);
  }

  /**
   * The slide for {@code kaslr_seed=seed}: the layout is a pure function of the seed, so one
   * throw-away boot tells it, and later boots can be started paused with breakpoints placed before
   * the kernel runs.
   */
  static synchronized long slideForSeed(long seed) throws Exception {
    Long s = SLIDES.get(seed);
    if (s == null) {
      try (QemuVm vm =
          QemuVm.builder().append("app=spin kaslr_seed=0x" + Long.toHexString(seed)).start()) {
        s = slide(vm.console().awaitLine(KASLR, Duration.ofMinutes(3)));
      }
      SLIDES.put(seed, s);
    }
    return s;
  }

  static Path elf() {
    return Kernel.elf();
  }
}
