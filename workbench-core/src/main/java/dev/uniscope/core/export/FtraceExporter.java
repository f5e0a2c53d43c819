package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.EventSource;
import dev.uniscope.core.analysis.timeline.FunctionNames;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Writes events as Linux ftrace text ({@code trace} file). The source is replayed twice: once to
 * count (the function header states the number of entries; function_graph needs to know which calls
 * are leaves), once to print. Events must come in global time order, as {@link
 * dev.uniscope.core.analysis.timeline.EventLog} and the capture's store replay them.
 *
 * <p>Profiler samples have no ftrace text form and are not written (use folded, speedscope or
 * pprof).
 */
public final class FtraceExporter {
  private FtraceExporter() {}

  /**
   * @param nanoseconds print 9 decimals instead of ftrace's 6 (as {@code trace-cmd report -t})
   */
  public static void write(
      EventSource events,
      FunctionNames functions,
      FtraceFormat format,
      boolean nanoseconds,
      OutputStream out) {
    int digits = nanoseconds ? 9 : 6;
    try {
      Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
      if (format == FtraceFormat.FUNCTION) {
        FunctionTextWriter count = new FunctionTextWriter(null, functions, digits);
        events.replay(count);
        FunctionTextWriter print = new FunctionTextWriter(w, functions, digits);
        print.header(count.lines, count.maxCpu + 1);
        events.replay(print);
      } else {
        GraphTextWriter.LeafScan leaves = new GraphTextWriter.LeafScan();
        events.replay(leaves);
        GraphTextWriter print = new GraphTextWriter(w, functions, digits, leaves);
        print.header();
        events.replay(print);
      }
      w.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
