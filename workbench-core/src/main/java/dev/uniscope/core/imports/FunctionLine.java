package dev.uniscope.core.imports;

/**
 * Splits one function-layout line, {@code comm-pid [(tgid)] [cpu] [flags] secs.frac: body}, by
 * hand: a regex needs backtracking to find the last {@code -pid} before {@code [cpu]} and was the
 * importer's main cost. Reusable: {@link #parse} overwrites the fields.
 */
final class FunctionLine {
  String comm;
  int pid;
  int cpu;
  long ts;
  String body;

  /** False when the line does not have the layout (the fields are then undefined). */
  boolean parse(String line) {
    int from = 0;
    while (true) {
      int open = line.indexOf(" [", from);
      if (open < 0) {
        return false;
      }
      from = open + 1;
      if (task(line, open) && rest(line, open + 2)) {
        return true;
      }
    }
  }

  /** Reads {@code comm-pid [(tgid)]} ending at {@code end}, the space before the {@code [}. */
  private boolean task(String s, int end) {
    int i = end;
    while (i > 0 && s.charAt(i - 1) == ' ') {
      i--;
    }
    if (i > 0 && s.charAt(i - 1) == ')') {
      int paren = s.lastIndexOf('(', i - 1);
      if (paren < 0) {
        return false;
      }
      i = paren;
      if (i == 0 || !Character.isWhitespace(s.charAt(i - 1))) {
        return false;
      }
      while (i > 0 && Character.isWhitespace(s.charAt(i - 1))) {
        i--;
      }
    }
    int digitsEnd = i;
    while (i > 0 && isDigit(s.charAt(i - 1)) && digitsEnd - i < 10) {
      i--;
    }
    if (i == digitsEnd || i == 0 || s.charAt(i - 1) != '-') {
      return false;
    }
    long p = Long.parseLong(s, i, digitsEnd, 10);
    if (p > Integer.MAX_VALUE) {
      return false;
    }
    pid = (int) p;
    comm = s.substring(0, i - 1).strip();
    return true;
  }

  /** Reads {@code cpu] [flags] secs.frac: body} from {@code i}. */
  private boolean rest(String s, int i) {
    int n = s.length();
    int start = i;
    while (i < n && isDigit(s.charAt(i)) && i - start < 5) {
      i++;
    }
    if (i == start || i >= n || s.charAt(i) != ']') {
      return false;
    }
    cpu = Integer.parseInt(s, start, i, 10);
    i++;
    int spaces = i;
    while (i < n && s.charAt(i) == ' ') {
      i++;
    }
    if (i == spaces) {
      return false;
    }
    int token = i;
    while (i < n && s.charAt(i) != ' ' && s.charAt(i) != ':') {
      i++;
    }
    if (i < n && s.charAt(i) == ' ') {
      // A flags column (4 to 6 characters) before the timestamp.
      if (i - token < 4 || i - token > 6) {
        return false;
      }
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      token = i;
    }
    int secsStart = token;
    i = token;
    while (i < n && isDigit(s.charAt(i)) && i - secsStart < 11) {
      i++;
    }
    if (i == secsStart || i >= n || s.charAt(i) != '.') {
      return false;
    }
    long secs = Long.parseLong(s, secsStart, i, 10);
    int fracStart = ++i;
    while (i < n && isDigit(s.charAt(i)) && i - fracStart < 9) {
      i++;
    }
    if (i == fracStart
        || i + 1 >= n
        || s.charAt(i) != ':'
        || !Character.isWhitespace(s.charAt(i + 1))) {
      return false;
    }
    if (secs > 9_000_000_000L) {
      return false;
    }
    long frac = Long.parseLong(s, fracStart, i, 10);
    for (int k = i - fracStart; k < 9; k++) {
      frac *= 10;
    }
    ts = secs * 1_000_000_000L + frac;
    body = s.substring(i + 2);
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
