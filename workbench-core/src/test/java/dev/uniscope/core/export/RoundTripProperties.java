package dev.uniscope.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.analysis.timeline.EventLog;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.Timeline;
import dev.uniscope.core.analysis.timeline.TraceEvent;
import dev.uniscope.core.imports.ChromeJsonImporter;
import dev.uniscope.core.imports.FtraceTextImporter;
import dev.uniscope.core.imports.ImportOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Random captures through each exporter and back: counts and durations are conserved. */
class RoundTripProperties {
  private static Timeline timeline(EventLog log) {
    Timeline t = new Timeline();
    log.replay(t);
    return t;
  }

  /** Events by kind, time and CPU; per-CPU order kept, CPUs interleaved by (time, cpu). */
  private static List<String> shape(EventLog log) {
    return log.events().stream()
        .filter(
            e -> !(e instanceof TraceEvent.ThreadName) && !(e instanceof TraceEvent.CurrentTask))
        .sorted(
            java.util.Comparator.comparingLong(TraceEvent::ts).thenComparingInt(TraceEvent::cpu))
        .map(e -> e.getClass().getSimpleName() + "@" + e.ts() + "/" + e.cpu())
        .toList();
  }

  private static String ftrace(EventLog log, FunctionTable fn, FtraceFormat f, boolean ns) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FtraceExporter.write(log, fn, f, ns, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static EventLog readFtrace(String text, FunctionTable fn) {
    EventLog log = new EventLog();
    FtraceTextImporter.read(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        log,
        fn,
        ImportOptions.strict());
    return log;
  }

  @Property(tries = 60)
  void ftraceConservesEventsAndTimeline(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 300) int steps,
      @ForAll @IntRange(min = 1, max = 4) int cpus,
      @ForAll FtraceFormat format,
      @ForAll boolean nanoseconds) {
    EventLog original = RandomTraces.generate(seed, steps, cpus);
    String text = ftrace(original, RandomTraces.FUNCTIONS, format, nanoseconds);
    FunctionTable fn = new FunctionTable();
    EventLog back = readFtrace(text, fn);
    assertThat(shape(back)).isEqualTo(shape(original));
    assertThat(RandomTraces.summary(timeline(back), fn))
        .isEqualTo(RandomTraces.summary(timeline(original), RandomTraces.FUNCTIONS));
    // And the text itself is a fixed point.
    assertThat(ftrace(back, fn, format, nanoseconds)).isEqualTo(text);
  }

  @Property(tries = 60)
  void chromeJsonIsValidAndConservesTheTimeline(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 300) int steps,
      @ForAll @IntRange(min = 1, max = 4) int cpus) {
    Timeline original = timeline(RandomTraces.generate(seed, steps, cpus));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChromeTraceExporter.write(original, RandomTraces.FUNCTIONS, out);
    assertThat(ChromeTraceValidator.validate(out.toByteArray())).isEmpty();
    Timeline back = new Timeline();
    FunctionTable fn = new FunctionTable();
    ChromeJsonImporter.read(
        new ByteArrayInputStream(out.toByteArray()), back, fn, ImportOptions.strict());
    List<String> expected = RandomTraces.summary(original, RandomTraces.FUNCTIONS);
    List<String> actual = RandomTraces.summary(back, fn);
    // The heap counter is derived from alloc/free, which Chrome JSON does not carry.
    assertThat(actual)
        .isEqualTo(expected.stream().filter(s -> !s.startsWith("counter heap.")).toList());
  }
}
