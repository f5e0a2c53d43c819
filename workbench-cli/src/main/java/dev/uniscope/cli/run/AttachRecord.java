package dev.uniscope.cli.run;

import dev.uniscope.cli.report.Summary;
import dev.uniscope.core.report.CaptureData;
import dev.uniscope.core.report.EventCounts;
import dev.uniscope.core.session.RunRecord;
import dev.uniscope.trace.session.Hello;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What an attach learned about a run it did not start, for the run record beside the capture: no
 * exit status, panic or console (QEMU is someone else's).
 *
 * @param capture the capture file written
 * @param kernel {@code --kernel}, or null
 * @param cmdline the kernel's command line, or empty when unknown
 * @param ncpu the CPUs the kernel reported, or 0
 * @param outcome {@code detached} (the kernel went away) or {@code stopped} (duration or Ctrl-C)
 * @param elapsedNanos how long the attach lasted
 */
record AttachRecord(
    Path capture, Path kernel, String cmdline, int ncpu, String outcome, long elapsedNanos) {

  /** The {@code app=} word of the command line, or empty. */
  String app() {
    String app = "";
    for (String w : cmdline.split(" ")) {
      if (w.startsWith("app=")) {
        app = w.substring(4);
      }
    }
    return app;
  }

  /**
   * Writes the run record, then the summary header on {@code err}.
   *
   * @param symbols the kernel ELF {@link CaptureData#open} symbolizes with, or null
   * @param hello the hello whose build-id the header shows
   */
  void writeAndSummarize(
      PrintStream err, Path symbols, Function<CaptureData, Optional<Hello>> hello)
      throws IOException {
    Path runFile = RunRecord.fileFor(capture);
    new RunRecord(
            app(),
            kernel == null ? "" : kernel.toAbsolutePath().toString(),
            cmdline,
            ncpu,
            outcome,
            -1,
            "",
            "",
            elapsedNanos,
            List.of())
        .write(runFile);
    err.println();
    try (CaptureData data = CaptureData.open(capture, symbols)) {
      Summary.printHeader(
          err,
          capture + " (" + Files.size(capture) + " bytes)",
          RunRecord.read(runFile),
          data.layout(),
          hello.apply(data).map(Hello::buildIdHex).orElse(null),
          EventCounts.of(data.session()));
    }
  }
}
