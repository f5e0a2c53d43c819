package dev.uniscope.core.report;

import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.trace.meta.CoreEvents;
import dev.uniscope.trace.page.RecordView;
import dev.uniscope.trace.store.EventStore;
import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The leak report of a capture, from the kernel's reachability scans (kmemleak-style, LEAK_SCAN):
 * the newest <em>complete</em> scan wins (its {@code leak_scan_done} arrived and every leak it
 * counts is in the capture), since the session scans periodically and the last scan sees the final
 * state. Leaks are grouped by allocation stack and named by their site: the first frame outside the
 * allocator. Without any complete scan there is no leak report, and the host's alloc/free balance
 * ({@code outstanding}) is given for information only: it cannot tell a leak from a live object.
 */
public final class LeakAnalysis {
  /** Frames of these functions belong to the allocator, not to the leak's site. */
  private static final List<String> ALLOCATOR_PREFIXES =
      List.of(
          "kmalloc",
          "kzalloc",
          "krealloc",
          "kfree",
          "heap_",
          "heapdebug",
          "hd_",
          "stackdepot",
          "depot_",
          "trace_",
          "__kmalloc",
          "slab_",
          "page_alloc");

  /** Allocation stacks listed per group. */
  public static final int MAX_GROUPS = 1000;

  private LeakAnalysis() {}

  /** Objects of one size within a group. */
  public record SizeCount(long size, long count) {}

  /**
   * Leaks with the same allocation stack.
   *
   * @param site the first non-allocator function, or the leaf when all are allocator frames
   * @param stack symbolized frames, leaf first
   */
  public record LeakGroup(
      String site,
      int stackId,
      long count,
      long bytes,
      List<SizeCount> sizes,
      List<String> stack) {}

  /**
   * @param source {@code leak_scan}, or {@code none} when the capture has no complete scan
   * @param scans complete scans seen
   * @param outstandingObjects allocations not freed by the end of the capture (alloc/free balance,
   *     not a leak verdict)
   */
  public record Summary(
      String source,
      long scanId,
      long leaks,
      long leakedBytes,
      int scans,
      List<LeakGroup> groups,
      long outstandingObjects,
      long outstandingBytes) {}

  private record Leak(long ptr, long size, int stack) {}

  public static Summary analyze(EventStore store, FunctionNames symbols) {
    Map<Integer, long[]> stackDefs = new HashMap<>();
    Map<Long, List<Leak>> leaksByScan = new HashMap<>();
    Map<Long, long[]> done = new TreeMap<>(); // scan id -> {leaks, bytes}
    Map<Long, Long> live = new HashMap<>(); // ptr -> size
    long[] skipped = new long[1];
    for (int cpu = 0; cpu < store.cpuCount(); cpu++) {
      long n = store.eventCount(cpu);
      for (long i = 0; i < n; i++) {
        int id = store.eventId(cpu, i);
        if (id != CoreEvents.STACK_DEF
            && id != CoreEvents.LEAK
            && id != CoreEvents.LEAK_SCAN_DONE
            && id != CoreEvents.ALLOC
            && id != CoreEvents.FREE) {
          continue;
        }
        try {
          RecordView v = store.view(cpu, i);
          switch (v.event().name()) {
            case "stack_def" -> stackDefs.put((int) v.number("stack_id"), v.stack("stack"));
            case "leak" ->
                leaksByScan
                    .computeIfAbsent(v.number("scan_id"), k -> new ArrayList<>())
                    .add(
                        new Leak(v.number("ptr"), v.number("size"), (int) v.number("alloc_stack")));
            case "leak_scan_done" ->
                done.put(
                    v.number("scan_id"), new long[] {v.number("leaks"), v.number("leaked_bytes")});
            case "alloc" -> live.put(v.number("ptr"), v.number("size"));
            case "free" -> live.remove(v.number("ptr"));
            default -> {}
          }
        } catch (IllegalArgumentException
            | IndexOutOfBoundsException
            | BufferUnderflowException e) {
          skipped[0]++;
        }
      }
    }
    long outstandingBytes = live.values().stream().mapToLong(Long::longValue).sum();
    long bestScan = -1;
    int complete = 0;
    for (Map.Entry<Long, long[]> e : done.entrySet()) {
      List<Leak> got = leaksByScan.getOrDefault(e.getKey(), List.of());
      if (got.size() == e.getValue()[0]) {
        complete++;
        bestScan = e.getKey(); // TreeMap: ascending ids, so the newest complete scan wins
      }
    }
    if (bestScan < 0) {
      return new Summary("none", 0, 0, 0, 0, List.of(), live.size(), outstandingBytes);
    }
    Map<Integer, List<Leak>> byStack = new LinkedHashMap<>();
    for (Leak l : leaksByScan.getOrDefault(bestScan, List.of())) {
      byStack.computeIfAbsent(l.stack(), k -> new ArrayList<>()).add(l);
    }
    List<LeakGroup> groups = new ArrayList<>();
    long leakedBytes = 0;
    for (Map.Entry<Integer, List<Leak>> e : byStack.entrySet()) {
      long[] frames = stackDefs.getOrDefault(e.getKey(), new long[0]);
      List<String> labels = new ArrayList<>();
      String site = null;
      for (long f : frames) {
        labels.add(symbols instanceof Symbols sy ? sy.label(f) : symbols.nameOrHex(f));
        String name = symbols.nameOrHex(f);
        if (site == null && !isAllocator(name)) {
          site = name;
        }
      }
      if (site == null) {
        site = frames.length > 0 ? symbols.nameOrHex(frames[0]) : "stack#" + e.getKey();
      }
      Map<Long, Long> sizes = new TreeMap<>();
      long bytes = 0;
      for (Leak l : e.getValue()) {
        sizes.merge(l.size(), 1L, Long::sum);
        bytes += l.size();
      }
      leakedBytes += bytes;
      List<SizeCount> sc = new ArrayList<>();
      sizes.forEach((s, c) -> sc.add(new SizeCount(s, c)));
      groups.add(new LeakGroup(site, e.getKey(), e.getValue().size(), bytes, sc, labels));
    }
    groups.sort(Comparator.comparingLong(LeakGroup::bytes).reversed());
    return new Summary(
        "leak_scan",
        bestScan,
        leaksByScan.getOrDefault(bestScan, List.of()).size(),
        leakedBytes,
        complete,
        List.copyOf(groups.subList(0, Math.min(MAX_GROUPS, groups.size()))),
        live.size(),
        outstandingBytes);
  }

  static boolean isAllocator(String function) {
    for (String p : ALLOCATOR_PREFIXES) {
      if (function.startsWith(p)) {
        return true;
      }
    }
    return false;
  }
}
