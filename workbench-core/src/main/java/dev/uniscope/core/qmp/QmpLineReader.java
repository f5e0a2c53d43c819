package dev.uniscope.core.qmp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits QEMU's QMP stream into lines (one JSON object each). Lines are bounded so a misbehaving
 * peer cannot make us allocate without limit.
 */
final class QmpLineReader {
  /** Far above any real reply (query-qmp-schema is about 200 KiB). */
  static final int MAX_LINE = 8 << 20;

  private final InputStream in;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int end;
  private long offset;

  QmpLineReader(InputStream in) {
    this.in = in;
  }

  /** The next line without its terminator, or null at end of stream. */
  String readLine() throws IOException, QmpException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      if (pos == end) {
        end = in.read(buf);
        pos = 0;
        if (end <= 0) {
          end = 0;
          return line.size() == 0 ? null : decode(line);
        }
      }
      int start = pos;
      while (pos < end && buf[pos] != '\n') {
        pos++;
      }
      line.write(buf, start, pos - start);
      offset += pos - start;
      if (line.size() > MAX_LINE) {
        throw new QmpException(
            "QMP line at byte " + (offset - line.size()) + " exceeds " + MAX_LINE + " bytes");
      }
      if (pos < end) {
        pos++;
        offset++;
        return decode(line);
      }
    }
  }

  private static String decode(ByteArrayOutputStream line) {
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }
}
