package dev.uniscope.trace.meta;

import static dev.uniscope.trace.meta.FieldDef.chars;
import static dev.uniscope.trace.meta.FieldDef.of;
import static dev.uniscope.trace.meta.FieldType.BOOL;
import static dev.uniscope.trace.meta.FieldType.I64;
import static dev.uniscope.trace.meta.FieldType.PTR;
import static dev.uniscope.trace.meta.FieldType.STACK;
import static dev.uniscope.trace.meta.FieldType.STRING;
import static dev.uniscope.trace.meta.FieldType.U16;
import static dev.uniscope.trace.meta.FieldType.U32;
import static dev.uniscope.trace.meta.FieldType.U64;
import static dev.uniscope.trace.meta.FieldType.U8;

import java.util.List;

/**
 * The core events of docs/protocol.md section 7: ids, names and layouts fixed for protocol major 1.
 * The decoder never relies on these layouts (the kernel's metadata wins); analyses look fields up
 * by name, and the synthetic kernel in tests emits exactly this table.
 */
public final class CoreEvents {
  public static final int GROUP_SCHED = 0;
  public static final int GROUP_IRQ = 1;
  public static final int GROUP_TIMER = 2;
  public static final int GROUP_FAULT = 3;
  public static final int GROUP_ALLOC = 4;
  public static final int GROUP_MARKER = 5;
  public static final int GROUP_FUNC = 6;
  public static final int GROUP_GRAPH = 7;
  public static final int GROUP_PROFILE = 8;
  public static final int GROUP_HEAP = 9;
  public static final int GROUP_LEAK = 10;

  /** Group names as used by the {@code trace=} boot option, indexed by group bit. */
  public static final List<String> GROUP_NAMES =
      List.of(
          "sched", "irq", "timer", "fault", "alloc", "marker", "func", "graph", "profile", "heap",
          "leak");

  public static final int THREAD_NAME = 1;
  public static final int SCHED_SWITCH = 2;
  public static final int SCHED_WAKEUP = 3;
  public static final int IRQ_ENTRY = 4;
  public static final int IRQ_EXIT = 5;
  public static final int TIMER_EXPIRE = 6;
  public static final int PAGE_FAULT = 7;
  public static final int ALLOC = 8;
  public static final int FREE = 9;
  public static final int MARKER_BEGIN = 10;
  public static final int MARKER_END = 11;
  public static final int MARKER_INSTANT = 12;
  public static final int MARKER_COUNTER = 13;
  public static final int FUNC_ENTRY = 14;
  public static final int GRAPH_ENTRY = 15;
  public static final int GRAPH_EXIT = 16;
  public static final int PROFILE_SAMPLE = 17;
  public static final int STACK_DEF = 18;
  public static final int HEAP_FINDING = 19;
  public static final int HEAP_OBJECT = 20;
  public static final int HEAP_SNAPSHOT_DONE = 21;
  public static final int LEAK = 22;
  public static final int LEAK_SCAN_DONE = 23;

  /** Maximum frames in a STACK field. */
  public static final int MAX_STACK_FRAMES = 64;

