package dev.uniscope.core.session;

import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.TraceSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a finished session produced.
 *
 * @param hello the kernel's hello, empty when the data channel stayed silent
 * @param problems the first decode problems (bounded), for the summary
 * @param problemCount all decode problems
 */
public record SessionResult(
    SessionOutcome outcome,
    Path capture,
    Optional<Hello> hello,
    TraceSession.Snapshot stats,
    long elapsedNanos,
    List<String> problems,
    long problemCount) {
  public SessionResult {
    problems = List.copyOf(problems);
  }
}
