package dev.uniscope.core.report;

import dev.uniscope.core.symbols.LayoutBlock;
import dev.uniscope.core.symbols.Slide;
import dev.uniscope.core.symbols.Symbolizer;
import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import dev.uniscope.trace.capture.CaptureReader;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A capture opened for analysis: its decoded events (payloads stay in the file mapping, so keep
 * this open while reading them), the hello, the layout block and the symbols for this boot. A
 * capture whose writer was killed has no footer; the reader rebuilds its index by scanning.
 */
public final class CaptureData implements AutoCloseable {
  private final Path file;
  private final CaptureReader reader;
  private final TraceSession session;
  private final Optional<LayoutBlock> layout;
  private final String layoutProblem;
  private final Symbols symbols;

  private CaptureData(
      Path file,
      CaptureReader reader,
      TraceSession session,
      Optional<LayoutBlock> layout,
      String layoutProblem,
      Symbols symbols) {
    this.file = file;
    this.reader = reader;
    this.session = session;
    this.layout = layout;
    this.layoutProblem = layoutProblem;
    this.symbols = symbols;
  }

  /**
   * Opens {@code capture}; symbolizes with {@code kernel} when given and it exists (a kernel whose
   * build-id differs from the capture's is still used, and the report says so).
   */
  public static CaptureData open(Path capture, Path kernel) throws IOException {
    if (!Files.isRegularFile(capture)) {
      throw new NoSuchFileException(capture.toString(), null, "no such capture file");
    }
    CaptureReader reader = CaptureReader.open(capture, new ProblemLog());
    try {
      TraceSession session = reader.load();
      Hello hello = session.hello();
      Optional<LayoutBlock> layout = Optional.empty();
      String layoutProblem = hello == null ? "no hello in the capture" : "";
      if (hello != null && hello.layout().length > 0) {
        try {
          layout = Optional.of(LayoutBlock.parse(hello.layout()));
        } catch (MalformedBinaryException e) {
          layoutProblem = "layout block in the hello: " + e.getMessage();
        }
      } else if (hello != null) {
        layoutProblem = "the hello carries no layout block";
      }
      Slide slide = layout.flatMap(l -> l.slide(Slide.Origin.HELLO_RECORD)).orElse(Slide.NONE);
      Symbolizer symbolizer = null;
      String symbolProblem = "";
      if (kernel != null && Files.isRegularFile(kernel)) {
        try {
          symbolizer = Symbolizer.load(kernel);
        } catch (IOException | RuntimeException e) {
          symbolProblem = kernel + ": " + e.getMessage();
        }
      } else {
        symbolProblem = kernel == null ? "no kernel ELF given" : kernel + " does not exist";
      }
      Boolean matches = null;
      if (symbolizer != null && layout.isPresent()) {
        matches = layout.get().matches(symbolizer);
      }
      Symbols symbols = new Symbols(symbolizer, slide, kernel, matches, symbolProblem);
      return new CaptureData(capture, reader, session, layout, layoutProblem, symbols);
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  public Path file() {
    return file;
  }

  public CaptureReader reader() {
    return reader;
  }

  public TraceSession session() {
    return session;
  }

  /** The hello, when the capture has one. */
  public Optional<Hello> hello() {
    return Optional.ofNullable(session.hello());
  }

  public Optional<LayoutBlock> layout() {
    return layout;
  }

  /**
   * The Unix time, in ns, of trace-clock 0 in this boot, or 0 when unknown: the capture's creation
   * time aligned to the hello's {@code now_ns}. Approximate by the time between the file's creation
   * and the hello (the boot, for {@code run}), so good to a few seconds; for wall-clock labels such
   * as pprof's {@code time_nanos}, never for ordering events.
   */
  public long clockOriginUnixNs() {
    long createdMs = reader.header().createdMillis();
    Hello h = session.hello();
    if (createdMs <= 0 || h == null || h.nowNs() < 0) {
      return 0;
    }
    long origin = createdMs * 1_000_000L - h.nowNs();
    return origin > 0 ? origin : 0;
  }

  /** Why there is no layout, or empty. */
  public String layoutProblem() {
    return layoutProblem;
  }

  public Symbols symbols() {
    return symbols;
  }

  @Override
  public void close() {
    reader.close();
  }
}
