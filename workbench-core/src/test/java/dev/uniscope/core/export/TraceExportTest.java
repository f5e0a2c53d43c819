package dev.uniscope.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.analysis.timeline.EventLog;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.TraceEvent;
import dev.uniscope.core.imports.ImportOptions;
import dev.uniscope.core.imports.ImportResult;
import dev.uniscope.core.imports.TraceImport;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TraceExportTest {
  static EventLog captureWithSamples() {
    EventLog log = SampleTraces.capture();
    long[] stack = {SampleTraces.MEMCPY, SampleTraces.DO_WORK, SampleTraces.RUN_THREAD};
    log.sample(1203_004_530_000L, 0, 17, false, stack, 3);
    log.sample(1203_004_531_000L, 0, 17, false, stack, 2);
    return log;
  }

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void everyFormatWritesSomething(ExportFormat format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TraceExport.write(
        captureWithSamples(), SampleTraces.FUNCTIONS, format, ExportOptions.defaults(), out);
    assertThat(out.size()).isPositive();
  }

  @Test
  void formatNamesFromTheCommandLine() {
    assertThat(ExportFormat.parse("ftrace-graph")).isEqualTo(ExportFormat.FTRACE_GRAPH);
    assertThat(ExportFormat.parse("chrome")).isEqualTo(ExportFormat.CHROME);
    assertThat(ExportFormat.PPROF.extension()).isEqualTo("pb.gz");
  }

  @ParameterizedTest
  @EnumSource(
      value = ExportFormat.class,
      names = {"CHROME", "FTRACE", "FTRACE_GRAPH"})
  void importDetectsWhatTheExporterWrote(ExportFormat format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TraceExport.write(
        captureWithSamples(), SampleTraces.FUNCTIONS, format, ExportOptions.defaults(), out);
    BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(out.toByteArray()));
    assertThat(TraceImport.detect(in))
        .isEqualTo(
            format == ExportFormat.CHROME ? TraceImport.Format.CHROME : TraceImport.Format.FTRACE);
    EventLog back = new EventLog();
    ImportResult r = TraceImport.read(in, back, new FunctionTable(), ImportOptions.strict());
    assertThat(r.skipped()).isZero();
    assertThat(back.events()).filteredOn(e -> e instanceof TraceEvent.GraphExit).hasSize(3);
  }

  @Test
  void detectionSkipsBlanksAndByteOrderMark() throws Exception {
    byte[] json = "\uFEFF \n [ ]".getBytes(StandardCharsets.UTF_8);
    assertThat(TraceImport.detect(new BufferedInputStream(new ByteArrayInputStream(json))))
        .isEqualTo(TraceImport.Format.CHROME);
    assertThat(TraceImport.detect(new BufferedInputStream(new ByteArrayInputStream(new byte[0]))))
        .isEqualTo(TraceImport.Format.FTRACE);
  }
}
