package dev.uniscope.core.export;

/**
 * Nanoseconds printed as decimal microseconds (Chrome JSON) or seconds (ftrace) without a double.
 */
final class Micros {
  private Micros() {}

  /** {@code 1500125} -> {@code "1500.125"}: exact, no floating point rounding. */
  static String micros(long ns) {
    return fixed(ns, 1000, 3);
  }

  /** Seconds with {@code digits} decimals (6 = ftrace's microseconds, 9 = nanoseconds). */
  static String seconds(long ns, int digits) {
    String s = fixed(ns, 1_000_000_000L, 9);
    return digits >= 9 ? s : s.substring(0, s.length() - (9 - digits));
  }

  private static String fixed(long ns, long unit, int digits) {
    StringBuilder b = new StringBuilder(24);
    long whole;
    long frac;
    if (ns < 0) {
      b.append('-');
      whole = -(ns / unit);
      frac = -(ns % unit);
    } else {
      whole = ns / unit;
      frac = ns % unit;
    }
    b.append(whole).append('.');
    String f = Long.toString(frac);
    b.repeat('0', digits - f.length()).append(f);
    return b.toString();
  }
}