  private static final Metadata TABLE =
      new Metadata(
          List.of(
              ev(
                  THREAD_NAME,
                  "thread_name",
                  GROUP_SCHED,
                  8,
                  of("tid", U32, 0),
                  of("name", STRING, 4)),
              ev(
                  SCHED_SWITCH,
                  "sched_switch",
                  GROUP_SCHED,
                  32,
                  of("prev_tid", U32, 0),
                  of("next_tid", U32, 4),
                  of("prev_state", U8, 8),
                  of("prev_prio", U8, 9),
                  of("next_prio", U8, 10),
                  chars("next_comm", 16, 16)),
              ev(
                  SCHED_WAKEUP,
                  "sched_wakeup",
                  GROUP_SCHED,
                  8,
                  of("tid", U32, 0),
                  of("target_cpu", U16, 4),
                  of("prio", U8, 6)),
              ev(IRQ_ENTRY, "irq_entry", GROUP_IRQ, 16, of("vector", U32, 0), of("rip", PTR, 8)),
              ev(IRQ_EXIT, "irq_exit", GROUP_IRQ, 8, of("vector", U32, 0)),
              ev(
                  TIMER_EXPIRE,
                  "timer_expire",
                  GROUP_TIMER,
                  24,
                  of("timer", PTR, 0),
                  of("function", PTR, 8),
                  of("expires_ns", U64, 16)),
              ev(
                  PAGE_FAULT,
                  "page_fault",
                  GROUP_FAULT,
                  24,
                  of("address", PTR, 0),
                  of("rip", PTR, 8),
                  of("error_code", U32, 16)),
              ev(
                  ALLOC,
                  "alloc",
                  GROUP_ALLOC,
                  32,
                  of("ptr", PTR, 0),
                  of("size", U64, 8),
                  of("caller", PTR, 16),
                  of("stack_id", U32, 24)),
              ev(FREE, "free", GROUP_ALLOC, 16, of("ptr", PTR, 0), of("caller", PTR, 8)),
              ev(
                  MARKER_BEGIN,
                  "marker_begin",
                  GROUP_MARKER,
                  8,
                  of("tid", U32, 0),
                  of("name", STRING, 4)),
              ev(
                  MARKER_END,
                  "marker_end",
                  GROUP_MARKER,
                  8,
                  of("tid", U32, 0),
                  of("name", STRING, 4)),
              ev(
                  MARKER_INSTANT,
                  "marker_instant",
                  GROUP_MARKER,
                  8,
                  of("tid", U32, 0),
                  of("name", STRING, 4)),
              ev(
                  MARKER_COUNTER,
                  "marker_counter",
                  GROUP_MARKER,
                  16,
                  of("tid", U32, 0),
                  of("name", STRING, 4),
                  of("value", I64, 8)),
              ev(
                  FUNC_ENTRY,
                  "func_entry",
                  GROUP_FUNC,
                  16,
                  of("ip", PTR, 0),
                  of("parent_ip", PTR, 8)),
              ev(
                  GRAPH_ENTRY,
                  "graph_entry",
                  GROUP_GRAPH,
                  16,
                  of("ip", PTR, 0),
                  of("depth", U32, 8)),
              ev(
                  GRAPH_EXIT,
                  "graph_exit",
                  GROUP_GRAPH,
                  24,
                  of("ip", PTR, 0),
                  of("depth", U32, 8),
                  of("duration_ns", U64, 16)),
              ev(
                  PROFILE_SAMPLE,
                  "profile_sample",
                  GROUP_PROFILE,
                  24,
                  of("rip", PTR, 0),
                  of("tid", U32, 8),
                  of("stack", STACK, 12),
                  of("idle", BOOL, 16)),
              ev(
                  STACK_DEF,
                  "stack_def",
                  GROUP_HEAP,
                  8,
                  of("stack_id", U32, 0),
                  of("stack", STACK, 4)),
              ev(
                  HEAP_FINDING,
                  "heap_finding",
                  GROUP_HEAP,
                  48,
                  of("kind", U32, 0),
                  of("alloc_stack", U32, 4),
                  of("ptr", PTR, 8),
                  of("size", U64, 16),
                  of("bad_address", PTR, 24),
                  of("free_stack", U32, 32),
                  of("detect_stack", U32, 36),
                  of("tid", U32, 40)),
              ev(
                  HEAP_OBJECT,
                  "heap_object",
                  GROUP_HEAP,
                  24,
                  of("ptr", PTR, 0),
                  of("size", U64, 8),
                  of("alloc_stack", U32, 16),
                  of("snapshot_id", U32, 20)),
              ev(
                  HEAP_SNAPSHOT_DONE,
                  "heap_snapshot_done",
                  GROUP_HEAP,
                  16,
                  of("snapshot_id", U32, 0),
                  of("objects", U32, 4),
                  of("bytes", U64, 8)),
              ev(
                  LEAK,
                  "leak",
                  GROUP_LEAK,
                  32,
                  of("ptr", PTR, 0),
                  of("size", U64, 8),
                  of("alloc_stack", U32, 16),
                  of("scan_id", U32, 20),
                  of("age_ns", U64, 24)),
              ev(
                  LEAK_SCAN_DONE,
                  "leak_scan_done",
                  GROUP_LEAK,
                  24,
                  of("scan_id", U32, 0),
                  of("leaks", U32, 4),
                  of("scanned", U64, 8),
                  of("leaked_bytes", U64, 16))));

  private CoreEvents() {}

  /** The core table as a Metadata (what a conforming kernel describes). */
  public static Metadata metadata() {
    return TABLE;
  }

  private static EventDef ev(int id, String name, int group, int fixed, FieldDef... fields) {
    return new EventDef(id, name, group, fixed, List.of(fields));
  }
}
