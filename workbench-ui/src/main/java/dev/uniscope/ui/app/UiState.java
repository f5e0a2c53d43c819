package dev.uniscope.ui.app;

import dev.uniscope.flamegraph.layout.FrameRect;
import dev.uniscope.ui.console.ConsoleBuffer;
import dev.uniscope.ui.flame.FlameModel;
import dev.uniscope.ui.layout.LayoutInfo;
import dev.uniscope.ui.timeline.TimelineSnapshot;
import dev.uniscope.ui.vm.VmState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The window's state written beside a screenshot ({@code PNG.json}), so a test can check what the
 * panes held without reading pixels.
 *
 * @param ready whether the content was complete when the snapshot was taken
 * @param mode {@code live}, {@code capture} or {@code folded}
 * @param transport the live trace channel, {@code vsock} or {@code serial}; empty otherwise
 * @param vmState the status bar's VM text
 * @param exitStatus the app's exit status in live mode, else -1
 * @param consoleBanner the console's {@code uniscope: kernel ... booting} line, or null
 * @param consoleAppExit the console's {@code app: exit} line, or null
 * @param consoleFirstLines the first console lines (at most 20)
 * @param slide the KASLR slide in hex, or null
 * @param buildId the build-id in hex, or ""
 * @param flameSamples samples in the flame graph
 * @param flameFrames frames (tree nodes) in the flame graph
 * @param flameTopFrames the widest frames below the root, name and samples (at most 10)
 * @param knownAnswer a ground-truth app's expected profile next to the measured one, or null
 */
public record UiState(
    int width,
    int height,
    boolean ready,
    String mode,
    String transport,
    String vmState,
    int exitStatus,
    String status,
    int consoleLines,
    String consoleBanner,
    String consoleAppExit,
    List<String> consoleFirstLines,
    String slide,
    String base,
    String buildId,
    int layoutRegions,
    long flameSamples,
    int flameFrames,
    List<String> flameTopFrames,
    String knownAnswer,
    int timelineCpus,
    long timelineSpans) {

  /** Collects the panes' content (FX thread). */
  static UiState of(
      int width,
      int height,
      boolean complete,
      String mode,
      String transport,
      VmState vm,
      String status,
      ConsoleBuffer console,
      LayoutInfo l,
      FlameModel fm,
      String knownAnswer,
      TimelineSnapshot ts) {
    List<String> top = new ArrayList<>();
    if (fm != null) {
      List<FrameRect> rects = new ArrayList<>(fm.layout(1000).rects());
      rects.removeIf(r -> r.depth() == 0);
      rects.sort(Comparator.comparingLong(FrameRect::samples).reversed());
      for (FrameRect r : rects.subList(0, Math.min(10, rects.size()))) {
        top.add(ConsoleBuffer.sanitize(r.label()) + " " + r.samples());
      }
    }
    List<String> lines = console.lines();
    return new UiState(
        width,
        height,
        complete,
        mode,
        transport,
        vm.label(),
        vm instanceof VmState.Ended e ? e.exitStatus() : -1,
        status,
        lines.size(),
        console.firstStartingWith("uniscope: kernel"),
        console.firstStartingWith("app: exit"),
        lines.subList(0, Math.min(20, lines.size())),
        l.slide() == null ? null : String.format(Locale.ROOT, "0x%x", l.slide()),
        l.base() == null ? null : String.format(Locale.ROOT, "0x%x", l.base()),
        l.buildId(),
        l.regions().size(),
        fm == null ? 0 : fm.totalSamples(),
        fm == null ? 0 : fm.tree().size(),
        top,
        knownAnswer,
        ts == null ? 0 : ts.cpus(),
        ts == null ? 0 : ts.events());
  }
}
