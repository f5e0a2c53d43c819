package dev.uniscope.core.imports;

import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Imports a trace from Linux or another tool, detecting ftrace text or Chrome JSON. */
public final class TraceImport {
  /** The formats {@link #read} accepts. */
  public enum Format {
    FTRACE,
    CHROME
  }

  private TraceImport() {}

  /**
   * Chrome JSON if the first non-blank byte (after an optional UTF-8 byte order mark) opens a JSON
   * array or object, else ftrace text. Leaves the stream where it was.
   */
  public static Format detect(BufferedInputStream in) throws IOException {
    in.mark(4096);
    try {
      for (int i = 0; i < 4096; i++) {
        int b = in.read();
        if (b < 0) {
          return Format.FTRACE;
        }
        if (b == '[' || b == '{') {
          return Format.CHROME;
        }
        if (b != ' ' && b != '\t' && b != '\r' && b != '\n' && b != 0xEF && b != 0xBB
            && b != 0xBF) {
          return Format.FTRACE;
        }
      }
      return Format.FTRACE;
    } finally {
      in.reset();
    }
  }

  /**
   * Detects the format and imports; see {@link FtraceTextImporter} and {@link ChromeJsonImporter}.
   */
  public static ImportResult read(
      InputStream in, EventSink sink, FunctionTable functions, ImportOptions options)
      throws IOException {
    BufferedInputStream b =
        in instanceof BufferedInputStream bis ? bis : new BufferedInputStream(in, 1 << 16);
    return switch (detect(b)) {
      case CHROME -> ChromeJsonImporter.read(b, sink, functions, options);
      case FTRACE -> FtraceTextImporter.read(b, sink, functions, options);
    };
  }
}
