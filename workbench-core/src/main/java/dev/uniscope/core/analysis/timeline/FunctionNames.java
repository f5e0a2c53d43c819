package dev.uniscope.core.analysis.timeline;

/**
 * Names for code addresses. The capture pipeline backs it with the symbolizer (slide applied); text
 * importers back it with a {@link FunctionTable} of synthetic addresses.
 */
@FunctionalInterface
public interface FunctionNames {
  /** The function name for {@code ip}, or null when unknown. */
  String nameOf(long ip);

  /** The name, or {@code 0x<hex>} when unknown. */
  default String nameOrHex(long ip) {
    String n = nameOf(ip);
    return n != null ? n : "0x" + Long.toHexString(ip);
  }

  /** No symbols: every address prints as hex. */
  static FunctionNames none() {
    return ip -> null;
  }
}
