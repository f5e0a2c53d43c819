package dev.uniscope.flamegraph.parse;

import dev.uniscope.flamegraph.model.FrameTable;
import java.util.Arrays;

/**
 * Turns the symbol of one {@code perf script} frame line into frame names, following
 * stackcollapse-perf.pl's rules in order: split inline chains on {@code ->}, name unknown symbols
 * after their module, tidy (`;` to `:`, drop argument lists except Go methods and anonymous
 * namespaces, drop quotes, drop Java's leading {@code L}), then annotate. This is the general path;
 * the collapser bypasses it for plain symbols.
 */
final class PerfFrameNames {
  private final CollapseOptions options;
  private final FrameTable frames;
  private byte[] out = new byte[256];
  private int[] ids = new int[8];

  PerfFrameNames(CollapseOptions options, FrameTable frames) {
    this.options = options;
    this.frames = frames;
  }

  /**
   * Interns the frames of symbol {@code buf[fs, fe)} (offset already removed) and returns how many
   * were written to {@link #ids()}, in caller-to-callee order within the line.
   */
  int resolve(byte[] buf, int fs, int fe, int ms, int me, int ps, int pe, boolean javaProcess) {
    int n = 0;
    // Perl's split drops trailing empty fields.
    int limit = fe;
    while (true) {
      int cut = Bytes.lastIndexOf(buf, fs, limit, "->");
      if (cut >= 0 && cut + 2 == limit) {
        limit = cut;
      } else {
        break;
      }
    }
    if (limit == fs) {
      return 0;
    }
    int partStart = fs;
    while (true) {
      int arrow = Bytes.indexOf(buf, partStart, limit, "->");
      int partEnd = arrow < 0 ? limit : arrow;
      int len = name(buf, partStart, partEnd, ms, me, ps, pe, javaProcess, n > 0);
      if (n == ids.length) {
        ids = Arrays.copyOf(ids, n * 2);
      }
      ids[n++] = frames.intern(out, 0, len);
      if (arrow < 0) {
        break;
      }
      partStart = arrow + 2;
    }
    return n;
  }

  int[] ids() {
    return ids;
  }

  private int name(
      byte[] buf,
      int s,
      int e,
      int ms,
      int me,
      int ps,
      int pe,
      boolean javaProcess,
      boolean inlined) {
    int len = 0;
    if (Bytes.regionEquals(buf, s, e, "[unknown]")) {
      len = put(len, '[');
      if (!Bytes.regionEquals(buf, ms, me, "[unknown]")) {
        int base = ms;
        for (int i = ms; i < me; i++) {
          if (buf[i] == '/') {
            base = i + 1;
          }
        }
        len = put(len, buf, base, me);
      } else {
        len = put(len, "unknown");
      }
      if (options.includeAddrs()) {
        len = put(len, " <");
        len = put(len, buf, ps, pe);
        len = put(len, '>');
      }
      len = put(len, ']');
    } else {
      len = put(len, buf, s, e);
    }
    for (int i = 0; i < len; i++) {
      if (out[i] == ';') {
        out[i] = ':';
      }
    }
    if (!looksLikeGoMethod(len)) {
      len = cutArguments(len);
    }
    int w = 0;
    for (int i = 0; i < len; i++) {
      if (out[i] != '"' && out[i] != '\'') {
        out[w++] = out[i];
      }
    }
    len = w;
    if (javaProcess && len > 0 && out[0] == 'L' && indexOf(len, "/") >= 0) {
      System.arraycopy(out, 1, out, 0, len - 1);
      len--;
    }
    if (inlined) {
      if (indexOf(len, "_[i]") < 0) {
        len = put(len, "_[i]");
      }
    } else if (options.annotateKernel()
        && me > ms
        && (buf[ms] == '[' || Bytes.regionEquals(buf, Math.max(ms, me - 7), me, "vmlinux"))
        && Bytes.indexOf(buf, ms, me, "unknown") < 0) {
      len = put(len, "_[k]");
    } else if (options.annotateJit() && isPerfMap(buf, ms, me)) {
      if (indexOf(len, "_[j]") < 0) {
        len = put(len, "_[j]");
      }
    }
    return len;
  }

  /** {@code m/\.\(.*\)\./}: a Go method such as {@code net/http.(*Client).Do}. */
  private boolean looksLikeGoMethod(int len) {
    int open = indexOf(len, ".(");
    if (open < 0) {
      return false;
    }
    for (int i = len - 2; i >= open + 2; i--) {
      if (out[i] == ')' && out[i + 1] == '.') {
        return true;
      }
    }
    return false;
  }

  /** {@code s/\((?!anonymous namespace\)).*}{@code //}. */
  private int cutArguments(int len) {
    byte[] anon = "anonymous namespace)".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i < len; i++) {
      if (out[i] == '(') {
        boolean isAnon =
            i + 1 + anon.length <= len
                && Arrays.equals(out, i + 1, i + 1 + anon.length, anon, 0, anon.length);
        if (!isAnon) {
          return i;
        }
      }
    }
    return len;
  }

  /** {@code m:/tmp/perf-\d+\.map:} anywhere in the module. */
  private static boolean isPerfMap(byte[] buf, int ms, int me) {
    int from = ms;
    while (true) {
      int at = Bytes.indexOf(buf, from, me, "/tmp/perf-");
      if (at < 0) {
        return false;
      }
      int d = at + 10;
      int i = d;
      while (i < me && Bytes.digit(buf[i])) {
        i++;
      }
      if (i > d && Bytes.startsWith(buf, i, me, ".map")) {
        return true;
      }
      from = at + 1;
    }
  }

  private int indexOf(int len, String ascii) {
    return Bytes.indexOf(out, 0, len, ascii);
  }

  private int put(int len, char c) {
    ensure(len + 1);
    out[len] = (byte) c;
    return len + 1;
  }

  private int put(int len, String ascii) {
    ensure(len + ascii.length());
    for (int i = 0; i < ascii.length(); i++) {
      out[len + i] = (byte) ascii.charAt(i);
    }
    return len + ascii.length();
  }

  private int put(int len, byte[] src, int s, int e) {
    ensure(len + e - s);
    System.arraycopy(src, s, out, len, e - s);
    return len + e - s;
  }

  private void ensure(int n) {
    if (n > out.length) {
      out = Arrays.copyOf(out, Math.max(n, out.length * 2));
    }
  }
}
