package dev.uniscope.core.export;

import java.util.Locale;

/** The formats of {@code uniscope export --format}. */
public enum ExportFormat {
  /** Chrome Trace Event JSON (Perfetto, chrome://tracing), from the timeline. */
  CHROME("json"),
  /** ftrace text, function tracer layout. */
  FTRACE("txt"),
  /** ftrace text, function_graph layout. */
  FTRACE_GRAPH("txt"),
  /** Folded stacks from profiler samples. */
  FOLDED("folded"),
  /** speedscope sampled profiles, one per thread, from profiler samples. */
  SPEEDSCOPE("speedscope.json"),
  /** speedscope evented profiles, one per CPU, from function-graph calls. */
  SPEEDSCOPE_EVENTED("speedscope.json"),
  /** pprof protobuf, gzip-compressed, from profiler samples. */
  PPROF("pb.gz");

  private final String extension;

  ExportFormat(String extension) {
    this.extension = extension;
  }

  /** The usual file name extension, without the dot. */
  public String extension() {
    return extension;
  }

  /** Parses a command-line name: {@code chrome}, {@code ftrace}, {@code ftrace-graph}, ... */
  public static ExportFormat parse(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
