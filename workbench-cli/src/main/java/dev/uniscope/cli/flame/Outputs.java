package dev.uniscope.cli.flame;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where {@code collapse} and {@code flamegraph} write: {@code -o FILE}, or stdout. */
final class Outputs {
  /** Writes the command's result to a buffered stream it must not close. */
  @FunctionalInterface
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private Outputs() {}

  /** Writes {@code body} into {@code file}, or to stdout (flushed, left open) when it is null. */
  static void write(Path file, Body body) throws IOException {
    if (file == null) {
      OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
      body.writeTo(out);
      out.flush();
    } else {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
        body.writeTo(out);
      }
    }
  }
}
