package dev.uniscope.core.export;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Structural checks of Trace Event Format output, as trace-formats.md section 3 states them: the
 * container, the fields each phase requires, B/E balance per thread, strict X nesting per thread
 * (what Perfetto requires since v51), and counters in time order per series.
 */
public final class ChromeTraceValidator {
  private static final Set<String> METADATA =
      Set.of(
          "process_name",
          "process_labels",
          "process_sort_index",
          "thread_name",
          "thread_sort_index");

  private ChromeTraceValidator() {}

  /** Returns the problems found; empty when valid. */
  public static List<String> validate(byte[] json) {
    List<String> problems = new ArrayList<>();
    JsonNode root = new ObjectMapper().readTree(json);
    JsonNode events = root.isArray() ? root : root.get("traceEvents");
    if (events == null || !events.isArray()) {
      problems.add("no traceEvents array");
      return problems;
    }
    Map<String, List<double[]>> slices = new HashMap<>();
    Map<String, Integer> open = new HashMap<>();
    Map<String, Double> lastCounterTs = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      String at = "traceEvents[" + i + "]";
      if (!e.isObject()) {
        problems.add(at + " is not an object");
        continue;
      }
      JsonNode ph = e.get("ph");
      if (ph == null || !ph.isString() || ph.asString().length() != 1) {
        problems.add(at + " has no one-character ph");
        continue;
      }
      if (!isInt(e.get("pid")) || !isInt(e.get("tid"))) {
        problems.add(at + " needs integer pid and tid");
      }
      if (e.get("name") == null || !e.get("name").isString()) {
        problems.add(at + " needs a string name");
      }
      String p = ph.asString();
      if (!p.equals("M") && (e.get("ts") == null || !e.get("ts").isNumber())) {
        problems.add(at + " needs a numeric ts");
        continue;
      }
      String track = e.path("pid").asLong() + "/" + e.path("tid").asLong();
      switch (p) {
        case "X" -> {
          JsonNode dur = e.get("dur");
          if (dur == null || !dur.isNumber() || dur.asDouble() < 0) {
            problems.add(at + " X needs dur >= 0");
          } else {
            double ts = e.get("ts").asDouble();
            slices
                .computeIfAbsent(track, k -> new ArrayList<>())
                .add(new double[] {ts, ts + dur.asDouble(), i});
          }
        }
        case "B" -> open.merge(track, 1, Integer::sum);
        case "E" -> {
          int n = open.getOrDefault(track, 0);
          if (n == 0) {
            problems.add(at + " E without B on " + track);
          } else {
            open.put(track, n - 1);
          }
        }
        case "i", "I" -> {
          JsonNode s = e.get("s");
          if (s != null && !Set.of("g", "p", "t").contains(s.asString())) {
            problems.add(at + " instant scope must be g, p or t");
          }
        }
        case "C" -> {
          JsonNode args = e.get("args");
          if (args == null || !args.isObject() || args.isEmpty()) {
            problems.add(at + " C needs args with series values");
          } else {
            for (var f : args.properties()) {
              if (!f.getValue().isNumber()) {
                problems.add(at + " C series " + f.getKey() + " is not a number");
              }
            }
          }
          String key = e.path("pid").asLong() + "/" + e.path("name").asString();
          double ts = e.get("ts").asDouble();
          Double last = lastCounterTs.put(key, ts);
          if (last != null && ts < last) {
            problems.add(at + " counter " + key + " goes back in time");
          }
        }
        case "M" -> {
          String name = e.path("name").asString();
          if (!METADATA.contains(name)) {
            problems.add(at + " unknown metadata " + name);
          }
          JsonNode args = e.get("args");
          boolean named = args != null && args.path("name").isString();
          boolean sorted = args != null && isInt(args.get("sort_index"));
          if (!named && !sorted) {
            problems.add(at + " metadata needs args.name or args.sort_index");
          }
        }
        default -> problems.add(at + " phase " + p + " is not one the exporter writes");
      }
    }
    open.forEach(
        (track, n) -> {
          if (n != 0) {
            problems.add(n + " unclosed B on " + track);
          }
        });
    slices.forEach((track, list) -> nesting(track, list, problems));
    return problems;
  }

  private static void nesting(String track, List<double[]> list, List<String> problems) {
    list.sort(
        Comparator.comparingDouble((double[] s) -> s[0]).thenComparingDouble(s -> -(s[1] - s[0])));
    List<double[]> stack = new ArrayList<>();
    for (double[] s : list) {
      while (!stack.isEmpty() && stack.getLast()[1] <= s[0]) {
        stack.removeLast();
      }
      if (!stack.isEmpty() && s[1] > stack.getLast()[1] + 1e-9) {
        problems.add(
            "traceEvents["
                + (int) s[2]
                + "] overlaps traceEvents["
                + (int) stack.getLast()[2]
                + "] on "
                + track
                + " without nesting");
      }
      stack.add(s);
    }
  }

  private static boolean isInt(JsonNode n) {
    return n != null && n.isIntegralNumber();
  }
}
