package dev.uniscope.core.analysis.latency;

/** The latency distribution of one subject (a function, an IRQ vector, a marker name). */
public record LatencyRow(String name, LatencyStats stats) {}
