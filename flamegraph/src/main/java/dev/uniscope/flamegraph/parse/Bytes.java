package dev.uniscope.flamegraph.parse;

/** Character classes of Perl's {@code \s}, {@code \d} and {@code \w} on byte strings. */
final class Bytes {
  private static final boolean[] SPACE = new boolean[256];
  private static final boolean[] DIGIT = new boolean[256];
  private static final boolean[] WORD = new boolean[256];

  static {
    for (char c : new char[] {' ', '\t', '\n', '\r', '\f', 0x0B}) {
      SPACE[c] = true;
    }
    for (int c = '0'; c <= '9'; c++) {
      DIGIT[c] = true;
      WORD[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      WORD[c] = true;
      WORD[c - 'a' + 'A'] = true;
    }
    WORD['_'] = true;
  }

  private Bytes() {}

  static boolean space(byte b) {
    return SPACE[b & 0xFF];
  }

  static boolean digit(byte b) {
    return DIGIT[b & 0xFF];
  }

  static boolean word(byte b) {
    return WORD[b & 0xFF];
  }

  static boolean regionEquals(byte[] buf, int start, int end, String ascii) {
    if (end - start != ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (buf[start + i] != (byte) ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static boolean startsWith(byte[] buf, int start, int end, String ascii) {
    return end - start >= ascii.length() && regionEquals(buf, start, start + ascii.length(), ascii);
  }

  static int indexOf(byte[] buf, int start, int end, String ascii) {
    outer:
    for (int i = start; i + ascii.length() <= end; i++) {
      for (int k = 0; k < ascii.length(); k++) {
        if (buf[i + k] != (byte) ascii.charAt(k)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static int lastIndexOf(byte[] buf, int start, int end, String ascii) {
    outer:
    for (int i = end - ascii.length(); i >= start; i--) {
      for (int k = 0; k < ascii.length(); k++) {
        if (buf[i + k] != (byte) ascii.charAt(k)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Parses ASCII digits, saturating at {@link Long#MAX_VALUE}. */
  static long parseDigits(byte[] buf, int start, int end) {
    long v = 0;
    for (int i = start; i < end; i++) {
      int d = buf[i] - '0';
      if (v > (Long.MAX_VALUE - d) / 10) {
        return Long.MAX_VALUE;
      }
      v = v * 10 + d;
    }
    return v;
  }
}
