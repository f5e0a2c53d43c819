package dev.uniscope.trace.memory;

import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.page.PageFormat;
import dev.uniscope.trace.session.HelloCodec;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.wire.FrameEncoder;
import dev.uniscope.trace.wire.FrameType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the trace rings out of guest memory through the ring directory (docs/protocol.md section
 * 11) and records them as frames, exactly as a transport would have delivered them: the hello of
 * {@link MemoryHello}, the metadata, then each CPU's pages oldest first. Every value read from the
 * guest is range-checked before it sizes a read.
 */
public final class RingReader {
  public static final int DIR_MAGIC = 0x44525455; // "UTRD"
  public static final int RING_MAGIC = 0x47525455; // "UTRG"
  public static final int DIR_HEADER = 64;
  public static final int RING_DESC = 64;

  private RingReader() {}

  /** What was read. */
  public record Result(int ncpu, long pages, long skippedSlots) {}

  /**
   * Reads every CPU's ring at {@code dirAddress} into {@code capture}.
   *
   * @param buildId and {@code layout}: from the layout block, carried into the synthesized hello
   * @throws IOException when guest memory cannot be read or the directory is invalid (message names
   *     the address and field)
   */
  public static Result read(
      GuestMemory mem, long dirAddress, byte[] buildId, byte[] layout, LiveCapture capture)
      throws IOException {
    DirectoryHeader dir = DirectoryHeader.parse(readBytes(mem, dirAddress, DIR_HEADER), dirAddress);
    MemoryHello.record(mem, dirAddress, dir, buildId, "", layout, capture);
    int seq = 2;
    int ncpu = dir.ncpu();
    long perCpu = dir.pagesPerCpu();
    int pageSize = dir.pageSize();
    ProblemLog problems = capture.session().problems();
    long pages = 0;
    long skipped = 0;
    for (int cpu = 0; cpu < ncpu; cpu++) {
      long descAt = dirAddress + DIR_HEADER + (long) cpu * RING_DESC;
      ByteBuffer ring = readBytes(mem, descAt, RING_DESC);
      if (!validDescriptor(ring, 0, cpu)) {
        problems.add(badDescriptor(cpu, descAt));
        continue;
      }
      long base = ring.getLong(8);
      long head = ring.getLong(16);
      long first = Long.compareUnsigned(head, perCpu) > 0 ? head - perCpu : 0;
      for (long s = first; Long.compareUnsigned(s, head) < 0; s++) {
        ByteBuffer page = readBytes(mem, base + (s & (perCpu - 1)) * pageSize, pageSize);
        int commit = committed(page, cpu, s, pageSize);
        if (commit < 0) {
          skipped++;
          problems.add(invalidSlot(cpu, s, perCpu));
          continue;
        }
        capture.frame(
            FrameEncoder.encode(FrameType.PAGE, seq++ & 0xFFFF, page.slice(0, pageLength(commit))));
        pages++;
      }
    }
    return new Result(ncpu, pages, skipped);
  }

  /**
   * The {@code commit} of the page in a ring slot when it is page {@code seq} of {@code cpu}
   * (magic, cpu, seq) with a commit that fits the page, else -1: a slot being rewritten as it is
   * read, or never written (docs/protocol.md section 11).
   */
  public static int committed(ByteBuffer page, int cpu, long seq, int pageSize) {
    long commit = Integer.toUnsignedLong(page.getInt(PageFormat.OFF_COMMIT));
    boolean valid =
        page.getInt(PageFormat.OFF_MAGIC) == PageFormat.MAGIC
            && (page.getShort(PageFormat.OFF_CPU) & 0xFFFF) == cpu
            && page.getLong(PageFormat.OFF_SEQ) == seq
            && commit <= pageSize - PageFormat.HEADER;
    return valid ? (int) commit : -1;
  }

  /** True when the ring descriptor at {@code offset} has the magic and belongs to {@code cpu}. */
  public static boolean validDescriptor(ByteBuffer descriptors, int offset, int cpu) {
    return descriptors.getInt(offset) == RING_MAGIC
        && (descriptors.getShort(offset + 4) & 0xFFFF) == cpu;
  }

  /** The problem reported for a descriptor that fails {@link #validDescriptor}. */
  public static String badDescriptor(int cpu, long address) {
    return "ring descriptor of cpu %d at 0x%x: bad magic or cpu; skipped".formatted(cpu, address);
  }

  /** The problem reported for a slot without page {@code seq} ({@link #committed} said -1). */
  public static String invalidSlot(int cpu, long seq, long pagesPerCpu) {
    return "cpu %d slot %d: no valid page %d (being rewritten?); skipped"
        .formatted(cpu, seq & (pagesPerCpu - 1), seq);
  }

  /** Bytes of a page as a transport sends it: header and committed records. */
  public static int pageLength(int commit) {
    return PageFormat.HEADER + commit;
  }

  /**
   * Finds the ring directory without a layout block (docs/protocol.md section 11): scans {@code
   * [start, start + length)} at 64-byte alignment for the directory magic with version 1, a sane
   * ncpu and a valid first ring descriptor. Reads in 1 MiB chunks; an unreadable chunk is skipped.
   *
   * @return the directory address, or -1 if none was found
   */
  public static long findDirectory(GuestMemory mem, long start, long length) {
    final int chunk = 1 << 20;
    long first = (start + 63) & ~63L;
    long end = start + length;
    ByteBuffer buf =
        ByteBuffer.allocate(chunk + DIR_HEADER + RING_DESC).order(ByteOrder.LITTLE_ENDIAN);
    for (long at = first; at < end; at += chunk) {
      int n = (int) Math.min(buf.capacity(), end - at);
      buf.clear().limit(n);
      try {
        mem.read(at, buf);
      } catch (IOException unreadable) {
        continue;
      }
      int valid = buf.position();
      for (int off = 0; off + DIR_HEADER + RING_DESC <= valid && off < chunk; off += 64) {
        if (buf.getInt(off) == DIR_MAGIC
            && (buf.getShort(off + 4) & 0xFFFF) == 1
            && (buf.getShort(off + 6) & 0xFFFF) >= 1
            && (buf.getShort(off + 6) & 0xFFFF) <= HelloCodec.MAX_CPUS
            && buf.getInt(off + DIR_HEADER) == RING_MAGIC
            && buf.getShort(off + DIR_HEADER + 4) == 0) {
          return at + off;
        }
      }
    }
    return -1;
  }

  static ByteBuffer readBytes(GuestMemory mem, long address, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    mem.read(address, b);
    if (b.hasRemaining()) {
      throw new IOException(String.format("short read of %d bytes at 0x%x", length, address));
    }
    return b.flip();
  }
}
