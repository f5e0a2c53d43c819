package dev.uniscope.core.session;

import dev.uniscope.trace.encode.PageWriter;
import dev.uniscope.trace.encode.RecordEncoder;
import dev.uniscope.trace.meta.CoreEvents;
import dev.uniscope.trace.meta.Metadata;
import dev.uniscope.trace.meta.MetadataCodec;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.HelloCodec;
import dev.uniscope.trace.wire.FrameEncoder;
import dev.uniscope.trace.wire.FrameType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A known-answer trace, as the kernel would send it: profile samples in functions A/B/C at
 * 50/30/20, leaks from two sites (a complete scan, then an incomplete one that must be ignored),
 * scheduler events, and one page reporting dropped records.
 */
public final class Scenario {
  public static final long A = 0xffffffff81001000L;
  public static final long B = 0xffffffff81002000L;
  public static final long C = 0xffffffff81003000L;
  public static final long MAIN = 0xffffffff81004000L;
  public static final long KMALLOC = 0xffffffff81005000L;
  public static final long SITE_SMALL = 0xffffffff81006000L;
  public static final long SITE_BIG = 0xffffffff81007000L;

  /** Names for the addresses above (functions are 0x1000 long). */
  public static final Map<Long, String> NAMES =
      Map.of(
          A,
          "burn_a",
          B,
          "burn_b",
          C,
          "burn_c",
          MAIN,
          "spin_main",
          KMALLOC,
          "kmalloc",
          SITE_SMALL,
          "leak_small",
          SITE_BIG,
          "leak_big");

  public static final int SAMPLES_A = 50;
  public static final int SAMPLES_B = 30;
  public static final int SAMPLES_C = 20;
  public static final int IDLE_SAMPLES = 7;
  public static final int SMALL_LEAKS = 16;
  public static final int LOST = 3;
  public static final String THREAD = "worker<script>";

  private final Metadata md = CoreEvents.metadata();
  private final RecordEncoder enc = new RecordEncoder();
  private final List<ByteBuffer> pages = new ArrayList<>();
  private final PageWriter cpu0 = new PageWriter(0, 4096, pages::add);
  private final PageWriter cpu1 = new PageWriter(1, 4096, pages::add);
  private int seq;

  public static String name(long ip) {
    return NAMES.get(ip & ~0xFFFL);
  }

  public Hello hello() {
    return new Hello(
        1,
        0,
        2,
        0,
        4096,
        256,
        2_000_000_000L,
        1_000_000L,
        0x31F,
        997,
        new byte[] {9, 8, 7, 6},
        "app=spin trace=sched,irq,alloc profile=997 heap=track",
        new byte[0]);
  }

  public ByteBuffer helloFrame() {
    return FrameEncoder.encode(FrameType.HELLO, seq++, HelloCodec.encode(hello()));
  }

  public ByteBuffer metadataFrame() {
    return FrameEncoder.encode(FrameType.METADATA, seq++, MetadataCodec.encode(md));
  }

  private ByteBuffer payload(String event, Object... kv) {
    enc.reset(md.event(event));
    for (int i = 0; i < kv.length; i += 2) {
      String f = (String) kv[i];
      switch (kv[i + 1]) {
        case Long l -> enc.set(f, l);
        case Integer n -> enc.set(f, n.longValue());
        case String s -> enc.set(f, s);
        case long[] st -> enc.set(f, st);
        default -> throw new IllegalArgumentException(f);
      }
    }
    return enc.payload();
  }

  /** Every PAGE frame of the scenario, in sending order. */
  public List<ByteBuffer> pageFrames() {
    long t = 1_000_000_000L;
    cpu0.append(CoreEvents.THREAD_NAME, t, payload("thread_name", "tid", 5, "name", THREAD));
    cpu0.append(
        CoreEvents.SCHED_SWITCH,
        t += 1000,
        payload(
            "sched_switch", "prev_tid", 0, "next_tid", 5, "prev_state", 0, "next_comm", THREAD));
    cpu1.append(
        CoreEvents.SCHED_WAKEUP, t, payload("sched_wakeup", "tid", 5, "target_cpu", 0, "prio", 1));
    int n = 0;
    for (long leaf : new long[] {A, B, C}) {
      int count = leaf == A ? SAMPLES_A : leaf == B ? SAMPLES_B : SAMPLES_C;
      for (int i = 0; i < count; i++) {
        cpu0.append(
            CoreEvents.PROFILE_SAMPLE,
            t += 1_003_009,
            payload(
                "profile_sample",
                "rip",
                leaf + 8 * (n++ % 16),
                "tid",
                5,
                "stack",
                new long[] {MAIN + 0x40},
                "idle",
                0));
      }
    }
    for (int i = 0; i < IDLE_SAMPLES; i++) {
      cpu1.append(
          CoreEvents.PROFILE_SAMPLE,
          t += 1000,
          payload("profile_sample", "rip", MAIN, "tid", 0, "stack", new long[0], "idle", 1));
    }
    cpu1.drop(LOST);
    cpu1.flush();
    cpu1.append(
        CoreEvents.STACK_DEF,
        t += 1000,
        payload(
            "stack_def", "stack_id", 1, "stack", new long[] {KMALLOC + 4, SITE_SMALL + 9, MAIN}));
    cpu1.append(
        CoreEvents.STACK_DEF,
        t += 1000,
        payload("stack_def", "stack_id", 2, "stack", new long[] {KMALLOC + 4, SITE_BIG + 9, MAIN}));
    long ptr = 0xffff800000100000L;
    for (int i = 0; i < SMALL_LEAKS; i++) {
      cpu1.append(
          CoreEvents.ALLOC,
          t += 100,
          payload("alloc", "ptr", ptr + 64L * i, "size", 64, "caller", SITE_SMALL, "stack_id", 1));
    }
    cpu1.append(
        CoreEvents.ALLOC,
        t += 100,
        payload("alloc", "ptr", ptr + 0x10000, "size", 100000, "caller", SITE_BIG, "stack_id", 2));
    // Scan 1: complete (17 leaks).
    for (int i = 0; i < SMALL_LEAKS; i++) {
      cpu1.append(
          CoreEvents.LEAK,
          t += 10,
          payload("leak", "ptr", ptr + 64L * i, "size", 64, "alloc_stack", 1, "scan_id", 1));
    }
    cpu1.append(
        CoreEvents.LEAK,
        t += 10,
        payload("leak", "ptr", ptr + 0x10000, "size", 100000, "alloc_stack", 2, "scan_id", 1));
    cpu1.append(
        CoreEvents.LEAK_SCAN_DONE,
        t += 10,
        payload(
            "leak_scan_done",
            "scan_id",
            1,
            "leaks",
            SMALL_LEAKS + 1,
            "leaked_bytes",
            SMALL_LEAKS * 64 + 100000));
    // Scan 2: claims 17 leaks but only one record arrived (cut short): ignored.
    cpu1.append(
        CoreEvents.LEAK,
        t += 10,
        payload("leak", "ptr", ptr, "size", 64, "alloc_stack", 1, "scan_id", 2));
    cpu1.append(
        CoreEvents.LEAK_SCAN_DONE,
        t += 10,
        payload("leak_scan_done", "scan_id", 2, "leaks", SMALL_LEAKS + 1, "leaked_bytes", 1));
    cpu0.flush();
    cpu1.flush();
    List<ByteBuffer> frames = new ArrayList<>();
    for (ByteBuffer p : pages) {
      frames.add(FrameEncoder.encode(FrameType.PAGE, seq++, p));
    }
    pages.clear();
    return frames;
  }
}
