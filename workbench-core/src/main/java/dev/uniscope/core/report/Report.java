package dev.uniscope.core.report;

import dev.uniscope.core.analysis.latency.LatencyReport;
import dev.uniscope.core.session.RunRecord;
import dev.uniscope.core.symbols.LayoutBlock;
import dev.uniscope.trace.session.Hello;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@code uniscope report} says about one capture; rendered as JSON ({@link ReportJson},
 * schema in docs/report-schema.md) and HTML ({@link HtmlReport}).
 *
 * @param footerRebuilt the capture had no valid footer (its writer was killed) and was re-indexed
 * @param run how the run ended, when the run record beside the capture exists
 */
public record Report(
    Path capture,
    long captureBytes,
    boolean footerRebuilt,
    long problemCount,
    List<String> problems,
    Optional<Hello> hello,
    Optional<LayoutBlock> layout,
    String layoutProblem,
    Symbols symbols,
    Optional<RunRecord> run,
    EventCounts events,
    ProfileAnalysis.Summary profile,
    LeakAnalysis.Summary leaks,
    ActivityAnalysis.Summary activity,
    LatencyReport latency) {

  /** Version of the JSON schema this report is written with. */
  public static final int SCHEMA_VERSION = 1;

  public Report {
    problems = List.copyOf(problems);
  }

  /** Whether the run ended in a guest panic (run record), or QEMU died without an exit code. */
  public boolean panicked() {
    return run.map(r -> r.outcome().equals("panicked") || r.outcome().equals("qemu-died"))
        .orElse(false);
  }
}
