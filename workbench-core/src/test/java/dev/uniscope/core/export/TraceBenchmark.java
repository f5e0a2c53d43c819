package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.EventLog;
import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.Timeline;
import dev.uniscope.core.imports.ChromeJsonImporter;
import dev.uniscope.core.imports.FtraceTextImporter;
import dev.uniscope.core.imports.ImportOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Milliseconds per pass over one random capture (about 200 000 events on 4 CPUs): building the
 * timeline, writing and reading ftrace text and Chrome JSON. Divide the sizes printed at setup by
 * the times for MB/s.
 *
 * <p>Run as {@code SymbolizerBenchmark} says (annotation processing on), class {@code
 * dev.uniscope.core.export.TraceBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TraceBenchmark {
  private EventLog log;
  private Timeline timeline;
  private byte[] ftrace;
  private byte[] chrome;

  @Setup
  public void setUp() {
    log = RandomTraces.generate(42, 60_000, 4);
    timeline = new Timeline();
    log.replay(timeline);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FtraceExporter.write(log, RandomTraces.FUNCTIONS, FtraceFormat.FUNCTION, false, out);
    ftrace = out.toByteArray();
    out = new ByteArrayOutputStream();
    ChromeTraceExporter.write(timeline, RandomTraces.FUNCTIONS, out);
    chrome = out.toByteArray();
    System.out.printf(
        "%n%d events, ftrace text %d bytes, Chrome JSON %d bytes%n",
        log.size(), ftrace.length, chrome.length);
  }

  @Benchmark
  public Timeline buildTimeline() {
    Timeline t = new Timeline();
    log.replay(t);
    t.threadStates();
    t.markerSlices();
    return t;
  }

  @Benchmark
  public void writeFtrace() {
    FtraceExporter.write(
        log, RandomTraces.FUNCTIONS, FtraceFormat.FUNCTION, false, OutputStream.nullOutputStream());
  }

  @Benchmark
  public Object readFtrace() {
    return FtraceTextImporter.read(
        new ByteArrayInputStream(ftrace),
        new EventSink() {},
        new FunctionTable(),
        ImportOptions.strict());
  }

  @Benchmark
  public void writeChrome() {
    ChromeTraceExporter.write(timeline, RandomTraces.FUNCTIONS, OutputStream.nullOutputStream());
  }

  @Benchmark
  public Object readChrome() {
    return ChromeJsonImporter.read(
        new ByteArrayInputStream(chrome),
        new EventSink() {},
        new FunctionTable(),
        ImportOptions.strict());
  }

  public static void main(String[] args) throws Exception {
    new org.openjdk.jmh.runner.Runner(
            new org.openjdk.jmh.runner.options.OptionsBuilder()
                .include(TraceBenchmark.class.getSimpleName())
                .build())
        .run();
  }
}
