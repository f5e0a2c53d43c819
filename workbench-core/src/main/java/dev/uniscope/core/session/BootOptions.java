package dev.uniscope.core.session;

import dev.uniscope.trace.meta.CoreEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What to instrument, as the kernel's boot options (docs/protocol.md section 7.1): {@code
 * trace=GROUPS}, {@code profile=HZ}, {@code heap=track} (with {@code leakscan=end}), always with
 * {@code data=com2}.
 *
 * @param groups bit mask of trace groups (protocol section 7.1), without profile and heap
 * @param profileHz sampling profiler rate, 0 = off
 * @param heap heap tracking: allocation stacks and the leak scan
 * @param endScan with heap tracking, one more leak scan when the app's main returns ({@code
 *     leakscan=end}, docs/app-api.md), so leaks made just before an app exits on its own are not
 *     missed
 */
public record BootOptions(int groups, int profileHz, boolean heap, boolean endScan) {
  /** The kernel accepts 1..10000 Hz (SET_SAMPLE_RATE). */
  public static final int MAX_PROFILE_HZ = 10_000;

  /**
   * Objects younger than this are never reported as leaks. The kernel's default (1000 ms) hides
   * leaks made less than a second before the app exits; 250 ms keeps in-flight allocations out
   * while periodic scans still see short-lived apps.
   */
  public static final int LEAK_MIN_AGE_MS = 250;

  public BootOptions {
    if (profileHz < 0 || profileHz > MAX_PROFILE_HZ) {
      throw new IllegalArgumentException(
          "profile rate " + profileHz + " Hz is outside 0.." + MAX_PROFILE_HZ);
    }
  }

  /** With the end scan whenever heap tracking is on (the default of {@code run --heap}). */
  public BootOptions(int groups, int profileHz, boolean heap) {
    this(groups, profileHz, heap, heap);
  }

  public static BootOptions none() {
    return new BootOptions(0, 0, false);
  }

  /**
   * Parses {@code sched,irq,alloc}: names from protocol section 7.1, comma-separated.
   *
   * @throws IllegalArgumentException naming the unknown group and the known ones
   */
  public static int parseGroups(String list) {
    int mask = 0;
    if (list == null || list.isBlank()) {
      return 0;
    }
    for (String raw : list.split(",")) {
      String name = raw.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      int bit = CoreEvents.GROUP_NAMES.indexOf(name);
      if (bit < 0) {
        throw new IllegalArgumentException(
            "unknown trace group '" + raw.trim() + "' (known: " + CoreEvents.GROUP_NAMES + ")");
      }
      mask |= 1 << bit;
    }
    return mask;
  }

  /** Group names of a mask, in bit order. */
  public static List<String> groupNames(int mask) {
    List<String> names = new ArrayList<>();
    for (int bit = 0; bit < CoreEvents.GROUP_NAMES.size(); bit++) {
      if ((mask & (1 << bit)) != 0) {
        names.add(CoreEvents.GROUP_NAMES.get(bit));
      }
    }
    return names;
  }

  /** Whether anything is instrumented at all. */
  public boolean any() {
    return groups != 0 || profileHz > 0 || heap;
  }

  /** The kernel command-line words, e.g. {@code data=com2 trace=sched,irq profile=997}. */
  public List<String> kernelArgs() {
    List<String> args = new ArrayList<>();
    args.add("data=com2");
    // Markers are on by default in the kernel; keep them so the timeline shows the app's phases.
    int mask = groups | (1 << CoreEvents.GROUP_MARKER);
    args.add("trace=" + String.join(",", groupNames(mask)));
    if (profileHz > 0) {
      args.add("profile=" + profileHz);
    }
    if (heap) {
      args.add("heap=track");
      args.add("leak_min_age=" + LEAK_MIN_AGE_MS);
      if (endScan) {
        args.add("leakscan=end");
      }
    }
    return args;
  }
}
