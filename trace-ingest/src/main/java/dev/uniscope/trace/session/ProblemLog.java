package dev.uniscope.trace.session;

import java.util.ArrayList;
import java.util.List;

/**
 * Problems found in the input, kept in order up to a bound (so hostile input cannot exhaust
 * memory); beyond it only the count grows.
 */
public final class ProblemLog {
  public static final int DEFAULT_LIMIT = 1000;
  private final int limit;
  private final List<String> kept = new ArrayList<>();
  private long total;

  public ProblemLog() {
    this(DEFAULT_LIMIT);
  }

  public ProblemLog(int limit) {
    this.limit = limit;
  }

  public synchronized void add(String problem) {
    total++;
    if (kept.size() < limit) {
      kept.add(problem);
    }
  }

  /** The first problems, at most the limit. */
  public synchronized List<String> first() {
    return List.copyOf(kept);
  }

  public synchronized long total() {
    return total;
  }

  @Override
  public synchronized String toString() {
    return total + " problem(s)" + (kept.isEmpty() ? "" : "; first: " + kept.getFirst());
  }
}
