package dev.uniscope.gdbstub.bench;

import dev.uniscope.gdbstub.rsp.AddressSpace;
import dev.uniscope.gdbstub.rsp.MonitorDump;
import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import dev.uniscope.gdbstub.rsp.RspOptions;
import dev.uniscope.gdbstub.rsp.ThreadId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Side-by-side bulk read: gdb 13's {@code dump binary memory} vs our pipelined RSP client vs a QEMU
 * monitor {@code pmemsave} into a mapped file, over the same region of the same QEMU, with the data
 * checked byte for byte against the pattern the VM was loaded with.
 *
 * <p>Arguments: HOST:PORT ADDRESS SIZE PATTERN_FILE WORKDIR [RUNS]
 */
public final class ReadBench {
  private static final double MIB = 1024.0 * 1024.0;

  public static void main(String[] args) throws Exception {
    RspEndpoint ep = RspEndpoint.parse(args[0]);
    long addr = Long.decode(args[1]);
    int size = Integer.decode(args[2]);
    byte[] expected = Files.readAllBytes(Path.of(args[3]));
    Path work = Path.of(args[4]);
    int runs = args.length > 5 ? Integer.parseInt(args[5]) : 3;
    if (expected.length != size) {
      throw new IllegalArgumentException(
          "pattern file is " + expected.length + " bytes, not " + size);
    }
    System.out.printf(
        Locale.ROOT,
        "region: %d bytes (%.1f MiB) at 0x%x, physical, %d interleaved rounds (+1 warm-up)%n",
        size,
        size / MIB,
        addr,
        runs);

    List<Double> gdb = new ArrayList<>();
    List<Double> w1 = new ArrayList<>();
    List<Double> w32 = new ArrayList<>();
    List<Double> pmem = new ArrayList<>();
    Duration t = Duration.ofSeconds(120);
    Path dir = MonitorDump.privateDirectory();
    // Rounds interleave the methods so load from other processes hits them alike; round 0 warms
    // up (JIT, QEMU's page faults) and is not counted.
    for (int round = 0; round <= runs; round++) {
      boolean count = round > 0;
      double g = gdbDump(ep, addr, size, work, expected);
      double a;
      double p;
      double b;
      try (RspClient c = connect(ep, 32)) {
        a = timeRsp(c, addr, size, expected, t);
        long t0 = System.nanoTime();
        byte[] got;
        try (var m =
            RspClient.await(
                MonitorDump.save(c, AddressSpace.PHYSICAL, ThreadId.ofCpu(0), addr, size, dir),
                t)) {
          got = m.toArray();
        }
        p = (System.nanoTime() - t0) / 1e9;
        check("pmemsave", got, expected);
      }
      try (RspClient c = connect(ep, 1)) {
        b = timeRsp(c, addr, size, expected, t);
      }
      if (count) {
        gdb.add(g);
        w32.add(a);
        pmem.add(p);
        w1.add(b);
      }
    }
    Files.deleteIfExists(dir);
    report("gdb 13 dump binary memory", gdb, size);
    report("uniscope RSP, 1 request in flight", w1, size);
    report("uniscope RSP, 32 requests in flight", w32, size);
    report("uniscope pmemsave via qRcmd + mmap", pmem, size);
    double g = median(gdb);
    System.out.printf(
        Locale.ROOT,
        "ratio vs gdb (median MiB/s): RSP x32 = %.2fx, RSP x1 = %.2fx, pmemsave = %.2fx%n",
        g / median(w32),
        g / median(w1),
        g / median(pmem));
    System.out.println("data: byte-identical to the loaded pattern for every run of every method");
  }

  private static RspClient connect(RspEndpoint ep, int window) {
    return RspClient.connect(
        ep,
        RspOptions.defaults()
            .withReadWindow(window)
            .withRequestTimeout(Duration.ofSeconds(60))
            .withQueryHaltReason(false));
  }

  private static double timeRsp(RspClient c, long addr, int size, byte[] expected, Duration t) {
    long t0 = System.nanoTime();
    byte[] got = RspClient.await(c.readMemory(AddressSpace.PHYSICAL, addr, size), t);
    double s = (System.nanoTime() - t0) / 1e9;
    check("RSP", got, expected);
    return s;
  }

  private static final Pattern ELAPSED = Pattern.compile("ELAPSED ([0-9.]+)");

  /** Runs gdb in batch mode; times only the dump (gdb's own clock), not gdb's startup. */
  private static double gdbDump(RspEndpoint ep, long addr, int size, Path work, byte[] expected)
      throws Exception {
    Path out = work.resolve("gdb-dump.bin");
    Files.deleteIfExists(out);
    String target = ep instanceof RspEndpoint.Unix u ? u.path().toString() : ep.toString();
    List<String> cmd =
        List.of(
            "timeout",
            "300",
            "/usr/bin/gdb",
            "-nx",
            "-batch",
            "-ex",
            "set pagination off",
            "-ex",
            "target remote " + target,
            "-ex",
            "maintenance packet Qqemu.PhyMemMode:1",
            "-ex",
            "python import time; t0 = time.monotonic()",
            "-ex",
            String.format("dump binary memory %s 0x%x 0x%x", out, addr, addr + size),
            "-ex",
            "python print('ELAPSED %f' % (time.monotonic() - t0))",
            "-ex",
            "maintenance packet Qqemu.PhyMemMode:0",
            "-ex",
            "disconnect");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text;
    try {
      text = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        throw new IllegalStateException("gdb did not finish");
      }
    } finally {
      p.destroyForcibly();
    }
    Matcher m = ELAPSED.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("gdb run failed:\n" + text);
    }
    check("gdb", Files.readAllBytes(out), expected);
    Files.deleteIfExists(out);
    return Double.parseDouble(m.group(1));
  }

  private static void check(String who, byte[] got, byte[] expected) {
    if (!Arrays.equals(got, expected)) {
      throw new IllegalStateException(who + " read different bytes than the loaded pattern");
    }
  }

  private static double median(List<Double> secs) {
    double[] s = secs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s[s.length / 2];
  }

  private static void report(String what, List<Double> secs, int size) {
    double med = median(secs);
    System.out.printf(
        Locale.ROOT,
        "%-40s median %7.3f s  %8.1f MiB/s   (runs: %s)%n",
        what,
        med,
        size / MIB / med,
        secs.stream().map(x -> String.format(Locale.ROOT, "%.3f", x)).toList());
  }
}
