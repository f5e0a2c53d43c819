package dev.uniscope.core.report;

import dev.uniscope.core.analysis.latency.LatencyRow;
import dev.uniscope.core.analysis.latency.LatencyStats;
import dev.uniscope.core.session.RunRecord;
import dev.uniscope.core.symbols.LayoutBlock;
import dev.uniscope.trace.session.Hello;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The report as JSON, schema version {@link Report#SCHEMA_VERSION} (docs/report-schema.md). */
public final class ReportJson {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ReportJson() {}

  public static void write(Report r, OutputStream out) {
    JSON.writerWithDefaultPrettyPrinter().writeValue(out, tree(r));
  }

  /** The JSON tree (tests read it back). */
  public static ObjectNode tree(Report r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("schema", "uniscope-report");
    root.put("version", Report.SCHEMA_VERSION);
    capture(r, root.putObject("capture"));
    kernel(r, root.putObject("kernel"));
    if (r.layout().isPresent()) {
      layout(r, r.layout().get(), root.putObject("layout"));
    } else {
      root.putNull("layout");
    }
    if (r.run().isPresent()) {
      run(r.run().get(), root.putObject("run"));
    } else {
      root.putNull("run");
    }
    events(r.events(), root.putObject("events"));
    profile(r, root.putObject("profile"));
    leaks(r.leaks(), root.putObject("leaks"));
    timeline(r.activity(), root.putObject("timeline"));
    latency(r, root.putObject("latency"));
    return root;
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  private static void capture(Report r, ObjectNode n) {
    n.put("file", r.capture().toString());
    n.put("bytes", r.captureBytes());
    n.put("footer_rebuilt", r.footerRebuilt());
    n.put("problems", r.problemCount());
    ArrayNode first = n.putArray("first_problems");
    r.problems().stream().limit(20).forEach(first::add);
  }

  private static void kernel(Report r, ObjectNode n) {
    Hello h = r.hello().orElse(null);
    if (h == null) {
      n.putNull("build_id");
      n.putNull("cmdline");
      n.putNull("ncpu");
      n.putNull("sample_hz");
    } else {
      n.put("build_id", h.buildIdHex());
      n.put("cmdline", h.cmdline());
      n.put("protocol", h.major() + "." + h.minor());
      n.put("ncpu", h.ncpu());
      n.put("page_size", h.pageSize());
      n.put("pages_per_cpu", h.pagesPerCpu());
      n.put("tsc_hz", h.tscHz());
      n.put(
          "groups", String.join(",", dev.uniscope.core.session.BootOptions.groupNames(h.groups())));
      n.put("sample_hz", h.sampleHz());
    }
    Symbols s = r.symbols();
    if (s.elf() != null) {
      n.put("elf", s.elf().toString());
    } else {
      n.putNull("elf");
    }
    n.put("symbolized", s.symbolizer() != null);
    if (s.buildIdMatches() == null) {
      n.putNull("elf_matches");
    } else {
      n.put("elf_matches", s.buildIdMatches());
    }
    n.put("symbols_problem", s.problem());
  }

  private static void layout(Report r, LayoutBlock l, ObjectNode n) {
    n.put("version", l.version());
    n.put("valid", l.valid());
    n.put("build_id", l.buildId().hex());
    n.put("kaslr", l.kaslrEnabled());
    n.put("slide", hex(l.slide()));
    n.put("slide_origin", r.symbols().slide().origin().name().toLowerCase(java.util.Locale.ROOT));
    n.put("link_base", hex(l.linkBase()));
    n.put("virt_base", hex(l.virtBase()));
    n.put("phys_base", hex(l.physBase()));
    n.put("image_size", l.imageSize());
    n.put("seed", hex(l.kaslrSeed()));
    n.put("seed_source", l.seedSourceName());
    n.put("cpus", l.cpus());
    ArrayNode regions = n.putArray("regions");
    for (LayoutBlock.Region g : l.regions()) {
      ObjectNode o = regions.addObject();
      o.put("kind", g.kind());
      o.put("name", g.name());
      o.put("start", hex(g.start()));
      o.put("size", g.size());
      o.put("phys", hex(g.phys()));
      o.put(
          "flags",
          (g.readable() ? "r" : "-") + (g.writable() ? "w" : "-") + (g.executable() ? "x" : "-"));
    }
  }

  private static void run(RunRecord run, ObjectNode n) {
    n.put("app", run.app());
    n.put("cmdline", run.cmdline());
    n.put("outcome", run.outcome());
    if (run.exitStatus() >= 0) {
      n.put("exit_status", run.exitStatus());
    } else {
      n.putNull("exit_status");
    }
    n.put("panic_reason", run.panicReason());
    n.put("dump", run.dump());
    n.put("duration_ns", run.durationNanos());
  }

  private static void events(EventCounts e, ObjectNode n) {
    n.put("total", e.total());
    counts(e.byGroup(), n.putObject("by_group"));
    counts(e.byEvent(), n.putObject("by_event"));
    n.put("lost_records", e.lostRecords());
    n.put("missing_pages", e.missingPages());
    n.put("bad_pages", e.badPages());
    n.put("crc_errors", e.crcErrors());
    n.put("garbage_bytes", e.garbageBytes());
  }

  private static void counts(Map<String, Long> m, ObjectNode n) {
    new java.util.TreeMap<>(m).forEach(n::put);
  }

  private static void profile(Report r, ObjectNode n) {
    ProfileAnalysis.Summary p = r.profile();
    n.put("samples", p.samples());
    n.put("idle_samples", p.idleSamples());
    n.put("sample_hz", r.hello().map(Hello::sampleHz).orElse(0));
    ArrayNode f = n.putArray("functions");
    for (ProfileAnalysis.FunctionShare s : p.functions()) {
      ObjectNode o = f.addObject();
      o.put("name", s.name());
      o.put("self", s.self());
      o.put("self_pct", round(s.selfPct()));
      o.put("total", s.total());
      o.put("total_pct", round(s.totalPct()));
    }
    ArrayNode st = n.putArray("stacks");
    for (ProfileAnalysis.StackShare s : p.stacks()) {
      ObjectNode o = st.addObject();
      strings(s.frames(), o.putArray("frames"));
      o.put("samples", s.samples());
      o.put("pct", round(s.pct()));
    }
  }

  private static void leaks(LeakAnalysis.Summary l, ObjectNode n) {
    n.put("source", l.source());
    n.put("scan_id", l.scanId());
    n.put("complete_scans", l.scans());
    n.put("leaks", l.leaks());
    n.put("leaked_bytes", l.leakedBytes());
    ArrayNode g = n.putArray("groups");
    for (LeakAnalysis.LeakGroup x : l.groups()) {
      ObjectNode o = g.addObject();
      o.put("site", x.site());
      o.put("stack_id", x.stackId());
      o.put("count", x.count());
      o.put("bytes", x.bytes());
      ArrayNode sizes = o.putArray("sizes");
      for (LeakAnalysis.SizeCount sc : x.sizes()) {
        sizes.addObject().put("size", sc.size()).put("count", sc.count());
      }
      strings(x.stack(), o.putArray("stack"));
    }
    ObjectNode out = n.putObject("outstanding");
    out.put("objects", l.outstandingObjects());
    out.put("bytes", l.outstandingBytes());
  }

  private static void timeline(ActivityAnalysis.Summary a, ObjectNode n) {
    n.put("events", a.events());
    n.put("first_ns", a.firstNs());
    n.put("last_ns", a.lastNs());
    n.put("duration_ns", a.lastNs() - a.firstNs());
    ArrayNode cpus = n.putArray("cpus");
    for (ActivityAnalysis.CpuStats c : a.cpus()) {
      cpus.addObject()
          .put("cpu", c.cpu())
          .put("busy_ns", c.busyNs())
          .put("busy_pct", round(c.busyPct()))
          .put("switches", c.switches())
          .put("irqs", c.irqs());
    }
    ArrayNode threads = n.putArray("threads");
    for (ActivityAnalysis.ThreadStats t : a.threads()) {
      threads
          .addObject()
          .put("tid", t.tid())
          .put("name", t.name())
          .put("switches_in", t.switchesIn())
          .put("wakeups", t.wakeups());
    }
    ObjectNode irqs = n.putObject("irqs_by_vector");
    new java.util.TreeMap<>(a.irqsByVector()).forEach((v, c) -> irqs.put(Integer.toString(v), c));
  }

  private static void latency(Report r, ObjectNode n) {
    stats(r.latency().scheduling(), n.putObject("scheduling"));
    rows(r.latency().irqs(), n.putArray("irqs"));
    rows(r.latency().functions(), n.putArray("functions"));
    rows(r.latency().markers(), n.putArray("markers"));
  }

  private static void rows(List<LatencyRow> rows, ArrayNode a) {
    rows.stream()
        .limit(50)
        .forEach(row -> stats(row.stats(), a.addObject().put("name", row.name())));
  }

  private static void stats(LatencyStats s, ObjectNode o) {
    o.put("count", s.count());
    o.put("min_ns", s.min());
    o.put("p50_ns", s.p50());
    o.put("p90_ns", s.p90());
    o.put("p99_ns", s.p99());
    o.put("max_ns", s.max());
    o.put("mean_ns", round(s.mean()));
    o.put("exact", s.exact());
  }

  private static void strings(List<String> l, ArrayNode a) {
    l.forEach(a::add);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
