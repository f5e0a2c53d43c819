package dev.uniscope.core.report;

import dev.uniscope.core.analysis.latency.LatencyRow;
import dev.uniscope.core.analysis.latency.LatencyStats;
import dev.uniscope.core.session.RunRecord;
import dev.uniscope.core.symbols.LayoutBlock;
import dev.uniscope.flamegraph.render.FlameGraphRenderer;
import dev.uniscope.flamegraph.render.RenderOptions;
import dev.uniscope.trace.session.Hello;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as a self-contained directory: {@code index.html} (summary, leak table, timeline
 * summary, KASLR layout, latency), {@code flamegraph.svg} (interactive), {@code heap.png} and
 * {@code event-rate.png}. Every string that came from the guest or the capture is escaped.
 */
public final class HtmlReport {
  public static final String INDEX = "index.html";
  public static final String FLAME = "flamegraph.svg";
  public static final String HEAP_PNG = "heap.png";
  public static final String RATE_PNG = "event-rate.png";

  private HtmlReport() {}

  public static void write(Report r, Path dir) throws IOException {
    Files.createDirectories(dir);
    boolean flame = r.profile().samples() > 0;
    if (flame) {
      try (OutputStream out = Files.newOutputStream(dir.resolve(FLAME))) {
        FlameGraphRenderer.render(
            r.profile().tree(),
            RenderOptions.defaults().withTitle("CPU profile (non-idle samples)"),
            FlameGraphRenderer.Format.SVG,
            out);
      }
    }
    try (OutputStream out = Files.newOutputStream(dir.resolve(HEAP_PNG))) {
      Charts.heap(r.activity(), out);
    }
    try (OutputStream out = Files.newOutputStream(dir.resolve(RATE_PNG))) {
      Charts.eventRate(r.activity(), out);
    }
    Files.writeString(dir.resolve(INDEX), html(r, flame), StandardCharsets.UTF_8);
  }

  /** Escapes text for HTML element content and double-quoted attributes. */
  public static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            b.append("&#xFFFD;"); // control characters from the guest
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  private static String html(Report r, boolean flame) {
    StringBuilder b = new StringBuilder(1 << 16);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Uniscope report: ")
        .append(esc(r.capture().getFileName().toString()))
        .append("</title><style>")
        .append("body{font-family:sans-serif;margin:1.5em;max-width:1100px}")
        .append("table{border-collapse:collapse;margin:.5em 0}")
        .append("td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;font-size:90%}")
        .append("td.n{text-align:right;font-family:monospace}")
        .append("code,pre{font-family:monospace}.bad{color:#b00;font-weight:bold}")
        .append("</style></head><body>\n");
    b.append("<h1>Uniscope report</h1>\n");
    summary(r, b);
    b.append("<h2>CPU profile</h2>\n");
    if (flame) {
      b.append("<p>")
          .append(r.profile().samples())
          .append(" non-idle samples (")
          .append(r.profile().idleSamples())
          .append(" idle). Click a frame to zoom; Ctrl-F searches.</p>\n")
          .append("<object type=\"image/svg+xml\" data=\"")
          .append(FLAME)
          .append("\" style=\"width:100%\"></object>\n");
      functions(r, b);
    } else {
      b.append("<p>No profiler samples (run with <code>--profile HZ</code>).</p>\n");
    }
    leaks(r, b);
    timeline(r, b);
    b.append("<h2>Charts</h2>\n<p><img alt=\"heap over time\" src=\"")
        .append(HEAP_PNG)
        .append("\"></p>\n<p><img alt=\"event rate\" src=\"")
        .append(RATE_PNG)
        .append("\"></p>\n");
    layout(r, b);
    latency(r, b);
    b.append("</body></html>\n");
    return b.toString();
  }

