package dev.uniscope.core.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.analysis.latency.LatencyAnalysis;
import dev.uniscope.core.analysis.timeline.EventLog;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.Timeline;
import dev.uniscope.core.export.ChromeTraceExporter;
import dev.uniscope.core.export.FtraceExporter;
import dev.uniscope.core.export.FtraceFormat;
import dev.uniscope.core.export.RandomTraces;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Valid exports, corrupted (truncation, bit flips, random lines or bytes inserted, lines dropped or
 * repeated), then imported: strict imports either succeed or fail with a located {@link
 * TraceImportException}; lenient imports never throw; whatever was imported can be analysed and
 * exported again.
 */
class CorruptInputProperties {
  private static final ImportOptions STRICT = ImportOptions.strict().withMaxEvents(200_000);
  private static final ImportOptions LENIENT = ImportOptions.lenient().withMaxEvents(200_000);

  static byte[] corrupt(byte[] in, long seed, int mutations) {
    Random r = new Random(seed);
    byte[] b = in.clone();
    for (int m = 0; m < mutations && b.length > 0; m++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(6)) {
        case 0 -> b = java.util.Arrays.copyOf(b, at); // truncation
        case 1 -> b[at] ^= (byte) (1 << r.nextInt(8)); // bit flip
        case 2 -> { // random bytes inserted
          byte[] junk = new byte[1 + r.nextInt(40)];
          r.nextBytes(junk);
          b = splice(b, at, at, junk);
        }
        case 3 -> { // a plausible but wrong line inserted
          String[] lines = {
            "\n  x-1 [999999] ..... 1.0: sched_switch: prev_comm=\n",
            "\n 3) 99999999999999999999 us | } /* f */\n",
            "\n  a-99999999999 [000] ..... 1.000000: irq_handler_entry: irq=1 name=x\n",
            "\n  a-1 [000] ..... 99999999999.999999: f <-g\n",
            "\n \"ph\":\"X\",\"ts\":1e308,\"dur\":-1},{\n",
            "\n{\"ph\":\"C\",\"ts\":NaN}\n"
          };
          b =
              splice(
                  b,
                  at,
                  at,
                  lines[r.nextInt(lines.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        case 4 -> { // a span of bytes dropped
          int end = Math.min(b.length, at + r.nextInt(200));
          b = splice(b, at, end, new byte[0]);
        }
        default -> { // a span repeated
          int end = Math.min(b.length, at + r.nextInt(200));
          b = splice(b, end, end, java.util.Arrays.copyOfRange(b, at, end));
        }
      }
    }
    return b;
  }

  private static byte[] splice(byte[] b, int from, int to, byte[] with) {
    byte[] out = new byte[b.length - (to - from) + with.length];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(with, 0, out, from, with.length);
    System.arraycopy(b, to, out, from + with.length, b.length - to);
    return out;
  }

  /** Everything downstream of an import must cope with what it let through. */
  private static void useEverything(EventLog log, FunctionTable fn) {
    Timeline t = new Timeline();
    log.replay(t);
    RandomTraces.summary(t, fn);
    t.threadStates();
    t.anomalies();
    LatencyAnalysis.analyze(t, fn);
    ChromeTraceExporter.write(t, fn, OutputStream.nullOutputStream());
    FtraceExporter.write(
        log, fn, FtraceFormat.FUNCTION_GRAPH, false, OutputStream.nullOutputStream());
  }

  @Property(tries = 150)
  void corruptFtraceTextFailsCleanlyOrIsSkipped(
      @ForAll long seed,
      @ForAll FtraceFormat format,
      @ForAll @IntRange(min = 1, max = 8) int mutations) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FtraceExporter.write(
        RandomTraces.generate(seed, 60, 2), RandomTraces.FUNCTIONS, format, false, out);
    byte[] bad = corrupt(out.toByteArray(), seed, mutations);

    try {
      FtraceTextImporter.read(
          new ByteArrayInputStream(bad), new EventLog(), new FunctionTable(), STRICT);
    } catch (TraceImportException e) {
      assertThat(e.problem().location()).matches("line \\d+");
      assertThat(e.getMessage()).isNotBlank();
    }
    EventLog log = new EventLog();
    FunctionTable fn = new FunctionTable();
    ImportResult r = FtraceTextImporter.read(new ByteArrayInputStream(bad), log, fn, LENIENT);
    assertThat(r.problems().size())
        .isLessThanOrEqualTo((int) Math.min(r.skipped(), LENIENT.maxProblems()));
    useEverything(log, fn);
  }

  @Property(tries = 150)
  void corruptChromeJsonFailsCleanlyOrKeepsWhatParsed(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int mutations) {
    Timeline t = new Timeline();
    RandomTraces.generate(seed, 60, 2).replay(t);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChromeTraceExporter.write(t, RandomTraces.FUNCTIONS, out);
    byte[] bad = corrupt(out.toByteArray(), seed, mutations);

    try {
      ChromeJsonImporter.read(
          new ByteArrayInputStream(bad), new EventLog(), new FunctionTable(), STRICT);
    } catch (TraceImportException e) {
      assertThat(e.problem().location()).isNotBlank();
    }
    EventLog log = new EventLog();
    FunctionTable fn = new FunctionTable();
    ChromeJsonImporter.read(new ByteArrayInputStream(bad), log, fn, LENIENT);
    useEverything(log, fn);
  }

  @Property(tries = 100)
  void randomBytesNeverEscapeAsOtherExceptions(
      @ForAll byte[] junk, @ForAll boolean json, @ForAll boolean lenient) {
    ImportOptions o = lenient ? LENIENT : STRICT;
    EventLog log = new EventLog();
    FunctionTable fn = new FunctionTable();
    try {
      if (json) {
        ChromeJsonImporter.read(new ByteArrayInputStream(junk), log, fn, o);
      } else {
        FtraceTextImporter.read(new ByteArrayInputStream(junk), log, fn, o);
      }
    } catch (TraceImportException e) {
      assertThat(lenient).as("lenient imports report, never throw: %s", e.getMessage()).isFalse();
    }
    useEverything(log, fn);
  }
}
