package dev.uniscope.core.imports;

import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.TraceEvent;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads Chrome Trace Event Format JSON, array form or {@code {"traceEvents": [...]}} object form,
 * with Jackson's streaming parser.
 *
 * <p>A file written by {@code ChromeTraceExporter} (marked {@code "otherData": {"exporter":
 * "uniscope"}}) maps back to the events it came from: CPU slices to context switches, IRQ and call
 * slices to entry/exit pairs, state slices to wakeups, instants to timers, page faults and function
 * calls. Any other file maps to markers: X/B/E to begin/end per tid, i to instants, C to counters
 * (one per series; values rounded to integers), thread_name metadata to thread names; async, flow,
 * sample and object events are counted as ignored.
 *
 * <p>Events need not be sorted in the file, so they are collected (at most {@link
 * ImportOptions#maxEvents()}), nested per track and sorted before they reach the sink, in global
 * time order.
 */
public final class ChromeJsonImporter {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxStringLength(1 << 20)
                  .maxNumberLength(64)
                  .maxNameLength(1 << 16)
                  .build())
          .build();
  private static final int MAX_ARGS = 64;
  private static final BigDecimal MAX_MICROS = BigDecimal.valueOf(4_000_000_000_000_000L);

  private final ImportOptions options;
  private final List<ImportProblem> problems = new ArrayList<>();
  private final List<ChromeEvent> parsed = new ArrayList<>();
  private long records;
  private long skipped;
  private long ignored;
  private boolean ours;

  private ChromeJsonImporter(ImportOptions options) {
    this.options = options;
  }

  /**
   * Imports {@code in} into {@code sink}.
   *
   * @throws TraceImportException on malformed JSON or a bad event (unless {@link
   *     ImportOptions#skipBad()}, which keeps what parsed and reports the rest), or past a limit
   */
  public static ImportResult read(
      InputStream in, EventSink sink, FunctionTable functions, ImportOptions options) {
    ChromeJsonImporter r = new ChromeJsonImporter(options);
    r.parse(in);
    List<TraceEvent> events = new ChromeEventMapper(r.ours, functions).map(r.parsed);
    r.ignored += r.parsed.size() - countMapped(r.parsed, r.ours);
    if (events.size() > options.maxEvents()) {
      throw new TraceImportException(
          new ImportProblem("traceEvents", "more than " + options.maxEvents() + " events"));
    }
    events.sort(Comparator.comparingLong(TraceEvent::ts));
    for (TraceEvent e : events) {
      e.replay(sink);
    }
    sink.flush();
    return new ImportResult(
        r.records, events.size(), r.ignored, r.skipped, List.copyOf(r.problems));
  }

  private static long countMapped(List<ChromeEvent> events, boolean ours) {
    return events.stream().filter(e -> ChromeEventMapper.maps(e, ours)).count();
  }

  private void parse(InputStream in) {
    try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), in)) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        events(p, "");
      } else if (t == JsonToken.START_OBJECT) {
        boolean found = false;
        while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
          String field = p.currentName();
          JsonToken v = p.nextToken();
          if ("traceEvents".equals(field) && v == JsonToken.START_ARRAY) {
            found = true;
            events(p, "traceEvents");
          } else if ("otherData".equals(field) && v == JsonToken.START_OBJECT) {
            otherData(p);
          } else {
            p.skipChildren();
          }
        }
        if (!found) {
          fatal(new ImportProblem("$", "no \"traceEvents\" array in the object"));
        }
      } else {
        fatal(new ImportProblem(where(p), "expected a JSON array or object"));
      }
    } catch (JacksonException e) {
      TokenStreamLocation loc = e.getLocation();
      String at = loc == null ? "input" : location(loc);
      fatal(new ImportProblem(at, "malformed JSON: " + e.getOriginalMessage()));
    }
  }

  private void otherData(JsonParser p) {
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String f = p.currentName();
      JsonToken v = p.nextToken();
      if ("exporter".equals(f) && v == JsonToken.VALUE_STRING && "uniscope".equals(p.getString())) {
        ours = true;
      } else {
        p.skipChildren();
      }
    }
  }

  /** Malformed JSON cannot be resynchronised: lenient imports keep what parsed before it. */
  private void fatal(ImportProblem problem) {
    if (!options.skipBad()) {
      throw new TraceImportException(problem);
    }
    skipped++;
    if (problems.size() < options.maxProblems()) {
      problems.add(problem);
    }
  }

  private void problem(ImportProblem problem) {
    if (!options.skipBad()) {
      throw new TraceImportException(problem);
    }
    skipped++;
    if (problems.size() < options.maxProblems()) {
      problems.add(problem);
    }
  }

  private static String where(JsonParser p) {
    return location(p.currentTokenLocation());
  }

  private static String location(TokenStreamLocation l) {
    return "byte "
        + l.getByteOffset()
        + " (line "
        + l.getLineNr()
        + ", column "
        + l.getColumnNr()
        + ")";
  }

  private void events(JsonParser p, String path) {
    int index = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        fatal(new ImportProblem(where(p), "unexpected end of input"));
        return;
      }
      String at = path + "[" + index + "]";
      records++;
      if (parsed.size() >= options.maxEvents()) {
        throw new TraceImportException(
            new ImportProblem(at, "more than " + options.maxEvents() + " events"));
      }
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        problem(new ImportProblem(at + " at " + where(p), "event is not an object"));
      } else {
        event(p, at, index);
      }
      index++;
    }
  }

  private void event(JsonParser p, String at, int index) {
    String ph = null;
    String name = null;
    String cat = "";
    long ts = 0;
    long dur = 0;
    boolean hasTs = false;
    boolean hasDur = false;
    long pid = 0;
    long tid = 0;
    Map<String, Object> args = Map.of();
    String bad = null;
    String badWhere = null;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      String loc = at + "." + field + " at " + where(p);
      switch (field) {
        case "ph" -> {
          if (v == JsonToken.VALUE_STRING && p.getString().length() == 1) {
            ph = p.getString();
          } else {
            bad = bad != null ? bad : "\"ph\" must be a one-character string";
            badWhere = badWhere != null ? badWhere : loc;
          }
        }
        case "name" -> name = v == JsonToken.VALUE_STRING ? p.getString() : name;
        case "cat" -> cat = v == JsonToken.VALUE_STRING ? p.getString() : cat;
        case "ts", "dur" -> {
          long n = nanos(p, v);
          if (n == Long.MIN_VALUE) {
            bad = bad != null ? bad : "\"" + field + "\" must be a finite number of microseconds";
            badWhere = badWhere != null ? badWhere : loc;
          } else if (field.equals("ts")) {
            ts = n;
            hasTs = true;
          } else {
            dur = n;
            hasDur = true;
          }
        }
        case "pid", "tid" -> {
          long id = id(p, v);
          if (id == Long.MIN_VALUE) {
            bad = bad != null ? bad : "\"" + field + "\" must be an integer";
            badWhere = badWhere != null ? badWhere : loc;
          } else if (field.equals("pid")) {
            pid = id;
          } else {
            tid = id;
          }
        }
        case "args" -> {
          if (v == JsonToken.START_OBJECT) {
            args = args(p);
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    if (bad == null && ph == null) {
      bad = "missing \"ph\"";
      badWhere = at;
    }
    char phase = ph == null ? '?' : ph.charAt(0);
    if (bad == null && phase != 'M' && !hasTs) {
      bad = "missing \"ts\" for phase " + phase;
      badWhere = at;
    }
    if (bad == null && phase == 'X' && !hasDur) {
      bad = "missing \"dur\" for a complete (X) event";
      badWhere = at;
    }
    if (bad == null && dur < 0) {
      bad = "negative \"dur\"";
      badWhere = at;
    }
    if (bad != null) {
      problem(new ImportProblem(badWhere, bad));
      return;
    }
    parsed.add(
        new ChromeEvent(index, phase, name == null ? "" : name, cat, ts, dur, pid, tid, args));
  }

  /**
   * A JSON number of microseconds as nanoseconds, or {@link Long#MIN_VALUE} if it is not a finite
   * number within +-4e18 ns. Plain decimals with at most three fraction digits (what exporters
   * write) are converted without BigDecimal; anything else is rounded half-even through it.
   */
  private static long nanos(JsonParser p, JsonToken v) {
    if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
      p.skipChildren();
      return Long.MIN_VALUE;
    }
    if (v == JsonToken.VALUE_NUMBER_FLOAT && p.isNaN()) {
      return Long.MIN_VALUE;
    }
    String text = p.getString();
    long fast = plainMicros(text);
    if (fast != Long.MIN_VALUE) {
      return fast;
    }
    BigDecimal d = p.getDecimalValue();
    if (d.abs().compareTo(MAX_MICROS) > 0) {
      return Long.MIN_VALUE;
    }
    return d.movePointRight(3).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
  }

  /** {@code -?digits[.d{0,3}]} as nanoseconds, or {@link Long#MIN_VALUE} for any other shape. */
  static long plainMicros(String t) {
    int n = t.length();
    int i = t.startsWith("-") ? 1 : 0;
    int intStart = i;
    while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
      i++;
    }
    int intDigits = i - intStart;
    if (intDigits == 0 || intDigits > 15) {
      return Long.MIN_VALUE;
    }
    long v = Long.parseLong(t, intStart, i, 10) * 1000;
    if (i < n) {
      if (t.charAt(i) != '.' || n - i - 1 > 3) {
        return Long.MIN_VALUE;
      }
      long scale = 100;
      for (int k = i + 1; k < n; k++) {
        char c = t.charAt(k);
        if (c < '0' || c > '9') {
          return Long.MIN_VALUE;
        }
        v += (c - '0') * scale;
        scale /= 10;
      }
    }
    return intStart == 1 ? -v : v;
  }

  private static long id(JsonParser p, JsonToken v) {
    if (v == JsonToken.VALUE_NUMBER_INT) {
      try {
        return p.getLongValue();
      } catch (JacksonException e) {
        return Long.MIN_VALUE;
      }
    }
    if (v == JsonToken.VALUE_STRING) {
      try {
        return Long.parseLong(p.getString());
      } catch (NumberFormatException e) {
        return Long.MIN_VALUE;
      }
    }
    p.skipChildren();
    return Long.MIN_VALUE;
  }

  private static Map<String, Object> args(JsonParser p) {
    Map<String, Object> m = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String k = p.currentName();
      JsonToken v = p.nextToken();
      Object value =
          switch (v) {
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT ->
                p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? (Object) p.getDoubleValue()
                    : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> {
              p.skipChildren();
              yield null;
            }
          };
      if (value != null && m.size() < MAX_ARGS) {
        m.put(k, value);
      }
    }
    return m;
  }

  /** {@code 0x...} hex, or a decimal number; {@code otherwise} if neither. */
  static long parseAddress(String s, long otherwise) {
    try {
      if (s.startsWith("0x") && s.length() > 2 && s.length() <= 18) {
        return Long.parseUnsignedLong(s.substring(2), 16);
      }
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
