package dev.uniscope.core.report;

import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Profiler samples to a flame-graph tree and per-function shares. Shares are of the non-idle
 * samples: a function's {@code self} share counts samples where it is the leaf, its {@code total}
 * share samples where it appears anywhere on the stack (once per sample).
 */
public final class ProfileAnalysis implements EventSink {
  /** Functions and stacks listed in the summary. */
  public static final int TOP = 25;

  private final FunctionNames names;
  private final StackTreeBuilder tree = new StackTreeBuilder();
  private final Map<String, long[]> functions = new HashMap<>(); // name -> {self, total}
  private final Map<List<String>, long[]> stacks = new HashMap<>();
  private final Set<String> seen = new HashSet<>();
  private long samples;
  private long idle;

  public ProfileAnalysis(FunctionNames names) {
    this.names = names;
  }

  /** One function's share of the non-idle samples (percent, 0..100). */
  public record FunctionShare(
      String name, long self, double selfPct, long total, double totalPct) {}

  /** One whole stack, root first. */
  public record StackShare(List<String> frames, long samples, double pct) {}

  /**
   * @param tree the flame graph (non-idle samples)
   */
  public record Summary(
      long samples,
      long idleSamples,
      List<FunctionShare> functions,
      List<StackShare> stacks,
      StackTree tree) {}

  @Override
  public void sample(long ts, int cpu, int tid, boolean isIdle, long[] stack, int length) {
    if (isIdle) {
      idle++;
      return;
    }
    samples++;
    String[] rootFirst = new String[length];
    for (int i = 0; i < length; i++) {
      rootFirst[length - 1 - i] = names.nameOrHex(stack[i]);
    }
    List<String> frames = Arrays.asList(rootFirst);
    tree.add(frames, 1);
    stacks.computeIfAbsent(List.copyOf(frames), k -> new long[1])[0]++;
    seen.clear();
    for (int i = 0; i < length; i++) {
      String n = rootFirst[i];
      long[] c = functions.computeIfAbsent(n, k -> new long[2]);
      if (seen.add(n)) {
        c[1]++;
      }
      if (i == length - 1) {
        c[0]++;
      }
    }
  }

  public Summary summary() {
    double all = Math.max(1, samples);
    List<FunctionShare> f = new ArrayList<>();
    functions.forEach(
        (n, c) -> f.add(new FunctionShare(n, c[0], 100.0 * c[0] / all, c[1], 100.0 * c[1] / all)));
    f.sort(
        Comparator.comparingLong(FunctionShare::self)
            .thenComparingLong(FunctionShare::total)
            .reversed()
            .thenComparing(FunctionShare::name));
    List<StackShare> s = new ArrayList<>();
    stacks.forEach((k, v) -> s.add(new StackShare(k, v[0], 100.0 * v[0] / all)));
    s.sort(Comparator.comparingLong(StackShare::samples).reversed());
    return new Summary(
        samples,
        idle,
        List.copyOf(f.subList(0, Math.min(TOP, f.size()))),
        List.copyOf(s.subList(0, Math.min(TOP, s.size()))),
        tree.build());
  }
}
