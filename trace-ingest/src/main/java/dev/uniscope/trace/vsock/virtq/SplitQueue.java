package dev.uniscope.trace.vsock.virtq;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The device side of one split virtqueue over shared guest memory. Everything the guest controls is
 * checked before use: the avail index distance, every head and {@code next} index, chain length (a
 * chain longer than the queue is a loop), flags, and every buffer address and length. Not
 * thread-safe: one thread owns a queue (it is the only writer of the used ring).
 */
public final class SplitQueue {
  /** What the device does with the buffers: tx chains are read, rx chains are written. */
  public enum Direction {
    DEVICE_READS,
    DEVICE_WRITES
  }

  public static final int MAX_SIZE = 32768;
  static final int DESC_BYTES = 16;
  static final short F_NEXT = 0x1;
  static final short F_WRITE = 0x2;
  static final short F_INDIRECT = 0x4;
  static final short AVAIL_F_NO_INTERRUPT = 0x1;
  static final short USED_F_NO_NOTIFY = 0x1;

  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

  private final int size;
  private final MemorySegment desc;
  private final MemorySegment avail;
  private final MemorySegment used;
  private final GuestRam ram;
  private final Direction direction;
  private int lastAvail;
  private int usedIdx;

  private SplitQueue(
      int size,
      MemorySegment desc,
      MemorySegment avail,
      MemorySegment used,
      GuestRam ram,
      Direction direction,
      int base) {
    this.size = size;
    this.desc = desc;
    this.avail = avail;
    this.used = used;
    this.ram = ram;
    this.direction = direction;
    this.lastAvail = base & 0xffff;
    this.usedIdx = base & 0xffff;
  }

  /**
   * A queue over the given ring areas (host views already translated by the caller), starting at
   * avail index {@code base}.
   *
   * @throws GuestFault if the size is not a power of two up to 32768, or an area is too small or
   *     misaligned
   */
  public static SplitQueue create(
      int size,
      MemorySegment desc,
      MemorySegment avail,
      MemorySegment used,
      GuestRam ram,
      Direction direction,
      int base)
      throws GuestFault {
    checkSize(size);
    need("descriptor table", desc, descBytes(size), 16);
    need("avail ring", avail, availBytes(size), 2);
    need("used ring", used, usedBytes(size), 4);
    return new SplitQueue(
        size,
        desc.asSlice(0, descBytes(size)),
        avail.asSlice(0, availBytes(size)),
        used.asSlice(0, usedBytes(size)),
        ram,
        direction,
        base);
  }

  public static void checkSize(int size) throws GuestFault {
    if (size <= 0 || size > MAX_SIZE || Integer.bitCount(size) != 1) {
      throw new GuestFault("queue size " + size + " is not a power of two in 1.." + MAX_SIZE);
    }
  }

  public static long descBytes(int size) {
    return (long) DESC_BYTES * size;
  }

  public static long availBytes(int size) {
    return 6L + 2L * size;
  }

  public static long usedBytes(int size) {
    return 6L + 8L * size;
  }

  private static void need(String what, MemorySegment s, long bytes, int align) throws GuestFault {
    if (s.byteSize() < bytes) {
      throw new GuestFault(what + " needs " + bytes + " bytes, only " + s.byteSize() + " mapped");
    }
    if (s.address() % align != 0) {
      throw new GuestFault(
          what + " at 0x" + Long.toHexString(s.address()) + " not " + align + "-byte aligned");
    }
  }

  public int size() {
    return size;
  }

  /** The next avail index the device will consume (GET_VRING_BASE answers this). */
  public int lastAvail() {
    return lastAvail;
  }

  /** Chains the driver has made available and the device has not consumed yet. */
  public int pending() throws GuestFault {
    int idx = Short.toUnsignedInt(avail.get(U16, 2));
    VarHandle.acquireFence(); // the ring slots and descriptors are read after the index
    int n = (idx - lastAvail) & 0xffff;
    if (n > size) {
      throw new GuestFault(
          "avail.idx " + idx + " is " + n + " ahead of " + lastAvail + " with queue size " + size);
    }
    return n;
  }

  /** Pops and validates the next available chain; null if there is none. */
  public Chain pop() throws GuestFault {
    if (pending() == 0) {
      return null;
    }
    int head = Short.toUnsignedInt(avail.get(U16, 4L + 2L * (lastAvail % size)));
    Chain c = walk(head);
    lastAvail = (lastAvail + 1) & 0xffff;
    return c;
  }

  private Chain walk(int head) throws GuestFault {
    List<MemorySegment> buffers = new ArrayList<>();
    long total = 0;
    int i = head;
    for (int count = 0; ; count++) {
      if (i >= size) {
        throw new GuestFault("descriptor index " + i + " out of range (queue size " + size + ")");
      }
      if (count >= size) {
        throw new GuestFault("descriptor chain from head " + head + " loops (> " + size + ")");
      }
      long base = (long) DESC_BYTES * i;
      long addr = desc.get(U64, base);
      long len = Integer.toUnsignedLong(desc.get(U32, base + 8));
      short flags = desc.get(U16, base + 12);
      int next = Short.toUnsignedInt(desc.get(U16, base + 14));
      if ((flags & F_INDIRECT) != 0) {
        throw new GuestFault("indirect descriptor " + i + " but INDIRECT_DESC not negotiated");
      }
      boolean writable = (flags & F_WRITE) != 0;
      if (writable != (direction == Direction.DEVICE_WRITES)) {
        throw new GuestFault(
            "descriptor "
                + i
                + " is "
                + (writable ? "device-writable" : "device-readable")
                + " on a "
                + (direction == Direction.DEVICE_WRITES ? "rx" : "tx")
                + " queue");
      }
      if (len > 0) {
        buffers.add(ram.gpa(addr, len));
        total += len;
      }
      if ((flags & F_NEXT) == 0) {
        return new Chain(head, buffers, total);
      }
      i = next;
    }
  }

  /** Returns a chain to the driver with the number of bytes the device wrote into it. */
  public void push(Chain c, long written) {
    long slot = 4L + 8L * (usedIdx % size);
    used.set(U32, slot, c.head());
    used.set(U32, slot + 4, (int) Math.min(written, c.totalBytes()));
    usedIdx = (usedIdx + 1) & 0xffff;
    VarHandle.releaseFence(); // the element is visible before the index that publishes it
    used.set(U16, 2, (short) usedIdx);
  }

  /** Whether the driver wants an interrupt now (it did not set NO_INTERRUPT). */
  public boolean wantsInterrupt() {
    VarHandle.fullFence(); // used.idx store before the avail.flags load
    return (avail.get(U16, 0) & AVAIL_F_NO_INTERRUPT) == 0;
  }
}
