package dev.uniscope.flamegraph.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without decoding or copying them. An interrupted thread stops
 * with an {@link InterruptedIOException}, so long parses can be cancelled. Memory is bounded: a
 * line longer than {@code maxLineBytes} is reported (or rejected) and skipped, never buffered
 * whole.
 */
final class LineReader {
  static final int DEFAULT_MAX_LINE = 16 << 20;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

  private LineReader() {}

  static void read(
      InputStream in, int maxLineBytes, LineSink sink, OnMalformed policy, ProblemListener problems)
      throws IOException {
    byte[] buf = new byte[Math.min(1 << 20, maxLineBytes)];
    int len = 0;
    long lineNo = 1;
    boolean skippingLongLine = false;
    while (true) {
      if (len == buf.length) {
        if (buf.length < maxLineBytes) {
          buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, maxLineBytes));
        } else {
          // The line does not fit: drop what we have and skip to its end.
          InputProblem p =
              new InputProblem(lineNo, "line longer than " + maxLineBytes + " bytes, skipped");
          if (policy == OnMalformed.REJECT) {
            throw new MalformedInputException(p);
          }
          if (!skippingLongLine) {
            problems.report(p);
          }
          skippingLongLine = true;
          len = 0;
        }
      }
      if (Thread.interrupted()) {
        // Cancellation from a UI or CLI background task: checked once per buffer fill.
        throw new InterruptedIOException("cancelled at line " + lineNo);
      }
      int n = in.read(buf, len, buf.length - len);
      if (n < 0) {
        break;
      }
      int end = len + n;
      int start = 0;
      int i = len;
      while (true) {
        i = indexOfNewline(buf, i, end);
        if (i == end) {
          break;
        }
        if (skippingLongLine) {
          skippingLongLine = false;
        } else {
          sink.line(buf, start, i, lineNo);
        }
        lineNo++;
        start = ++i;
      }
      len = end - start;
      if (start > 0 && len > 0) {
        System.arraycopy(buf, start, buf, 0, len);
      }
    }
    if (len > 0 && !skippingLongLine) {
      sink.line(buf, 0, len, lineNo);
    }
  }

  /** First '\n' in {@code buf[from, to)}, or {@code to}; scans eight bytes at a time. */
  static int indexOfNewline(byte[] buf, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(buf, i) ^ NEWLINES;
      long t = (x - ONES) & ~x & HIGHS;
      if (t != 0) {
        return i + (Long.numberOfTrailingZeros(t) >>> 3);
      }
    }
    while (i < to && buf[i] != '\n') {
      i++;
    }
    return i;
  }
}
