package dev.uniscope.flamegraph.model;

/** Sample-count arithmetic that saturates instead of wrapping: huge inputs must not overflow. */
public final class Counts {
  private Counts() {}

  /** {@code a + b} for non-negative counts, clamped to {@link Long#MAX_VALUE}. */
  public static long add(long a, long b) {
    long r = a + b;
    // Overflow iff both operands have the same sign and the result's sign differs.
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }
}
