package dev.uniscope.trace.page;

/**
 * A validated page header (docs/protocol.md section 5).
 *
 * @param seq per-CPU page sequence number
 * @param baseTs trace clock (ns) of the page start
 * @param commit bytes of records after the header
 * @param lost records the CPU dropped since the previous page was started
 */
public record PageHeader(int cpu, int flags, long seq, long baseTs, int commit, long lost) {}
