package dev.uniscope.trace.vsock;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/** The driver side of one split ring in test guest memory: what a guest kernel would write. */
final class DriverRing {
  static final short NEXT = 1;
  static final short WRITE = 2;
  static final short INDIRECT = 4;
  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

  record Desc(long addr, int len, short flags, int next) {}

  record Used(int id, int len) {}

  final int size;
  final long descGpa;
  final long availGpa;
  final long usedGpa;
  private final MemorySegment mem;
  private int nextDesc;
  private int availIdx;
  private int lastUsed;

  DriverRing(MemorySegment mem, int size, long descGpa, long availGpa, long usedGpa) {
    this.mem = mem;
    this.size = size;
    this.descGpa = descGpa;
    this.availGpa = availGpa;
    this.usedGpa = usedGpa;
  }

  void setDesc(int i, Desc d) {
    long b = descGpa + 16L * i;
    mem.set(U64, b, d.addr());
    mem.set(U32, b + 8, d.len());
    mem.set(U16, b + 12, d.flags());
    mem.set(U16, b + 14, (short) d.next());
  }

  /** Writes a chain of buffers at free descriptor slots, links them, and publishes the head. */
  int add(List<Desc> buffers) {
    int head = nextDesc;
    for (int k = 0; k < buffers.size(); k++) {
      int i = (head + k) % size;
      Desc b = buffers.get(k);
      boolean last = k == buffers.size() - 1;
      setDesc(
          i,
          new Desc(
              b.addr(),
              b.len(),
              (short) (b.flags() | (last ? 0 : NEXT)),
              last ? 0 : (i + 1) % size));
    }
    nextDesc = (head + buffers.size()) % size;
    publish(head);
    return head;
  }

  /** Puts {@code head} in the next avail slot and bumps avail.idx (release order). */
  void publish(int head) {
    mem.set(U16, availGpa + 4 + 2L * (availIdx % size), (short) head);
    availIdx = (availIdx + 1) & 0xffff;
    VarHandle.releaseFence();
    mem.set(U16, availGpa + 2, (short) availIdx);
  }

  /** A hostile driver may write any avail index. */
  void setAvailIdx(int idx) {
    availIdx = idx & 0xffff;
    mem.set(U16, availGpa + 2, (short) availIdx);
  }

  void setAvailFlags(short flags) {
    mem.set(U16, availGpa, flags);
  }

  int usedIdx() {
    int v = Short.toUnsignedInt(mem.get(U16, usedGpa + 2));
    VarHandle.acquireFence();
    return v;
  }

  List<Used> takeUsed() {
    int idx = usedIdx();
    List<Used> out = new ArrayList<>();
    while (lastUsed != idx) {
      long e = usedGpa + 4 + 8L * (lastUsed % size);
      out.add(new Used(mem.get(U32, e), mem.get(U32, e + 4)));
      lastUsed = (lastUsed + 1) & 0xffff;
    }
    return out;
  }
}
