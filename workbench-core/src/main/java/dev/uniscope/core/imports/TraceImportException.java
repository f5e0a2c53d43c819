package dev.uniscope.core.imports;

/** The input is not a valid trace of the expected format; says where and what. */
public final class TraceImportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ImportProblem problem;

  public TraceImportException(ImportProblem problem) {
    super(problem.toString());
    this.problem = problem;
  }

  public ImportProblem problem() {
    return problem;
  }
}
