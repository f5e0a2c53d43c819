package dev.uniscope.cli.flame;

import dev.uniscope.flamegraph.parse.CollapseOptions;
import dev.uniscope.flamegraph.parse.OnMalformed;
import picocli.CommandLine.Option;

/** stackcollapse-perf.pl's options, shared by {@code collapse} and {@code flamegraph}. */
final class PerfOptions {
  @Option(names = "--pid", description = "Include the PID with process names (comm-PID).")
  boolean pid;

  @Option(names = "--tid", description = "Include the PID and TID with process names.")
  boolean tid;

  @Option(names = "--kernel", description = "Annotate kernel functions with _[k].")
  boolean kernel;

  @Option(names = "--jit", description = "Annotate JIT functions (/tmp/perf-N.map) with _[j].")
  boolean jit;

  @Option(names = "--all", description = "All annotations (--kernel --jit).")
  boolean all;

  @Option(names = "--addrs", description = "Include raw addresses where symbols are unknown.")
  boolean addrs;

  @Option(
      names = "--event-filter",
      paramLabel = "EVENT",
      description = "Keep only this event (default: the first event seen).")
  String eventFilter;

  CollapseOptions toOptions(boolean strict) {
    return new CollapseOptions(
        pid,
        tid,
        kernel || all,
        jit || all,
        addrs,
        eventFilter,
        strict ? OnMalformed.REJECT : OnMalformed.SKIP);
  }
}
