package dev.uniscope.cli.report;

import dev.uniscope.core.report.EventCounts;
import dev.uniscope.core.report.LeakAnalysis;
import dev.uniscope.core.report.ProfileAnalysis;
import dev.uniscope.core.report.Report;
import dev.uniscope.core.session.RunRecord;
import dev.uniscope.core.symbols.LayoutBlock;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The one-screen text summary of a capture, shared by {@code run} and {@code report}. */
public final class Summary {
  private static final int TOP_FUNCTIONS = 5;

  private Summary() {}

  /** Run outcome, kernel, slide, events per group and losses. */
  public static void printHeader(
      PrintStream out,
      String capture,
      Optional<RunRecord> run,
      Optional<LayoutBlock> layout,
      String buildId,
      EventCounts events) {
    out.println("capture   " + capture);
    run.ifPresent(
        r ->
            out.println(
                String.format(
                    Locale.ROOT,
                    "app       %s: %s after %.2f s",
                    clean(r.app()),
                    clean(r.outcomeText()),
                    r.durationNanos() / 1e9)));
    out.println(
        "kernel    "
            + (buildId == null ? "no hello on the data channel" : "build-id " + buildId)
            + layout
                .map(
                    l ->
                        ", KASLR "
                            + (l.kaslrEnabled() ? "on" : "off")
                            + ", slide 0x"
                            + Long.toHexString(l.slide()))
                .orElse(""));
    StringBuilder groups = new StringBuilder();
    for (Map.Entry<String, Long> g : new TreeMap<>(events.byGroup()).entrySet()) {
      groups
          .append(groups.isEmpty() ? "" : ", ")
          .append(g.getKey())
          .append(' ')
          .append(g.getValue());
    }
    out.println("events    " + events.total() + (groups.isEmpty() ? "" : " (" + groups + ")"));
    out.println(
        "lost      "
            + events.lostRecords()
            + " records dropped by the kernel, "
            + events.missingPages()
            + " pages missing"
            + (events.badPages() > 0 ? ", " + events.badPages() + " bad pages" : ""));
  }

  public static void print(Report r, PrintStream out) {
    printHeader(
        out,
        r.capture().toString() + (r.footerRebuilt() ? " (recording cut short; re-indexed)" : ""),
        r.run(),
        r.layout(),
        r.hello().map(h -> h.buildIdHex()).orElse(null),
        r.events());
    ProfileAnalysis.Summary p = r.profile();
    if (p.samples() > 0) {
      StringBuilder top = new StringBuilder();
      p.functions().stream()
          .limit(TOP_FUNCTIONS)
          .forEach(
              f ->
                  top.append(top.isEmpty() ? "" : ", ")
                      .append(clean(f.name()))
                      .append(String.format(Locale.ROOT, " %.1f%%", f.selfPct())));
      out.println("profile   " + p.samples() + " samples: " + top);
    }
    LeakAnalysis.Summary l = r.leaks();
    if (l.source().equals("none")) {
      out.println("leaks     no leak scan in the capture");
    } else {
      StringBuilder sites = new StringBuilder();
      l.groups()
          .forEach(
              g ->
                  sites
                      .append(sites.isEmpty() ? "" : ", ")
                      .append(clean(g.site()))
                      .append(' ')
                      .append(g.count())
                      .append('x')
                      .append(g.sizes().size() == 1 ? g.sizes().getFirst().size() + "B" : "mixed"));
      out.println(
          "leaks     "
              + l.leaks()
              + " objects, "
              + l.leakedBytes()
              + " bytes"
              + (sites.isEmpty() ? "" : ": " + sites));
    }
    if (!r.symbols().problem().isEmpty() && r.symbols().symbolizer() == null) {
      out.println("symbols   none: " + clean(r.symbols().problem()));
    } else if (Boolean.FALSE.equals(r.symbols().buildIdMatches())) {
      out.println("symbols   WARNING: " + r.symbols().elf() + " is not the kernel of this capture");
    }
  }

  /** Guest text on a terminal: no control characters (escape sequences), bounded length. */
  static String clean(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 200; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return b.toString();
  }
}
