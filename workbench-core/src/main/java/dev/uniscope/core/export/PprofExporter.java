package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.FunctionNames;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * pprof's {@code profile.proto}, gzip-compressed, encoded by hand with {@link ProtoWriter} (the
 * project does not depend on protobuf-java; the message subset is small and stable).
 *
 * <p>One Location per distinct address (mapping 1, one Line to its Function), one Function per
 * distinct name, samples merged per (stack, thread) with a {@code tid} label. Sample types: {@code
 * samples/count}, plus {@code cpu/nanoseconds} (count x period) when the sampling period is known.
 * Stacks are leaf first, as profile.proto requires.
 */
public final class PprofExporter {
  // profile.proto field numbers.
  static final int PROFILE_SAMPLE_TYPE = 1;
  static final int PROFILE_SAMPLE = 2;
  static final int PROFILE_MAPPING = 3;
  static final int PROFILE_LOCATION = 4;
  static final int PROFILE_FUNCTION = 5;
  static final int PROFILE_STRING_TABLE = 6;
  static final int PROFILE_TIME_NANOS = 9;
  static final int PROFILE_DURATION_NANOS = 10;
  static final int PROFILE_PERIOD_TYPE = 11;
  static final int PROFILE_PERIOD = 12;

  private PprofExporter() {}

  /**
   * As {@link #write(StackSamples, FunctionNames, long, long, boolean, OutputStream)}, no clock.
   */
  public static void write(
      StackSamples samples, FunctionNames functions, long periodNs, boolean idle, OutputStream out)
      throws IOException {
    write(samples, functions, periodNs, 0, idle, out);
  }

  /**
   * @param periodNs the sampling period (1e9 / Hz), or 0 if unknown
   * @param clockOriginUnixNs Unix time (ns) of trace-clock 0; 0 leaves {@code time_nanos} out
   *     (pprof would print 1970 for a boot-relative time)
   * @param idle include samples taken while the CPU idled
   */
  public static void write(
      StackSamples samples,
      FunctionNames functions,
      long periodNs,
      long clockOriginUnixNs,
      boolean idle,
      OutputStream out)
      throws IOException {
    Map<String, Long> strings = new LinkedHashMap<>();
    strings.put("", 0L);
    Map<Long, Long> locations = new LinkedHashMap<>();
    Map<String, Long> functionIds = new LinkedHashMap<>();
    // (stack id, tid) -> count, in first-seen order.
    Map<Long, long[]> merged = new LinkedHashMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (int i = 0; i < samples.size(); i++) {
      if (samples.idle(i) && !idle) {
        continue;
      }
      first = Math.min(first, samples.ts(i));
      last = Math.max(last, samples.ts(i));
      long key = ((long) samples.stackId(i) << 32) | (samples.tid(i) & 0xFFFFFFFFL);
      merged.computeIfAbsent(key, k -> new long[1])[0]++;
      for (long ip : samples.stackView(samples.stackId(i))) {
        if (!locations.containsKey(ip)) {
          locations.put(ip, (long) locations.size() + 1);
          String name = functions.nameOrHex(ip);
          if (!functionIds.containsKey(name)) {
            functionIds.put(name, (long) functionIds.size() + 1);
          }
        }
      }
    }
    GZIPOutputStream gz = new GZIPOutputStream(new NonClosing(out), 1 << 16);
    ProtoWriter p = new ProtoWriter();
    ProtoWriter m = new ProtoWriter();
    m.varint(1, str(strings, "samples")).varint(2, str(strings, "count"));
    p.message(PROFILE_SAMPLE_TYPE, m);
    if (periodNs > 0) {
      m.reset();
      m.varint(1, str(strings, "cpu")).varint(2, str(strings, "nanoseconds"));
      p.message(PROFILE_SAMPLE_TYPE, m);
    }
    long tidKey = str(strings, "tid");
    long[] locs = new long[StackSamples.MAX_DEPTH]; // StackSamples truncates deeper stacks
    long[] values = new long[2];
    ProtoWriter label = new ProtoWriter();
    for (Map.Entry<Long, long[]> e : merged.entrySet()) {
      long[] stack = samples.stackView((int) (e.getKey() >>> 32));
      int tid = (int) (long) e.getKey();
      for (int k = 0; k < stack.length; k++) {
        locs[k] = locations.get(stack[k]);
      }
      long count = e.getValue()[0];
      values[0] = count;
      values[1] = count * periodNs;
      m.reset();
      m.packed(1, locs, stack.length).packed(2, values, periodNs > 0 ? 2 : 1);
      label.reset();
      label.varint(1, tidKey).varint(3, tid);
      m.message(3, label);
      p.message(PROFILE_SAMPLE, m);
      flushIfLarge(p, gz);
    }
    m.reset();
    m.varint(1, 1).varint(2, 0).varint(3, -1L).varint(5, str(strings, "kernel")).varint(7, 1);
    p.message(PROFILE_MAPPING, m);
    Map<String, Long> nameIds = new HashMap<>();
    for (String name : functionIds.keySet()) {
      nameIds.put(name, str(strings, name));
    }
    ProtoWriter line = new ProtoWriter();
    for (Map.Entry<Long, Long> e : locations.entrySet()) {
      String name = functions.nameOrHex(e.getKey());
      line.reset();
      line.varint(1, functionIds.get(name));
      m.reset();
      m.varint(1, e.getValue()).varint(2, 1).varint(3, e.getKey()).message(4, line);
      p.message(PROFILE_LOCATION, m);
      flushIfLarge(p, gz);
    }
    for (Map.Entry<String, Long> e : functionIds.entrySet()) {
      long n = nameIds.get(e.getKey());
      m.reset();
      m.varint(1, e.getValue()).varint(2, n).varint(3, n);
      p.message(PROFILE_FUNCTION, m);
      flushIfLarge(p, gz);
    }
    for (String s : strings.keySet()) {
      p.string(PROFILE_STRING_TABLE, s);
      flushIfLarge(p, gz);
    }
    if (first <= last) {
      if (clockOriginUnixNs > 0) {
        p.varint(PROFILE_TIME_NANOS, clockOriginUnixNs + first);
      }
      p.varint(PROFILE_DURATION_NANOS, last - first);
    }
    if (periodNs > 0) {
      m.reset();
      m.varint(1, str(strings, "cpu")).varint(2, str(strings, "nanoseconds"));
      p.message(PROFILE_PERIOD_TYPE, m);
      p.varint(PROFILE_PERIOD, periodNs);
    }
    p.writeTo(gz);
    gz.finish();
    gz.flush();
  }

  private static void flushIfLarge(ProtoWriter p, OutputStream out) throws IOException {
    if (p.length() > 1 << 16) {
      p.writeTo(out);
      p.reset();
    }
  }

  private static long str(Map<String, Long> strings, String s) {
    Long id = strings.get(s);
    if (id == null) {
      id = (long) strings.size();
      strings.put(s, id);
    }
    return id;
  }
}
