package dev.uniscope.cli.export;

import dev.uniscope.core.export.ExportFormat;
import dev.uniscope.core.export.ExportOptions;
import dev.uniscope.core.export.TraceExport;
import dev.uniscope.core.imports.CaptureEvents;
import dev.uniscope.core.launch.KernelImage;
import dev.uniscope.core.report.CaptureData;
import dev.uniscope.core.session.RunRecord;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uniscope export CAPTURE --format F}: the capture in another tool's format. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Export a capture: chrome (Perfetto), ftrace, ftrace-graph, folded, speedscope, pprof.")
public final class ExportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CAPTURE", description = "Capture file (from run).")
  Path capture;

  @Option(
      names = "--format",
      required = true,
      paramLabel = "FORMAT",
      description = "chrome, ftrace, ftrace-graph, folded, speedscope, speedscope-evented, pprof")
  String format;

  @Option(names = "--out", paramLabel = "FILE", description = "Output file (default: stdout).")
  Path out;

  @Option(names = "--kernel", paramLabel = "ELF", description = "Kernel ELF for symbols.")
  Path kernel;

  @Option(names = "--include-idle", description = "Keep profiler samples of the idle loop.")
  boolean includeIdle;

  @Override
  public Integer call() throws Exception {
    ExportFormat f;
    try {
      f = ExportFormat.parse(format);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown format '"
              + format
              + "' (chrome, ftrace, ftrace-graph, folded, speedscope,"
              + " speedscope-evented, pprof)");
    }
    if (!Files.isRegularFile(capture)) {
      throw new IllegalArgumentException("no such capture file: " + capture);
    }
    try (CaptureData data = CaptureData.open(capture, symbols())) {
      int hz = data.hello().map(h -> h.sampleHz()).orElse(0);
      ExportOptions options =
          new ExportOptions(
              includeIdle, hz > 0 ? 1_000_000_000L / hz : 0, false, data.clockOriginUnixNs());
      CaptureEvents events = new CaptureEvents(data.session().store());
      if (out == null) {
        OutputStream o = new BufferedOutputStream(System.out, 1 << 16);
        TraceExport.write(events, data.symbols(), f, options, o);
        o.flush();
      } else {
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
          TraceExport.write(events, data.symbols(), f, options, o);
        }
      }
    }
    return 0;
  }

  private Path symbols() {
    if (kernel != null) {
      if (!Files.isRegularFile(kernel)) {
        throw new IllegalArgumentException("no such kernel ELF: " + kernel);
      }
      return kernel;
    }
    try {
      Optional<Path> booted =
          RunRecord.read(RunRecord.fileFor(capture))
              .map(RunRecord::kernel)
              .filter(k -> !k.isEmpty())
              .map(Path::of)
              .filter(Files::isRegularFile);
      if (booted.isPresent()) {
        return booted.get();
      }
      return KernelImage.locate(null);
    } catch (IllegalArgumentException | java.io.IOException e) {
      return null; // hex addresses
    }
  }
}
