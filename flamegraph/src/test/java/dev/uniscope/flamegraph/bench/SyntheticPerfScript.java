package dev.uniscope.flamegraph.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes deterministic synthetic {@code perf script -g} text shaped like real output: a record line
 * per sample, 3-40 frames with offsets, kernel frames on top, a trailing {@code [unknown]}, a few
 * thousand distinct symbols and several commands (one with a space).
 */
public final class SyntheticPerfScript {
  private SyntheticPerfScript() {}

  /** Usage: {@code SyntheticPerfScript OUT SIZE_MIB [SEED]}. */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    long bytes = Long.parseLong(args[1]) << 20;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
      write(os, bytes, seed);
    }
  }

  /** Writes at least {@code bytes} bytes of samples; returns the number written. */
  public static long write(OutputStream os, long bytes, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    String[] kinds = {"alloc", "copy", "read", "write", "sched", "irq", "parse", "hash"};
    String[] funcs = new String[2000];
    for (int i = 0; i < funcs.length; i++) {
      funcs[i] = "func_" + i + "_" + kinds[r.nextInt(kinds.length)];
    }
    String[] kfuncs = new String[300];
    for (int i = 0; i < kfuncs.length; i++) {
      kfuncs[i] = "k_" + i + "_handler";
    }
    String[] mods = {
      "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/myapp", "/usr/lib/libfoo.so.1"
    };
    String[] comms = {"myapp", "worker thread", "kworker/0:1", "swapper"};
    StringBuilder sb = new StringBuilder(1 << 16);
    long written = 0;
    long ts = 1_000_000_000L;
    while (written < bytes) {
      sb.setLength(0);
      int pid = 1 + r.nextInt(40000);
      ts += 100 + r.nextInt(200);
      sb.append(comms[r.nextInt(comms.length)])
          .append(' ')
          .append(pid)
          .append('/')
          .append(pid + 1)
          .append(" [00")
          .append(r.nextInt(8))
          .append("] ")
          .append(ts / 1_000_000)
          .append('.')
          .append(String.format("%06d", ts % 1_000_000))
          .append(": ")
          .append(r.nextBoolean() ? 250000 : 1000000)
          .append(" cpu-clock:pppH: \n");
      int depth = 3 + r.nextInt(38);
      int base = r.nextInt(50);
      for (int i = 0; i < depth; i++) {
        String f;
        String m;
        String addr;
        if (i < 5 && r.nextBoolean()) {
          f = kfuncs[(base * 7 + i) % kfuncs.length];
          m = "[kernel.kallsyms]";
          addr = "ffffffff81" + String.format("%06x", r.nextInt(0x1000000));
        } else {
          f = funcs[(base * 31 + i * 17) % funcs.length];
          m = mods[(base + i) % mods.length];
          addr = Long.toHexString(r.nextLong(0xffffffffffL));
        }
        sb.append('\t');
        for (int pad = addr.length(); pad < 16; pad++) {
          sb.append(' ');
        }
        sb.append(addr)
            .append(' ')
            .append(f)
            .append("+0x")
            .append(Integer.toHexString(r.nextInt(0x1000)))
            .append(" (")
            .append(m)
            .append(")\n");
      }
      sb.append("\t               0 [unknown] ([unknown])\n\n");
      byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
      os.write(b);
      written += b.length;
    }
    return written;
  }
}
