package dev.uniscope.flamegraph.parse;

/**
 * Options of {@code stackcollapse-perf.pl}, with the same defaults.
 *
 * @param includePid root frame {@code comm-PID} ({@code --pid})
 * @param includeTid root frame {@code comm-PID/TID} ({@code --tid})
 * @param annotateKernel {@code _[k]} on kernel frames ({@code --kernel})
 * @param annotateJit {@code _[j]} on frames from {@code /tmp/perf-N.map} ({@code --jit})
 * @param includeAddrs {@code [module <addr>]} for unknown symbols ({@code --addrs})
 * @param eventFilter keep only this event; null = the first event seen ({@code --event-filter})
 * @param onMalformed what to do with unrecognized lines
 */
public record CollapseOptions(
    boolean includePid,
    boolean includeTid,
    boolean annotateKernel,
    boolean annotateJit,
    boolean includeAddrs,
    String eventFilter,
    OnMalformed onMalformed) {

  public static CollapseOptions defaults() {
    return new CollapseOptions(false, false, false, false, false, null, OnMalformed.SKIP);
  }

  public CollapseOptions withPid(boolean v) {
    return new CollapseOptions(
        v, includeTid, annotateKernel, annotateJit, includeAddrs, eventFilter, onMalformed);
  }

  public CollapseOptions withTid(boolean v) {
    return new CollapseOptions(
        includePid, v, annotateKernel, annotateJit, includeAddrs, eventFilter, onMalformed);
  }

  public CollapseOptions withKernel(boolean v) {
    return new CollapseOptions(
        includePid, includeTid, v, annotateJit, includeAddrs, eventFilter, onMalformed);
  }

  public CollapseOptions withJit(boolean v) {
    return new CollapseOptions(
        includePid, includeTid, annotateKernel, v, includeAddrs, eventFilter, onMalformed);
  }

  public CollapseOptions withAddrs(boolean v) {
    return new CollapseOptions(
        includePid, includeTid, annotateKernel, annotateJit, v, eventFilter, onMalformed);
  }

  public CollapseOptions withEventFilter(String v) {
    return new CollapseOptions(
        includePid, includeTid, annotateKernel, annotateJit, includeAddrs, v, onMalformed);
  }

  public CollapseOptions withOnMalformed(OnMalformed v) {
    return new CollapseOptions(
        includePid, includeTid, annotateKernel, annotateJit, includeAddrs, eventFilter, v);
  }
}
