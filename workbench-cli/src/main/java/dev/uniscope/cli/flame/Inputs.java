package dev.uniscope.cli.flame;

import dev.uniscope.flamegraph.parse.InputFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens {@code FILE} or {@code -} (stdin) and sniffs whether it is folded or perf script text. */
final class Inputs {
  private static final int SNIFF = 64 * 1024;

  private Inputs() {}

  static InputStream open(String name) throws IOException {
    InputStream raw =
        name == null || name.equals("-")
            ? nonClosing(System.in)
            : Files.newInputStream(Path.of(name));
    return new BufferedInputStream(raw, 1 << 16);
  }

  /** Peeks at the head of a stream opened by {@link #open} and guesses its format. */
  static InputFormat sniff(InputStream in) throws IOException {
    in.mark(SNIFF + 1);
    byte[] head = new byte[SNIFF];
    int n = 0;
    while (n < head.length) {
      int r = in.read(head, n, head.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    in.reset();
    return InputFormat.detect(head, n);
  }

  private static InputStream nonClosing(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }
}
