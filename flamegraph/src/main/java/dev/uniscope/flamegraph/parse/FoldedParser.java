package dev.uniscope.flamegraph.parse;

import dev.uniscope.flamegraph.model.Counts;
import dev.uniscope.flamegraph.model.FrameTable;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads folded stacks ({@code a;b;c 42}) the way flamegraph.pl does: the count is the trailing
 * number after whitespace (integer or decimal), everything before it is the stack, and an optional
 * second trailing number makes the line differential ({@code stack before after}). Blank lines and
 * lines starting with {@code #} are skipped; a trailing CR is ignored.
 */
public final class FoldedParser implements LineSink {
  private final StackTreeBuilder builder;
  private final FrameTable frames;
  private final boolean reverse;
  private final OnMalformed onMalformed;
  private final ProblemListener problems;
  private int[] ids = new int[64];
  private long ignored;
  private long lines;
  private boolean roundedWarned;

  /**
   * @param reverse reverse each stack (flamegraph.pl {@code --reverse}): leaf first
   */
  public FoldedParser(
      StackTreeBuilder builder,
      boolean reverse,
      OnMalformed onMalformed,
      ProblemListener problems) {
    this.builder = builder;
    this.frames = builder.frames();
    this.reverse = reverse;
    this.onMalformed = onMalformed;
    this.problems = problems;
  }

  /** Parses a whole stream into an alphabetically ordered tree. */
  public static StackTree parse(InputStream in, OnMalformed onMalformed, ProblemListener problems)
      throws IOException {
    StackTreeBuilder b = new StackTreeBuilder();
    new FoldedParser(b, false, onMalformed, problems).parse(in);
    return b.build();
  }

  public void parse(InputStream in) throws IOException {
    LineReader.read(in, LineReader.DEFAULT_MAX_LINE, this, onMalformed, problems);
  }

  /** Lines that were not valid folded stacks (skipped). */
  public long ignoredLines() {
    return ignored;
  }

  /** Stack lines accepted. */
  public long stackLines() {
    return lines;
  }

  @Override
  public void line(byte[] buf, int s, int e, long lineNo) throws IOException {
    if (e > s && buf[e - 1] == '\r') {
      e--;
    }
    if (e == s || buf[s] == '#') {
      return;
    }
    int b = numberStart(buf, s, e);
    if (b < 0) {
      ignored++;
      InputProblem p =
          new InputProblem(
              lineNo,
              "invalid folded line (expected 'frame;frame;... COUNT'): "
                  + new String(buf, s, Math.min(e - s, 200), StandardCharsets.UTF_8));
      if (onMalformed == OnMalformed.REJECT) {
        throw new MalformedInputException(p);
      }
      problems.report(p);
      return;
    }
    long value = count(buf, b, e, lineNo);
    int stackEnd = b - 1;
    int b1 = numberStart(buf, s, stackEnd);
    long baseline = -1;
    if (b1 >= 0) {
      baseline = count(buf, b1, stackEnd, lineNo);
      stackEnd = b1 - 1;
    }
    // Perl's split drops trailing empty fields.
    while (stackEnd > s && buf[stackEnd - 1] == ';') {
      stackEnd--;
    }
    int node = 0;
    if (!reverse) {
      int start = s;
      for (int i = s; i <= stackEnd; i++) {
        if (i == stackEnd || buf[i] == ';') {
          if (i == stackEnd && i == s) {
            break;
          }
          node = builder.child(node, frames.intern(buf, start, i - start));
          start = i + 1;
        }
      }
    } else {
      int n = 0;
      int start = s;
      for (int i = s; i <= stackEnd; i++) {
        if (i == stackEnd || buf[i] == ';') {
          if (i == stackEnd && i == s) {
            break;
          }
          if (n == ids.length) {
            ids = Arrays.copyOf(ids, n * 2);
          }
          ids[n++] = frames.intern(buf, start, i - start);
          start = i + 1;
        }
      }
      for (int i = n - 1; i >= 0; i--) {
        node = builder.child(node, ids[i]);
      }
    }
    builder.addSelf(node, value);
    if (baseline >= 0) {
      builder.addBaselineSelf(node, baseline);
    }
    lines++;
  }

  /**
   * Start of {@code \s(\d+(\.\d*)?)$} in {@code [s, e)}: the index of the number, which is preceded
   * by one whitespace byte inside the range, or -1.
   */
  static int numberStart(byte[] buf, int s, int e) {
    int i = e;
    while (i > s && Bytes.digit(buf[i - 1])) {
      i--;
    }
    if (i > s && buf[i - 1] == '.') {
      int dot = i - 1;
      i = dot;
      while (i > s && Bytes.digit(buf[i - 1])) {
        i--;
      }
      if (i == dot) {
        return -1;
      }
    } else if (i == e) {
      return -1;
    }
    if (i - 1 < s || !Bytes.space(buf[i - 1])) {
      return -1;
    }
    return i;
  }

  private long count(byte[] buf, int b, int e, long lineNo) {
    int dot = b;
    while (dot < e && buf[dot] != '.') {
      dot++;
    }
    long v = Bytes.parseDigits(buf, b, dot);
    if (dot < e) {
      // Counts are integers here; decimals are rounded half up.
      if (dot + 1 < e && buf[dot + 1] >= '5') {
        v = Counts.add(v, 1);
      }
      if (!roundedWarned && dot + 1 < e) {
        roundedWarned = true;
        problems.report(new InputProblem(lineNo, "decimal counts are rounded to integers"));
      }
    }
    return v;
  }
}
