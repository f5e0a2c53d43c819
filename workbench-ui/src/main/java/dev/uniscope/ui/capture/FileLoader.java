package dev.uniscope.ui.capture;

import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.analysis.timeline.Timeline;
import dev.uniscope.core.imports.CaptureEvents;
import dev.uniscope.core.launch.KernelImage;
import dev.uniscope.core.report.CaptureData;
import dev.uniscope.core.report.ProfileAnalysis;
import dev.uniscope.core.session.EventFanOut;
import dev.uniscope.core.session.RunRecord;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.parse.FoldedParser;
import dev.uniscope.flamegraph.parse.OnMalformed;
import dev.uniscope.ui.layout.LayoutInfo;
import dev.uniscope.ui.timeline.TimelineSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** Opens a capture or a folded-stacks file off the FX thread, reporting progress, cancellable. */
public final class FileLoader {
  /** The capture file's magic (docs/capture-format.md). */
  static final byte[] CAPTURE_MAGIC = {(byte) 0x89, 'U', 'C', 'A', 'P', '\r', '\n', 0x1a};

  private FileLoader() {}

  /** Progress of a load: {@code fraction} in 0..1. */
  @FunctionalInterface
  public interface Progress {
    void at(String phase, double fraction);
  }

  /**
   * Loads {@code file}, sniffing its kind from the first bytes.
   *
   * @param kernel the kernel ELF for symbols, or null (then the run record's, then the shipped one)
   * @throws CancellationException when {@code cancelled} turned true during the load
   */
  public static OpenedFile load(
      Path file, Path kernel, Progress progress, BooleanSupplier cancelled) throws IOException {
    return isCapture(file)
        ? loadCapture(file, kernel, progress, cancelled)
        : loadFolded(file, progress);
  }

  static boolean isCapture(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(CAPTURE_MAGIC.length), CAPTURE_MAGIC);
    }
  }

  static OpenedFile.Folded loadFolded(Path file, Progress progress) throws IOException {
    progress.at("reading folded stacks", 0.1);
    AtomicLong problems = new AtomicLong();
    StackTree tree;
    try (InputStream in = Files.newInputStream(file)) {
      tree = FoldedParser.parse(in, OnMalformed.SKIP, p -> problems.incrementAndGet());
    }
    progress.at("done", 1.0);
    return new OpenedFile.Folded(file, tree, tree.totalSamples(), problems.get());
  }

  static OpenedFile.Capture loadCapture(
      Path file, Path kernel, Progress progress, BooleanSupplier cancelled) throws IOException {
    progress.at("opening the capture", 0.05);
    Optional<RunRecord> run = RunRecord.read(RunRecord.fileFor(file));
    Path elf = kernel != null ? kernel : symbolsFor(run);
    try (CaptureData data = CaptureData.open(file, elf)) {
      List<String> notes = new ArrayList<>();
      if (!data.symbols().problem().isEmpty()) {
        notes.add("symbols: " + data.symbols().problem());
      }
      if (Boolean.FALSE.equals(data.symbols().buildIdMatches())) {
        notes.add("the kernel ELF's build-id differs from the capture's");
      }
      if (data.reader().problems().total() > 0) {
        notes.add(data.reader().problems().total() + " decode problems");
      }
      if (!data.layoutProblem().isEmpty()) {
        notes.add(data.layoutProblem());
      }
      progress.at("replaying events", 0.2);
      Timeline timeline = new Timeline();
      ProfileAnalysis profile = new ProfileAnalysis(data.symbols());
      EventSink cancel =
          new EventSink() {
            @Override
            public void flush() {
              if (cancelled.getAsBoolean()) {
                throw new CancellationException("cancelled");
              }
            }
          };
      new CaptureEvents(data.session().store())
          .replay(new EventFanOut(List.of(cancel, timeline, profile)));
      progress.at("building views", 0.8);
      ProfileAnalysis.Summary summary = profile.summary();
      TimelineSnapshot snap = TimelineSnapshot.of(timeline);
      LayoutInfo layout = data.layout().map(LayoutInfo::of).orElse(LayoutInfo.EMPTY);
      progress.at("done", 1.0);
      return new OpenedFile.Capture(
          file,
          snap,
          summary.tree(),
          summary.samples(),
          layout,
          run.map(RunRecord::console).orElse(List.of()),
          run.map(
                  r ->
                      r.outcome() + (r.exitStatus() >= 0 ? " (status " + r.exitStatus() + ")" : ""))
              .orElse(""),
          notes);
    }
  }

  /** The run record's kernel if it still exists, else the shipped image, else none. */
  private static Path symbolsFor(Optional<RunRecord> run) {
    if (run.isPresent() && !run.get().kernel().isEmpty()) {
      Path k = Path.of(run.get().kernel());
      if (Files.isRegularFile(k)) {
        return k;
      }
    }
    try {
      return KernelImage.locate(null);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
