package dev.uniscope.ui.app;

import java.util.List;

/**
 * The window's state written beside a screenshot ({@code PNG.json}), so a test can check what the
 * panes held without reading pixels.
 *
 * @param ready whether the content was complete when the snapshot was taken
 * @param mode {@code live}, {@code capture} or {@code folded}
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
    long timelineSpans) {}
