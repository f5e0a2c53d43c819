package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.EventSource;
import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.core.analysis.timeline.Timeline;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One call per export, for the CLI and the capture pipeline: replays the events into whatever model
 * the format needs (a {@link Timeline}, {@link StackSamples}) and writes it.
 */
public final class TraceExport {
  private TraceExport() {}

  /**
   * @param events the capture's events; replayed in global time order (twice for ftrace text)
   */
  public static void write(
      EventSource events,
      FunctionNames names,
      ExportFormat format,
      ExportOptions options,
      OutputStream out)
      throws IOException {
    switch (format) {
      case CHROME -> ChromeTraceExporter.write(timeline(events), names, out);
      case FTRACE ->
          FtraceExporter.write(
              events, names, FtraceFormat.FUNCTION, options.nanosecondTimestamps(), out);
      case FTRACE_GRAPH ->
          FtraceExporter.write(
              events, names, FtraceFormat.FUNCTION_GRAPH, options.nanosecondTimestamps(), out);
      case FOLDED -> FoldedExporter.write(samples(events), names, options.includeIdle(), out);
      case SPEEDSCOPE ->
          SpeedscopeExporter.writeSampled(samples(events), names, options.includeIdle(), out);
      case SPEEDSCOPE_EVENTED -> SpeedscopeExporter.writeEvented(timeline(events), names, out);
      case PPROF ->
          PprofExporter.write(
              samples(events),
              names,
              options.samplePeriodNs(),
              options.clockOriginUnixNs(),
              options.includeIdle(),
              out);
    }
    out.flush();
  }

  private static Timeline timeline(EventSource events) {
    Timeline t = new Timeline();
    events.replay(t);
    return t;
  }

  private static StackSamples samples(EventSource events) {
    StackSamples s = new StackSamples();
    events.replay(s);
    return s;
  }
}
