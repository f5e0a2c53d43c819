package dev.uniscope.flamegraph.parse;

import dev.uniscope.flamegraph.model.FrameTable;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Collapses {@code perf script} text into a stack tree exactly as stackcollapse-perf.pl does (same
 * stacks, same counts), parsing bytes by hand: no regex, no per-line allocation.
 *
 * <p>The Perl script's regular expressions are reproduced by their backtracking results, including
 * its quirks (a record line does not reset the stack; a sample is only counted at the blank line
 * that ends it; a period of "0" counts as 1).
 */
public final class PerfScriptCollapser implements LineSink {
  private static final boolean[] NEEDS_RULES = new boolean[256];

  static {
    for (char c : new char[] {';', '(', '"', '\'', '>', '['}) {
      NEEDS_RULES[c] = true;
    }
  }

  private final CollapseOptions options;
  private final StackTreeBuilder builder;
  private final FrameTable frames;
  private final ProblemListener problems;
  private final PerfFrameNames names;
  private final boolean plainNamesOnly;

  private byte[] eventFilter;
  private boolean eventDefaulted;
  private boolean eventWarned;
  private int pname = -1;
  private boolean javaProcess;
  private long period = 1;
  private int[] stack = new int[128];
  private int depth;
  private long samples;
  private byte[] scratch = new byte[256];
  private final StackCache cache;

