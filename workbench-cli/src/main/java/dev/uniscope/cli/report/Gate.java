package dev.uniscope.cli.report;

import dev.uniscope.core.report.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The CI gates of {@code report --fail-on}: each has its exit code (docs/cli.md). When several
 * fail, the first in declaration order decides the code and every failure is printed.
 */
public enum Gate {
  /** The run ended in a guest panic (or QEMU died without an exit code). */
  PANIC(3),
  /** The newest complete leak scan found unreferenced objects, or there is no scan at all. */
  LEAKS(5),
  /** Records dropped by the kernel, or pages missing or undecodable. */
  LOST_EVENTS(6);

  private final int exitCode;

  Gate(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The name on the command line: {@code panic}, {@code leaks}, {@code lost-events}. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@code leaks,panic,lost-events}; the result is in declaration (exit-code) order. */
  public static List<Gate> parseList(String list) {
    List<Gate> gates = new ArrayList<>();
    for (String raw : list.split(",")) {
      String n = raw.trim();
      if (n.isEmpty()) {
        continue;
      }
      Gate g = null;
      for (Gate x : values()) {
        if (x.optionName().equals(n.toLowerCase(Locale.ROOT))) {
          g = x;
        }
      }
      if (g == null) {
        throw new IllegalArgumentException(
            "unknown gate '" + n + "' for --fail-on (known: panic, leaks, lost-events)");
      }
      if (!gates.contains(g)) {
        gates.add(g);
      }
    }
    gates.sort(null);
    return gates;
  }

  /** Why this gate fails for {@code r}, or empty when it passes. */
  public Optional<String> check(Report r) {
    return switch (this) {
      case PANIC ->
          r.panicked()
              ? Optional.of(
                  "the guest panicked"
                      + r.run()
                          .map(x -> x.panicReason().isEmpty() ? "" : ": " + x.panicReason())
                          .orElse(""))
              : Optional.empty();
      case LEAKS -> {
        if (r.leaks().source().equals("none")) {
          // Asked to gate on leaks but nothing can tell: failing is safer than a silent pass.
          yield Optional.of("the capture has no complete leak scan (capture with --heap)");
        }
        yield r.leaks().leaks() > 0
            ? Optional.of(
                r.leaks().leaks()
                    + " leaked objects ("
                    + r.leaks().leakedBytes()
                    + " bytes) at "
                    + r.leaks().groups().size()
                    + " allocation site(s)")
            : Optional.empty();
      }
      case LOST_EVENTS ->
          r.events().anyLost()
              ? Optional.of(
                  r.events().lostRecords()
                      + " records dropped by the kernel, "
                      + r.events().missingPages()
                      + " pages missing, "
                      + r.events().badPages()
                      + " bad pages")
              : Optional.empty();
    };
  }
}
