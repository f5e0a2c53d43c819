package dev.uniscope.cli.report;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.core.launch.KernelImage;
import dev.uniscope.core.report.CaptureData;
import dev.uniscope.core.report.HtmlReport;
import dev.uniscope.core.report.Report;
import dev.uniscope.core.report.ReportBuilder;
import dev.uniscope.core.report.ReportJson;
import dev.uniscope.core.session.RunRecord;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code uniscope report CAPTURE}: the JSON report (docs/report-schema.md), the HTML report
 * directory, a text summary, and CI gates.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Report on a capture: leaks, profile, timeline stats, KASLR layout, panic.")
public final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CAPTURE", description = "Capture file (from run).")
  Path capture;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Write the JSON report (- = stdout).")
  String json;

  @Option(names = "--html", paramLabel = "DIR", description = "Write the HTML report directory.")
  Path html;

  @Option(
      names = "--fail-on",
      paramLabel = "GATES",
      description = "Exit non-zero when any of these hold: panic (3), leaks (5), lost-events (6).")
  String failOn;

  @Option(
      names = "--kernel",
      paramLabel = "ELF",
      description =
          "Kernel ELF for symbols (default: the one the run booted, else the shipped one).")
  Path kernel;

  @Override
  public Integer call() throws Exception {
    List<Gate> gates = failOn == null ? List.of() : Gate.parseList(failOn);
    if (!Files.isRegularFile(capture)) {
      throw new IllegalArgumentException("no such capture file: " + capture);
    }
    Optional<RunRecord> run = RunRecord.read(RunRecord.fileFor(capture));
    ProgressBar bar = ProgressBar.onStderr();
    Report report;
    try (CaptureData data = CaptureData.open(capture, symbolsFile(run))) {
      report = ReportBuilder.build(data, run, (phase, f) -> bar.update(f, phase));
    } finally {
      bar.clear();
    }
    PrintStream out = System.out;
    if (json != null) {
      if (json.equals("-")) {
        ReportJson.write(report, out);
        out.println();
      } else {
        try (OutputStream o = Files.newOutputStream(Path.of(json))) {
          ReportJson.write(report, o);
        }
      }
    }
    if (html != null) {
      HtmlReport.write(report, html);
    }
    PrintStream summaryOut = "-".equals(json) ? System.err : out;
    Summary.print(report, summaryOut);
    int code = ExitCodes.OK;
    for (Gate g : gates) {
      Optional<String> failure = g.check(report);
      if (failure.isPresent()) {
        System.err.println("uniscope report: gate " + g.optionName() + " failed: " + failure.get());
        if (code == ExitCodes.OK) {
          code = g.exitCode();
        }
      }
    }
    return code;
  }

  private Path symbolsFile(Optional<RunRecord> run) {
    if (kernel != null) {
      if (!Files.isRegularFile(kernel)) {
        throw new IllegalArgumentException("no such kernel ELF: " + kernel);
      }
      return kernel;
    }
    Optional<Path> booted =
        run.map(RunRecord::kernel)
            .filter(k -> !k.isEmpty())
            .map(Path::of)
            .filter(Files::isRegularFile);
    if (booted.isPresent()) {
      return booted.get();
    }
    try {
      return KernelImage.locate(null);
    } catch (IllegalArgumentException e) {
      return null; // no symbols: addresses print as hex, the report says why
    }
  }
}
