package dev.uniscope.trace.memory;

import dev.uniscope.trace.page.PageFormat;
import dev.uniscope.trace.session.HelloCodec;
import dev.uniscope.trace.wire.WireConstants;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The header of the kernel's ring directory ({@code struct trace_dir}, docs/protocol.md section
 * 11), checked: every value that later sizes a read is in range. {@code groups} and {@code
 * sampleHz} are kept as read; {@link MemoryHello} checks them when it builds the hello.
 *
 * @param metadataAddress virtual address of the metadata blob
 * @param mode 0 streaming, 1 flight recorder
 * @param groups the group mask as read (valid only when {@code published})
 * @param sampleHz the sampling rate as read (valid only when {@code published})
 * @param published flags bit 0: the kernel publishes {@code groups} and {@code sample_hz} (older
 *     kernels left those bytes reserved, 0)
 */
public record DirectoryHeader(
    int ncpu,
    int pageSize,
    int pagesPerCpu,
    long metadataAddress,
    int metadataLength,
    int mode,
    int groups,
    int sampleHz,
    boolean published) {
  public static final int VERSION = 1;

  /** {@code flags} bit: groups and sample_hz are published. */
  public static final int FLAG_HELLO = 1;

  /** Bytes of ring pages per CPU. */
  public long ringBytes() {
    return (long) pagesPerCpu * pageSize;
  }

  /**
   * Checks the 64 bytes of a directory header read at {@code address}.
   *
   * @throws DirectoryException naming the address and the field out of range
   */
  public static DirectoryHeader parse(ByteBuffer header, long address) throws DirectoryException {
    ByteBuffer h = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    String at = "trace directory at 0x%x".formatted(address);
    if (h.remaining() < RingReader.DIR_HEADER
        || h.getInt(0) != RingReader.DIR_MAGIC
        || (h.getShort(4) & 0xFFFF) != VERSION) {
      throw new DirectoryException(at + ": no 'UTRD' magic with version 1");
    }
    int ncpu = h.getShort(6) & 0xFFFF;
    long pageSize = Integer.toUnsignedLong(h.getInt(8));
    long perCpu = Integer.toUnsignedLong(h.getInt(12));
    long metadataLength = Integer.toUnsignedLong(h.getInt(24));
    int mode = h.getInt(28);
    if (ncpu < 1 || ncpu > HelloCodec.MAX_CPUS) {
      throw new DirectoryException(at + ": ncpu " + ncpu + " outside 1.." + HelloCodec.MAX_CPUS);
    }
    if (!PageFormat.validPageSize(pageSize)) {
      throw new DirectoryException(at + ": page_size " + pageSize + " invalid");
    }
    if (perCpu < 2 || Long.bitCount(perCpu) != 1 || perCpu > HelloCodec.MAX_PAGES_PER_CPU) {
      throw new DirectoryException(
          at + ": pages_per_cpu " + perCpu + " is not a power of two in 2..262144");
    }
    if (metadataLength < 1 || metadataLength > WireConstants.MAX_PAYLOAD) {
      throw new DirectoryException(at + ": metadata_len " + metadataLength + " outside 1..65536");
    }
    if (mode != 0 && mode != 1) {
      throw new DirectoryException(at + ": mode " + mode + " is neither 0 nor 1");
    }
    return new DirectoryHeader(
        ncpu,
        (int) pageSize,
        (int) perCpu,
        h.getLong(16),
        (int) metadataLength,
        mode,
        h.getInt(32),
        h.getInt(36),
        (h.getInt(40) & FLAG_HELLO) != 0);
  }
}
