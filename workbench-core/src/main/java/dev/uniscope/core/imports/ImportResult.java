package dev.uniscope.core.imports;

import java.util.List;

/**
 * What an import did.
 *
 * @param records lines (ftrace) or trace events (Chrome) read
 * @param events events delivered to the sink
 * @param ignored well-formed records with no Uniscope meaning (unknown tracepoints, async events)
 * @param skipped bad records skipped (only with {@link ImportOptions#skipBad()})
 * @param problems the first problems, at most {@link ImportOptions#maxProblems()}
 */
public record ImportResult(
    long records, long events, long ignored, long skipped, List<ImportProblem> problems) {}
