package dev.uniscope.core.imports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads lines ({@code \n} or {@code \r\n}) from bytes, never buffering more than a line's cap: a
 * longer line is skipped to its end and reported, so a file without newlines cannot exhaust memory.
 */
final class BoundedLineReader {
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private final byte[] line;
  private boolean tooLong;
  private long lineNumber;

  BoundedLineReader(InputStream in, int maxLength) {
    this.in = in;
    this.line = new byte[maxLength];
  }

  /** The next line without its terminator, or null at end of input. */
  String next() throws IOException {
    int len = 0;
    tooLong = false;
    boolean any = false;
    while (true) {
      if (pos == limit) {
        limit = in.read(buf, 0, buf.length);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          if (!any) {
            return null;
          }
          break;
        }
      }
      any = true;
      byte b = buf[pos++];
      if (b == '\n') {
        break;
      }
      if (len < line.length) {
        line[len++] = b;
      } else {
        tooLong = true;
      }
    }
    lineNumber++;
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    return tooLong ? "" : new String(line, 0, len, StandardCharsets.UTF_8);
  }

  /** Whether the line just returned exceeded the cap (its text is then empty). */
  boolean tooLong() {
    return tooLong;
  }

  long lineNumber() {
    return lineNumber;
  }
}