  private static void summary(Report r, StringBuilder b) {
    b.append("<table>\n");
    row(b, "capture", r.capture().toString());
    if (r.footerRebuilt()) {
      row(b, "capture state", "no footer (recording was cut short); index rebuilt by scanning");
    }
    r.run().ifPresent(run -> runRows(run, b));
    Hello h = r.hello().orElse(null);
    if (h != null) {
      row(b, "kernel build-id", h.buildIdHex());
      row(b, "kernel command line", h.cmdline());
      row(b, "CPUs", Integer.toString(h.ncpu()));
    } else {
      row(b, "kernel", "no hello in the capture: the data channel stayed silent");
    }
    EventCounts e = r.events();
    row(b, "events", Long.toString(e.total()));
    for (Map.Entry<String, Long> g : new java.util.TreeMap<>(e.byGroup()).entrySet()) {
      row(b, "  group " + g.getKey(), Long.toString(g.getValue()));
    }
    row(
        b,
        "lost",
        e.lostRecords()
            + " records dropped by the kernel, "
            + e.missingPages()
            + " pages missing, "
            + e.badPages()
            + " bad pages");
    row(
        b,
        "symbols",
        r.symbols().symbolizer() != null
            ? r.symbols().elf()
                + (Boolean.FALSE.equals(r.symbols().buildIdMatches())
                    ? " (BUILD-ID DIFFERS from the capture)"
                    : "")
            : "none: " + r.symbols().problem());
    b.append("</table>\n");
  }

  private static void runRows(RunRecord run, StringBuilder b) {
    row(b, "app", run.app());
    row(b, "outcome", run.outcomeText());
    if (!run.dump().isEmpty()) {
      row(b, "memory dump", run.dump());
    }
    row(b, "run time", String.format(Locale.ROOT, "%.2f s", run.durationNanos() / 1e9));
  }

  private static void functions(Report r, StringBuilder b) {
    b.append("<table><tr><th>function</th><th>self</th><th>self %</th><th>total</th>")
        .append("<th>total %</th></tr>\n");
    for (ProfileAnalysis.FunctionShare f : r.profile().functions()) {
      b.append("<tr><td><code>")
          .append(esc(f.name()))
          .append("</code></td>")
          .append(num(f.self()))
          .append(num(pct(f.selfPct())))
          .append(num(f.total()))
          .append(num(pct(f.totalPct())))
          .append("</tr>\n");
    }
    b.append("</table>\n");
  }

  private static void leaks(Report r, StringBuilder b) {
    LeakAnalysis.Summary l = r.leaks();
    b.append("<h2>Leaks</h2>\n");
    if (l.source().equals("none")) {
      b.append("<p>No complete leak scan in the capture (run with <code>--heap</code>). ")
          .append(l.outstandingObjects())
          .append(" allocations (")
          .append(l.outstandingBytes())
          .append(" bytes) were not freed by the end of the capture; that alone does not make")
          .append(" them leaks.</p>\n");
      return;
    }
    b.append("<p")
        .append(l.leaks() > 0 ? " class=\"bad\"" : "")
        .append(">")
        .append(l.leaks())
        .append(" unreferenced objects, ")
        .append(l.leakedBytes())
        .append(" bytes (leak scan ")
        .append(l.scanId())
        .append(").</p>\n");
    if (l.groups().isEmpty()) {
      return;
    }
    b.append("<table><tr><th>site</th><th>objects</th><th>bytes</th><th>sizes</th>")
        .append("<th>allocation stack (leaf first)</th></tr>\n");
    for (LeakAnalysis.LeakGroup g : l.groups()) {
      StringBuilder sizes = new StringBuilder();
      for (LeakAnalysis.SizeCount sc : g.sizes()) {
        sizes.append(sc.count()).append(" x ").append(sc.size()).append(" B ");
      }
      b.append("<tr><td><code>")
          .append(esc(g.site()))
          .append("</code></td>")
          .append(num(g.count()))
          .append(num(g.bytes()))
          .append("<td>")
          .append(esc(sizes.toString().trim()))
          .append("</td><td><pre>")
          .append(esc(String.join("\n", g.stack())))
          .append("</pre></td></tr>\n");
    }
    b.append("</table>\n");
  }

