package dev.uniscope.core.export;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Lets a writer close its encoder without closing the caller's stream (flushes instead). */
final class NonClosing extends FilterOutputStream {
  NonClosing(OutputStream out) {
    super(out);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }
}
