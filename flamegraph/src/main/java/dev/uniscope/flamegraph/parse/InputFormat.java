package dev.uniscope.flamegraph.parse;

/** The two text inputs the flame graph tools accept. */
public enum InputFormat {
  FOLDED,
  PERF_SCRIPT;

  /**
   * Guesses the format from the first bytes: {@code perf script} output has indented frame lines or
   * record lines ending with {@code :}; folded lines end with a count.
   */
  public static InputFormat detect(byte[] head, int length) {
    int s = 0;
    int seen = 0;
    while (s < length && seen < 64) {
      int e = s;
      while (e < length && head[e] != '\n') {
        e++;
      }
      if (e == length && e - s > 0 && length == head.length) {
        break; // a truncated last line says nothing reliable
      }
      int t = e;
      while (t > s && Bytes.space(head[t - 1])) {
        t--;
      }
      if (t > s && head[s] != '#') {
        if (Bytes.space(head[s]) || head[t - 1] == ':') {
          return PERF_SCRIPT;
        }
        seen++;
      }
      s = e + 1;
    }
    return FOLDED;
  }
}