  public PerfScriptCollapser(
      CollapseOptions options, StackTreeBuilder builder, ProblemListener problems) {
    this.options = options;
    this.builder = builder;
    this.frames = builder.frames();
    this.problems = problems;
    this.names = new PerfFrameNames(options, frames);
    this.plainNamesOnly = !options.annotateKernel() && !options.annotateJit();
    // A flame chart merges by position, not by identity, so it cannot reuse earlier stacks.
    this.cache = builder.sequential() ? null : new StackCache();
    if (options.eventFilter() != null) {
      eventFilter = options.eventFilter().getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Collapses a whole stream into an alphabetically ordered tree. */
  public static StackTree collapse(
      InputStream in, CollapseOptions options, ProblemListener problems) throws IOException {
    StackTreeBuilder b = new StackTreeBuilder();
    new PerfScriptCollapser(options, b, problems).parse(in);
    return b.build();
  }

  /** Reads the stream to its end, adding every sample to the builder. */
  public void parse(InputStream in) throws IOException {
    LineReader.read(in, LineReader.DEFAULT_MAX_LINE, this, options.onMalformed(), problems);
  }

  /** Samples counted so far. */
  public long samples() {
    return samples;
  }

  /** The event being kept, once known. */
  public String event() {
    return eventFilter == null ? null : new String(eventFilter, StandardCharsets.UTF_8);
  }

  @Override
  public void line(byte[] buf, int s, int e, long lineNo) throws IOException {
    if (e == s) {
      endOfSample();
      return;
    }
    byte first = buf[s];
    if (first == '#') {
      return;
    }
    if (!Bytes.space(first) && recordLine(buf, s, e, lineNo)) {
      return;
    }
    if (frameLine(buf, s, e)) {
      return;
    }
    InputProblem p =
        new InputProblem(
            lineNo,
            "Unrecognized line: "
                + new String(buf, s, Math.min(e - s, 200), StandardCharsets.UTF_8));
    if (options.onMalformed() == OnMalformed.REJECT) {
      throw new MalformedInputException(p);
    }
    problems.report(p);
  }

  private void endOfSample() {
    if (pname < 0) {
      return;
    }
    int node = cache == null ? -1 : cache.find(pname, stack, depth);
    if (node < 0) {
      node = builder.child(0, pname);
      for (int i = depth - 1; i >= 0; i--) {
        node = builder.child(node, stack[i]);
      }
      if (cache != null) {
        cache.put(pname, stack, depth, node);
      }
    }
    builder.addSelf(node, period);
    samples++;
    depth = 0;
    pname = -1;
  }

  /** {@code /^(\S.+?)\s+(\d+)\/*(\d+)*\s+/}, then the event at the end of the line. */
  private boolean recordLine(byte[] buf, int s, int e, long lineNo) {
    int c = s + 2;
    int commEnd = -1;
    int pidStart = 0;
    int pidEnd = 0;
    int tidStart = 0;
    int tidEnd = 0;
    while (c < e) {
      if (!Bytes.space(buf[c])) {
        c++;
        continue;
      }
      int r = c;
      while (r < e && Bytes.space(buf[r])) {
        r++;
      }
      int d = r;
      while (d < e && Bytes.digit(buf[d])) {
        d++;
      }
      if (d > r) {
        int p = d;
        while (p < e && buf[p] == '/') {
          p++;
        }
        int t = p;
        while (t < e && Bytes.digit(buf[t])) {
          t++;
        }
        if (t < e && Bytes.space(buf[t])) {
          commEnd = c;
          pidStart = r;
          pidEnd = d;
          tidStart = p;
          tidEnd = t;
          break;
        }
      }
      // Every end of the command name inside this run of spaces leads to the same tail.
      c = r;
    }
    if (commEnd < 0) {
      return false;
    }
    long newPeriod = 1;
    int t = e;
    while (t > s && Bytes.space(buf[t - 1])) {
      t--;
    }
    if (t > s && buf[t - 1] == ':') {
      int colon = t - 1;
      int ts = colon;
      while (ts > s && !Bytes.space(buf[ts - 1])) {
        ts--;
      }
      int w = ts;
      while (w > s && Bytes.space(buf[w - 1])) {
        w--;
      }
      boolean matched = false;
      if (ts < colon && w < ts && w > s) {
        if (buf[w - 1] == ':') {
          matched = true;
        } else {
          int q = w;
          while (q > s && Bytes.digit(buf[q - 1])) {
            q--;
          }
          if (q < w) {
            int r2 = q;
            while (r2 > s && Bytes.space(buf[r2 - 1])) {
              r2--;
            }
            if (r2 > s && buf[r2 - 1] == ':') {
              matched = true;
              // Perl: a period of "0" is false, so it becomes 1.
              if (!(w - q == 1 && buf[q] == '0')) {
                newPeriod = Bytes.parseDigits(buf, q, w);
              }
            }
          }
        }
      }
      if (matched) {
        if (eventFilter == null) {
          eventFilter = Arrays.copyOfRange(buf, ts, colon);
          eventDefaulted = true;
        } else if (!Arrays.equals(buf, ts, colon, eventFilter, 0, eventFilter.length)) {
          if (eventDefaulted && !eventWarned) {
            problems.report(
                new InputProblem(
                    lineNo,
                    "Filtering for events of type: "
                        + new String(buf, ts, colon - ts, StandardCharsets.UTF_8)));
            eventWarned = true;
          }
          return true;
        }
      }
    }
    period = newPeriod;
    setProcessName(buf, s, commEnd, pidStart, pidEnd, tidStart, tidEnd);
    return true;
  }

  private void setProcessName(
      byte[] buf, int s, int commEnd, int pidStart, int pidEnd, int tidStart, int tidEnd) {
    boolean noTid = tidEnd == tidStart || (tidEnd - tidStart == 1 && buf[tidStart] == '0');
    int len = commEnd - s;
    ensureScratch(len + (pidEnd - pidStart) + (tidEnd - tidStart) + 8);
    System.arraycopy(buf, s, scratch, 0, len);
    if (options.includeTid() || options.includePid()) {
      scratch[len++] = '-';
      if (noTid) {
        scratch[len++] = '?';
      } else {
        System.arraycopy(buf, pidStart, scratch, len, pidEnd - pidStart);
        len += pidEnd - pidStart;
      }
      if (options.includeTid()) {
        scratch[len++] = '/';
        int ts = noTid ? pidStart : tidStart;
        int te = noTid ? pidEnd : tidEnd;
        System.arraycopy(buf, ts, scratch, len, te - ts);
        len += te - ts;
      }
    }
    for (int i = 0; i < len; i++) {
      if (scratch[i] == ' ') {
        scratch[i] = '_';
      }
    }
    pname = frames.intern(scratch, 0, len);
    javaProcess = Bytes.startsWith(scratch, 0, len, "java");
  }

  /** {@code /^\s*(\w+)\s*(.+) \((.*)\)/} and the frame rules that follow it. */
  private boolean frameLine(byte[] buf, int s, int e) {
    int w0 = s;
    while (w0 < e && Bytes.space(buf[w0])) {
      w0++;
    }
    int w1 = w0;
    while (w1 < e && Bytes.word(buf[w1])) {
      w1++;
    }
    if (w1 == w0) {
      return false;
    }
    int close = e - 1;
    while (close >= w1 && buf[close] != ')') {
      close--;
    }
    // The last " (" that still has a ')' after it ends the symbol (greedy .+).
    int k = close - 2;
    while (k >= w0 && !(buf[k] == ' ' && buf[k + 1] == '(')) {
      k--;
    }
    if (k < w0) {
      return false;
    }
    int pcEnd = w1;
    int fs;
    if (k >= w1 + 1) {
      int sMax = w1;
      while (sMax < e && Bytes.space(buf[sMax])) {
        sMax++;
      }
      fs = Math.min(sMax, k - 1);
    } else if (k == w1 && w1 - 1 >= w0 + 1) {
      // Backtracking gives the last word character to the symbol.
      pcEnd = w1 - 1;
      fs = w1 - 1;
    } else {
      return false;
    }
    if (pname < 0) {
      return true;
    }
    int fe = stripOffset(buf, fs, k);
    if (fe == fs || buf[fs] == '(') {
      return true;
    }
    int ms = k + 2;
    int me = close;
    if (plainNamesOnly && isPlain(buf, fs, fe)) {
      push(frames.intern(buf, fs, fe - fs));
      return true;
    }
    int n = names.resolve(buf, fs, fe, ms, me, w0, pcEnd, javaProcess);
    int[] ids = names.ids();
    for (int i = n - 1; i >= 0; i--) {
      push(ids[i]);
    }
    return true;
  }

  private boolean isPlain(byte[] buf, int fs, int fe) {
    if (javaProcess && buf[fs] == 'L') {
      return false;
    }
    for (int i = fs; i < fe; i++) {
      if (NEEDS_RULES[buf[i] & 0xFF]) {
        return false;
      }
    }
    return true;
  }

  /** {@code s/\+0x[\da-f]+$//}. */
  private static int stripOffset(byte[] buf, int fs, int fe) {
    int i = fe;
    while (i > fs && isLowerHex(buf[i - 1])) {
      i--;
    }
    if (i < fe && i - 3 >= fs && buf[i - 1] == 'x' && buf[i - 2] == '0' && buf[i - 3] == '+') {
      return i - 3;
    }
    return fe;
  }

  private static boolean isLowerHex(byte b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f');
  }

  private void push(int id) {
    if (depth == stack.length) {
      stack = Arrays.copyOf(stack, depth * 2);
    }
    stack[depth++] = id;
  }

  private void ensureScratch(int n) {
    if (scratch.length < n) {
      scratch = new byte[Math.max(n, scratch.length * 2)];
    }
  }
}
