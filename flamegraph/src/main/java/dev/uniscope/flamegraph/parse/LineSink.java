package dev.uniscope.flamegraph.parse;

import java.io.IOException;

/** Receives lines as byte ranges of a shared buffer, without the line terminator. */
interface LineSink {
  void line(byte[] buf, int start, int end, long lineNumber) throws IOException;
}
