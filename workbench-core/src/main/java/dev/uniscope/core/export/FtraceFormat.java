package dev.uniscope.core.export;

/** The two ftrace text layouts the exporter writes and the importer reads. */
public enum FtraceFormat {
  /** {@code # tracer: function}: one line per event, {@code comm-pid [cpu] flags ts: body}. */
  FUNCTION,
  /**
   * {@code # tracer: function_graph} with the {@code funcgraph-abstime}, {@code funcgraph-proc} and
   * {@code funcgraph-tail} options on: nested calls with durations, other events as comments.
   */
  FUNCTION_GRAPH
}
