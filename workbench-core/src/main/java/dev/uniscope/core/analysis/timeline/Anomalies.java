package dev.uniscope.core.analysis.timeline;

/**
 * What did not match up in the input: normal at the edges of a flight-recorder capture, a sign of
 * lost events in the middle. Counted, never thrown.
 */
public record Anomalies(
    long unmatchedIrqExits,
    long unmatchedGraphExits,
    long unmatchedMarkerEnds,
    long switchPrevMismatches,
    long stackOverflows,
    long badCpu,
    long timeWentBackwards) {}
