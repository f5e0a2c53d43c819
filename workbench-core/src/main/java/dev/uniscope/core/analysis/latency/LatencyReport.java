package dev.uniscope.core.analysis.latency;

import java.util.List;

/**
 * Latency statistics of a timeline. Rows are sorted by total time, largest first.
 *
 * @param functions function-graph call durations per function
 * @param irqs irq_entry to irq_exit per vector
 * @param scheduling sched_wakeup to sched_switch-in, all threads
 * @param markers marker begin to end per name
 */
public record LatencyReport(
    List<LatencyRow> functions,
    List<LatencyRow> irqs,
    LatencyStats scheduling,
    List<LatencyRow> markers) {}
