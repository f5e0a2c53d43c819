package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.core.analysis.timeline.Spans;
import dev.uniscope.core.analysis.timeline.Timeline;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * speedscope's file format ({@code https://www.speedscope.app/file-format-schema.json}), streamed:
 * a sampled profile per thread from profiler samples (stacks root first, weight 1 per sample, unit
 * "none"), or an evented profile per CPU from function-graph spans (open/close events, unit
 * nanoseconds).
 */
public final class SpeedscopeExporter {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String SCHEMA = "https://www.speedscope.app/file-format-schema.json";

  private SpeedscopeExporter() {}

  /** One sampled profile per thread; idle samples only if {@code idle}. */
  public static void writeSampled(
      StackSamples samples, FunctionNames functions, boolean idle, OutputStream out) {
    Frames frames = new Frames(functions);
    Map<Integer, Integer> counts = new TreeMap<>();
    for (int i = 0; i < samples.size(); i++) {
      if (!samples.idle(i) || idle) {
        counts.merge(samples.tid(i), 1, Integer::sum);
        for (long ip : samples.stackView(samples.stackId(i))) {
          frames.id(ip);
        }
      }
    }
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), new NonClosing(out))) {
      start(g, frames);
      for (int tid : counts.keySet()) {
        g.writeStartObject();
        g.writeStringProperty("type", "sampled");
        g.writeStringProperty("name", samples.threadName(tid) + " (" + tid + ")");
        g.writeStringProperty("unit", "none");
        g.writeNumberProperty("startValue", 0);
        g.writeNumberProperty("endValue", counts.get(tid));
        g.writeArrayPropertyStart("samples");
        for (int i = 0; i < samples.size(); i++) {
          if (samples.tid(i) == tid && (!samples.idle(i) || idle)) {
            long[] stack = samples.stackView(samples.stackId(i));
            g.writeStartArray();
            for (int k = stack.length - 1; k >= 0; k--) {
              g.writeNumber(frames.id(stack[k]));
            }
            g.writeEndArray();
          }
        }
        g.writeEndArray();
        g.writeArrayPropertyStart("weights");
        for (int i = 0; i < counts.get(tid); i++) {
          g.writeNumber(1);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      end(g);
    }
  }

  /** One evented profile per CPU from the timeline's function-graph spans. */
  public static void writeEvented(Timeline timeline, FunctionNames functions, OutputStream out) {
    Frames frames = new Frames(functions);
    Spans[] perCpu = new Spans[timeline.cpuCount()];
    for (int c = 0; c < perCpu.length; c++) {
      perCpu[c] = timeline.graphSpans(c);
      for (int i = 0; i < perCpu[c].size(); i++) {
        frames.id(perCpu[c].key(i));
      }
    }
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), new NonClosing(out))) {
      start(g, frames);
      for (int c = 0; c < perCpu.length; c++) {
        Spans s = perCpu[c];
        if (s.size() == 0) {
          continue;
        }
        long first = s.start(0);
        long last = first;
        for (int i = 0; i < s.size(); i++) {
          last = Math.max(last, s.end(i));
        }
        g.writeStartObject();
        g.writeStringProperty("type", "evented");
        g.writeStringProperty("name", "cpu" + c);
        g.writeStringProperty("unit", "nanoseconds");
        g.writeNumberProperty("startValue", first);
        g.writeNumberProperty("endValue", last);
        g.writeArrayPropertyStart("events");
        events(g, s, frames);
        g.writeEndArray();
        g.writeEndObject();
      }
      end(g);
    }
  }

  /** Open/close events in time order; a slice overlapping its parent's end is clipped to it. */
  private static void events(JsonGenerator g, Spans s, Frames frames) {
    int[] stackFrame = new int[16];
    long[] stackEnd = new long[16];
    int depth = 0;
    for (int i = 0; i < s.size(); i++) {
      long start = s.start(i);
      while (depth > 0 && stackEnd[depth - 1] <= start) {
        depth--;
        event(g, "C", stackFrame[depth], stackEnd[depth]);
      }
      long end = depth > 0 ? Math.min(s.end(i), stackEnd[depth - 1]) : s.end(i);
      if (depth == stackFrame.length) {
        stackFrame = Arrays.copyOf(stackFrame, depth * 2);
        stackEnd = Arrays.copyOf(stackEnd, depth * 2);
      }
      stackFrame[depth] = frames.id(s.key(i));
      stackEnd[depth] = Math.max(start, end);
      event(g, "O", stackFrame[depth], start);
      depth++;
    }
    while (depth > 0) {
      depth--;
      event(g, "C", stackFrame[depth], stackEnd[depth]);
    }
  }

  private static void event(JsonGenerator g, String type, int frame, long at) {
    g.writeStartObject();
    g.writeStringProperty("type", type);
    g.writeNumberProperty("frame", frame);
    g.writeNumberProperty("at", at);
    g.writeEndObject();
  }

  private static void start(JsonGenerator g, Frames frames) {
    g.writeStartObject();
    g.writeStringProperty("$schema", SCHEMA);
    g.writeStringProperty("name", "uniscope");
    g.writeStringProperty("exporter", "uniscope");
    g.writeNumberProperty("activeProfileIndex", 0);
    g.writeObjectPropertyStart("shared");
    g.writeArrayPropertyStart("frames");
    for (String name : frames.names) {
      g.writeStartObject();
      g.writeStringProperty("name", name);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeArrayPropertyStart("profiles");
  }

  private static void end(JsonGenerator g) {
    g.writeEndArray();
    g.writeEndObject();
  }

  /** Frame index per distinct address, in order of first use. */
  private static final class Frames {
    final FunctionNames functions;
    final Map<Long, Integer> ids = new HashMap<>();
    final java.util.List<String> names = new java.util.ArrayList<>();

    Frames(FunctionNames functions) {
      this.functions = functions;
    }

    int id(long ip) {
      Integer id = ids.get(ip);
      if (id == null) {
        id = names.size();
        ids.put(ip, id);
        names.add(functions.nameOrHex(ip));
      }
      return id;
    }
  }
}
