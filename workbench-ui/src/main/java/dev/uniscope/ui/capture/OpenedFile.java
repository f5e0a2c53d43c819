package dev.uniscope.ui.capture;

import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.ui.layout.LayoutInfo;
import dev.uniscope.ui.timeline.TimelineSnapshot;
import java.nio.file.Path;
import java.util.List;

/** A file the window opened instead of booting: a capture, or folded stacks. */
public sealed interface OpenedFile {
  Path file();

  /** The flame graph's tree. */
  StackTree flame();

  /** Samples behind {@link #flame()}. */
  long samples();

  /**
   * A capture, decoded.
   *
   * @param console the run record's console tail (empty without a run record)
   * @param outcome how the recorded run ended, from the run record, or ""
   * @param notes problems worth showing (no symbols, build-id mismatch, decode problems)
   */
  record Capture(
      Path file,
      TimelineSnapshot timeline,
      StackTree flame,
      long samples,
      LayoutInfo layout,
      List<String> console,
      String outcome,
      List<String> notes)
      implements OpenedFile {
    public Capture {
      console = List.copyOf(console);
      notes = List.copyOf(notes);
    }
  }

  /** A folded-stacks file ({@code stack;frames COUNT} lines). */
  record Folded(Path file, StackTree flame, long samples, long ignoredLines)
      implements OpenedFile {}
}
