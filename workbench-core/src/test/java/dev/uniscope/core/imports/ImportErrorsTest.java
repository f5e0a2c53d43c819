package dev.uniscope.core.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.core.analysis.timeline.EventLog;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.TraceEvent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImportErrorsTest {
  private static InputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private static final String GOOD = "  a-1 [000] ..... 1.000001: f <-g\n";

  @Test
  void ftraceNamesTheBadLine() {
    String text = "# tracer: function\n" + GOOD + "this is not a trace line\n" + GOOD;
    assertThatThrownBy(
            () ->
                FtraceTextImporter.read(
                    in(text), new EventLog(), new FunctionTable(), ImportOptions.strict()))
        .isInstanceOf(TraceImportException.class)
        .hasMessageStartingWith("line 3: not an ftrace line");
  }

  @Test
  void ftraceSkipsBadLinesWhenAskedAndCountsThem() {
    String text =
        GOOD
            + "garbage\n"
            + "  a-1 [000] ..... 1.000002: sched_switch: prev_comm=a\n"
            + "  a-1 [000] ..... 1.000003: some_unknown_event: x=1\n"
            + GOOD;
    EventLog log = new EventLog();
    ImportResult r =
        FtraceTextImporter.read(in(text), log, new FunctionTable(), ImportOptions.lenient());
    assertThat(r.skipped()).isEqualTo(2);
    assertThat(r.ignored()).isEqualTo(1);
    assertThat(r.problems())
        .extracting(ImportProblem::toString)
        .containsExactly(
            "line 2: not an ftrace line (expected 'comm-pid [cpu] flags secs.usecs: ...')",
            "line 3: sched_switch fields do not parse");
    assertThat(log.events()).filteredOn(e -> e instanceof TraceEvent.FuncEntry).hasSize(2);
  }

  @Test
  void ftraceCapsLineLengthAndEventCount() {
    String longLine = "x".repeat(100_000) + "\n";
    ImportResult r =
        FtraceTextImporter.read(
            in(GOOD + longLine + GOOD),
            new EventLog(),
            new FunctionTable(),
            ImportOptions.lenient());
    assertThat(r.problems())
        .extracting(ImportProblem::toString)
        .containsExactly("line 2: line longer than 8192 bytes");
    assertThatThrownBy(
            () ->
                FtraceTextImporter.read(
                    in(GOOD.repeat(5)),
                    new EventLog(),
                    new FunctionTable(),
                    ImportOptions.lenient().withMaxEvents(3)))
        .hasMessage("line 4: more than 3 events");
  }

  @Test
  void ftraceTaskColumnBecomesNamesAndCurrentTask() {
    String text =
        "   my thread-42 [001] ..... 10.000001: f <-g\n   my thread-42 [001] ..... 10.000002: f <-g\n";
    EventLog log = new EventLog();
    FtraceTextImporter.read(in(text), log, new FunctionTable(), ImportOptions.strict());
    assertThat(log.events())
        .containsSubsequence(
            new TraceEvent.ThreadName(10_000_001_000L, 1, 42, "my thread"),
            new TraceEvent.CurrentTask(10_000_001_000L, 1, 42));
    assertThat(log.events()).filteredOn(e -> e instanceof TraceEvent.CurrentTask).hasSize(1);
  }

  @Test
  void traceCmdReportLines() {
    String text =
        "cpus=2\n"
            + "          <idle>-0     [001]  5017.402001000: function:             do_idle <-- cpu_startup_entry\n"
            + "          <idle>-0     [001]  5017.402002000: print:                tracing_mark_write: B|5|x\n";
    EventLog log = new EventLog();
    FtraceTextImporter.read(in(text), log, new FunctionTable(), ImportOptions.strict());
    assertThat(log.events())
        .filteredOn(e -> !(e instanceof TraceEvent.CurrentTask))
        .extracting(e -> e.getClass().getSimpleName() + "@" + e.ts())
        .containsExactly("FuncEntry@5017402001000", "MarkerBegin@5017402002000");
  }

  @Test
  void chromeNamesPathAndOffset() {
    String json =
        "{\"traceEvents\":[{\"ph\":\"i\",\"ts\":1,\"name\":\"a\"},{\"ph\":\"X\",\"ts\":\"soon\"}]}";
    assertThatThrownBy(
            () ->
                ChromeJsonImporter.read(
                    in(json), new EventLog(), new FunctionTable(), ImportOptions.strict()))
        .isInstanceOf(TraceImportException.class)
        .hasMessageStartingWith("traceEvents[1].ts at byte ")
        .hasMessageContaining("must be a finite number of microseconds");
  }

  @Test
  void chromeMalformedJsonGivesOffsetAndLenientKeepsWhatParsed() {
    String json = "[{\"ph\":\"i\",\"ts\":1.5,\"name\":\"a\"},\n{\"ph\":\"i\",\"ts\":2,\"name\"";
    assertThatThrownBy(
            () ->
                ChromeJsonImporter.read(
                    in(json), new EventLog(), new FunctionTable(), ImportOptions.strict()))
        .isInstanceOf(TraceImportException.class)
        .hasMessageContaining("(line 2, column ")
        .hasMessageContaining("malformed JSON");
    EventLog log = new EventLog();
    ImportResult r =
        ChromeJsonImporter.read(in(json), log, new FunctionTable(), ImportOptions.lenient());
    assertThat(log.events()).containsExactly(new TraceEvent.MarkerInstant(1500, 0, 0, "a"));
    assertThat(r.skipped()).isEqualTo(1);
  }

  @Test
  void chromeArrayAndObjectFormsAndGenericMapping() {
    String events =
        "[{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":7,\"tid\":3,\"args\":{\"name\":\"render\"}},"
            + "{\"ph\":\"X\",\"name\":\"outer\",\"ts\":10,\"dur\":5,\"pid\":7,\"tid\":3},"
            + "{\"ph\":\"X\",\"name\":\"inner\",\"ts\":12,\"dur\":3,\"pid\":7,\"tid\":3},"
            + "{\"ph\":\"B\",\"name\":\"b\",\"ts\":20,\"pid\":7,\"tid\":3},"
            + "{\"ph\":\"E\",\"ts\":21,\"pid\":7,\"tid\":3},"
            + "{\"ph\":\"C\",\"name\":\"mem\",\"ts\":22,\"pid\":7,\"args\":{\"used\":10.6,\"free\":3}},"
            + "{\"ph\":\"b\",\"name\":\"async\",\"ts\":23,\"pid\":7,\"id\":1}]";
    for (String json :
        new String[] {events, "{\"traceEvents\":" + events + ",\"displayTimeUnit\":\"ns\"}"}) {
      EventLog log = new EventLog();
      ImportResult r =
          ChromeJsonImporter.read(in(json), log, new FunctionTable(), ImportOptions.strict());
      assertThat(r.ignored()).isEqualTo(1);
      assertThat(log.events())
          .containsExactly(
              new TraceEvent.ThreadName(0, 0, 3, "render"),
              new TraceEvent.MarkerBegin(10_000, 0, 3, "outer"),
              new TraceEvent.MarkerBegin(12_000, 0, 3, "inner"),
              new TraceEvent.MarkerEnd(15_000, 0, 3, "inner"),
              new TraceEvent.MarkerEnd(15_000, 0, 3, "outer"),
              new TraceEvent.MarkerBegin(20_000, 0, 3, "b"),
              new TraceEvent.MarkerEnd(21_000, 0, 3, ""),
              new TraceEvent.MarkerCounter(22_000, 0, 0, "mem.used", 11),
              new TraceEvent.MarkerCounter(22_000, 0, 0, "mem.free", 3));
    }
  }

  @Test
  void chromeTimestampsConvertExactly() {
    assertThat(ChromeJsonImporter.plainMicros("1203004521.345")).isEqualTo(1_203_004_521_345L);
    assertThat(ChromeJsonImporter.plainMicros("-2.5")).isEqualTo(-2500);
    assertThat(ChromeJsonImporter.plainMicros("7")).isEqualTo(7000);
    assertThat(ChromeJsonImporter.plainMicros("1.2345")).isEqualTo(Long.MIN_VALUE); // slow path
    assertThat(ChromeJsonImporter.plainMicros("1e3")).isEqualTo(Long.MIN_VALUE);
    String json =
        "[{\"ph\":\"i\",\"ts\":1.0005,\"name\":\"a\"},{\"ph\":\"i\",\"ts\":1.0015,\"name\":\"b\"},"
            + "{\"ph\":\"i\",\"ts\":2E1,\"name\":\"c\"},{\"ph\":\"i\",\"ts\":1e300,\"name\":\"d\"}]";
    EventLog log = new EventLog();
    ImportResult r =
        ChromeJsonImporter.read(in(json), log, new FunctionTable(), ImportOptions.lenient());
    // Half-even rounding of the fourth decimal; 1e300 is out of range and skipped.
    assertThat(log.events()).extracting(TraceEvent::ts).containsExactly(1000L, 1002L, 20_000L);
    assertThat(r.skipped()).isEqualTo(1);
  }

  @Test
  void chromeCapsEventsAndRejectsDeepNesting() {
    String many = "[" + "{\"ph\":\"i\",\"ts\":1},".repeat(10) + "{\"ph\":\"i\",\"ts\":1}]";
    assertThatThrownBy(
            () ->
                ChromeJsonImporter.read(
                    in(many),
                    new EventLog(),
                    new FunctionTable(),
                    ImportOptions.lenient().withMaxEvents(5)))
        .hasMessage("[5]: more than 5 events");
    String deep = "[{\"ph\":\"i\",\"ts\":1,\"args\":" + "[".repeat(5000) + "]".repeat(5000) + "}]";
    assertThatThrownBy(
            () ->
                ChromeJsonImporter.read(
                    in(deep), new EventLog(), new FunctionTable(), ImportOptions.strict()))
        .isInstanceOf(TraceImportException.class)
        .hasMessageContaining("malformed JSON");
  }
}
