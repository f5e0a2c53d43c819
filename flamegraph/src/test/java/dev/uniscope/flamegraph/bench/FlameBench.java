package dev.uniscope.flamegraph.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.parse.CollapseOptions;
import dev.uniscope.flamegraph.parse.FoldedParser;
import dev.uniscope.flamegraph.parse.FoldedWriter;
import dev.uniscope.flamegraph.parse.OnMalformed;
import dev.uniscope.flamegraph.parse.PerfScriptCollapser;
import dev.uniscope.flamegraph.render.FlameGraphRenderer;
import dev.uniscope.flamegraph.render.RenderOptions;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Throughput of the two pipelines the issue measures, in MiB of input per second, in this JVM (run
 * it pinned to one core: see {@code bench/run-bench.sh}). Each stage reads its input file (from the
 * page cache) and writes to a null sink; the median of the measured rounds is printed after warm-up
 * rounds.
 *
 * <p>Usage: {@code FlameBench PERF_SCRIPT_FILE FOLDED_OUT [ROUNDS]} -- FOLDED_OUT is written once
 * from the collapse and then used as the folded input of the SVG stage.
 */
public final class FlameBench {
  private FlameBench() {}

  public static void main(String[] args) throws IOException {
    Path perf = Path.of(args[0]);
    Path folded = Path.of(args[1]);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(folded), 1 << 20)) {
      FoldedWriter.write(collapse(perf), out);
    }
    double perfMib = Files.size(perf) / 1048576.0;
    double foldedMib = Files.size(folded) / 1048576.0;
    double[] collapse =
        measure(
            "collapse",
            perfMib,
            rounds,
            () -> FoldedWriter.write(collapse(perf), OutputStream.nullOutputStream()));
    double[] svg =
        measure(
            "folded->svg",
            foldedMib,
            rounds,
            () -> {
              StackTree t;
              try (InputStream in =
                  new BufferedInputStream(Files.newInputStream(folded), 1 << 16)) {
                t = FoldedParser.parse(in, OnMalformed.SKIP, p -> {});
              }
              FlameGraphRenderer.render(
                  t,
                  RenderOptions.defaults(),
                  FlameGraphRenderer.Format.SVG,
                  OutputStream.nullOutputStream());
            });
    System.out.printf(
        "RESULT collapse_mib_s=%.1f svg_mib_s=%.1f collapse_cpu_mib_s=%.1f svg_cpu_mib_s=%.1f"
            + " perf_mib=%.1f folded_mib=%.1f%n",
        collapse[0], svg[0], collapse[1], svg[1], perfMib, foldedMib);
  }

  private static StackTree collapse(Path perf) throws IOException {
    try (InputStream in = Files.newInputStream(perf)) {
      return PerfScriptCollapser.collapse(in, CollapseOptions.defaults(), p -> {});
    }
  }

  interface Stage {
    void run() throws IOException;
  }

  /** Returns the median {wall, CPU-time} MiB/s. */
  private static double[] measure(String name, double mib, int rounds, Stage stage)
      throws IOException {
    for (int i = 0; i < 3; i++) {
      stage.run();
    }
    double[] rates = new double[rounds];
    double[] cpuRates = new double[rounds];
    // Process CPU time (all threads: GC and JIT included), pinned to one core by the script.
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int i = 0; i < rounds; i++) {
      long c0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      stage.run();
      rates[i] = mib / ((System.nanoTime() - t0) / 1e9);
      cpuRates[i] = mib / ((os.getProcessCpuTime() - c0) / 1e9);
      // Wall clock is the figure on a quiet machine; CPU time discounts what other load stole.
      System.out.printf(
          "%s round %d: %.1f MiB/s wall, %.1f MiB/s per CPU-second of the process%n",
          name, i + 1, rates[i], cpuRates[i]);
    }
    Arrays.sort(rates);
    Arrays.sort(cpuRates);
    return new double[] {rates[rounds / 2], cpuRates[rounds / 2]};
  }
}