  private static void timeline(Report r, StringBuilder b) {
    ActivityAnalysis.Summary a = r.activity();
    b.append("<h2>Timeline summary</h2>\n<p>")
        .append(a.events())
        .append(" events over ")
        .append(String.format(Locale.ROOT, "%.3f", (a.lastNs() - a.firstNs()) / 1e9))
        .append(" s.</p>\n");
    b.append("<table><tr><th>CPU</th><th>busy</th><th>busy %</th><th>switches</th>")
        .append("<th>interrupts</th></tr>\n");
    for (ActivityAnalysis.CpuStats c : a.cpus()) {
      b.append("<tr>")
          .append(num(c.cpu()))
          .append(num(String.format(Locale.ROOT, "%.3f s", c.busyNs() / 1e9)))
          .append(num(pct(c.busyPct())))
          .append(num(c.switches()))
          .append(num(c.irqs()))
          .append("</tr>\n");
    }
    b.append("</table>\n");
    if (!a.threads().isEmpty()) {
      b.append("<table><tr><th>tid</th><th>thread</th><th>switched in</th><th>woken</th></tr>\n");
      for (ActivityAnalysis.ThreadStats t : a.threads()) {
        b.append("<tr>")
            .append(num(t.tid()))
            .append("<td>")
            .append(esc(t.name()))
            .append("</td>")
            .append(num(t.switchesIn()))
            .append(num(t.wakeups()))
            .append("</tr>\n");
      }
      b.append("</table>\n");
    }
  }

  private static void layout(Report r, StringBuilder b) {
    b.append("<h2>KASLR layout</h2>\n");
    if (r.layout().isEmpty()) {
      b.append("<p>").append(esc(r.layoutProblem())).append("</p>\n");
      return;
    }
    LayoutBlock l = r.layout().get();
    b.append("<table>\n");
    row(b, "KASLR", l.kaslrEnabled() ? "on" : "off");
    row(b, "slide", hex(l.slide()));
    row(b, "link base", hex(l.linkBase()));
    row(b, "runtime base", hex(l.virtBase()));
    row(b, "physical base", hex(l.physBase()));
    row(b, "seed", hex(l.kaslrSeed()) + " (" + l.seedSourceName() + ")");
    b.append("</table>\n<table><tr><th>region</th><th>start</th><th>end</th><th>size</th>")
        .append("<th>flags</th></tr>\n");
    for (LayoutBlock.Region g : l.regions()) {
      b.append("<tr><td>")
          .append(esc(g.name()))
          .append("</td>")
          .append(num(hex(g.start())))
          .append(num(hex(g.start() + g.size())))
          .append(num(g.size()))
          .append("<td>")
          .append(g.readable() ? 'r' : '-')
          .append(g.writable() ? 'w' : '-')
          .append(g.executable() ? 'x' : '-')
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  private static void latency(Report r, StringBuilder b) {
    b.append("<h2>Latency</h2>\n<table><tr><th>what</th><th>count</th><th>p50</th><th>p90</th>")
        .append("<th>p99</th><th>max</th></tr>\n");
    stats(b, "scheduling (wake-up to run)", r.latency().scheduling());
    rows(b, r.latency().irqs());
    rows(b, r.latency().markers());
    rows(b, r.latency().functions());
    b.append("</table>\n");
  }

  private static void rows(StringBuilder b, List<LatencyRow> rows) {
    rows.stream().limit(30).forEach(row -> stats(b, row.name(), row.stats()));
  }

  private static void stats(StringBuilder b, String name, LatencyStats s) {
    b.append("<tr><td>")
        .append(esc(name))
        .append("</td>")
        .append(num(s.count()))
        .append(num(ns(s.p50())))
        .append(num(ns(s.p90())))
        .append(num(ns(s.p99())))
        .append(num(ns(s.max())))
        .append("</tr>\n");
  }

  private static String ns(long v) {
    return v >= 1_000_000
        ? String.format(Locale.ROOT, "%.3f ms", v / 1e6)
        : String.format(Locale.ROOT, "%.3f us", v / 1e3);
  }

  private static void row(StringBuilder b, String k, String v) {
    b.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
  }

  private static String num(long v) {
    return "<td class=\"n\">" + v + "</td>";
  }

  private static String num(String v) {
    return "<td class=\"n\">" + esc(v) + "</td>";
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
