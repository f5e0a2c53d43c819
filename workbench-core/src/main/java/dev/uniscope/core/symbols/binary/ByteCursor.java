package dev.uniscope.core.symbols.binary;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A little-endian reader over a bounded region of a segment. Every read is checked against the
 * region, so untrusted input fails with a {@link MalformedBinaryException} naming the region and
 * offset instead of an {@link IndexOutOfBoundsException} from deep inside.
 */
public final class ByteCursor {
  private static final ValueLayout.OfShort U16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong U64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** LEB128 values longer than this cannot encode a 64-bit number. */
  private static final int MAX_LEB128_BYTES = 10;

  private final MemorySegment segment;
  private final String region;
  private long position;

  /**
   * @param region a name for error messages, e.g. {@code ".debug_line"}
   */
  public ByteCursor(MemorySegment segment, String region) {
    this.segment = segment;
    this.region = region;
  }

  public String region() {
    return region;
  }

  public long position() {
    return position;
  }

  public long size() {
    return segment.byteSize();
  }

  public long remaining() {
    return segment.byteSize() - position;
  }

  public boolean hasRemaining() {
    return position < segment.byteSize();
  }

  /** Moves to an absolute offset within the region (the end itself is allowed). */
  public ByteCursor seek(long offset) throws MalformedBinaryException {
    if (offset < 0 || offset > segment.byteSize()) {
      throw error("offset 0x%x is outside the region of 0x%x bytes", offset, segment.byteSize());
    }
    position = offset;
    return this;
  }

  public void skip(long count) throws MalformedBinaryException {
    require(count);
    position += count;
  }

  public int u8() throws MalformedBinaryException {
    require(1);
    return Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, position++));
  }

  public int s8() throws MalformedBinaryException {
    require(1);
    return segment.get(ValueLayout.JAVA_BYTE, position++);
  }

  public int u16() throws MalformedBinaryException {
    require(2);
    int value = Short.toUnsignedInt(segment.get(U16, position));
    position += 2;
    return value;
  }

  public long u32() throws MalformedBinaryException {
    require(4);
    long value = Integer.toUnsignedLong(segment.get(U32, position));
    position += 4;
    return value;
  }

  /** A 64-bit value, possibly "negative" when read as signed (high kernel addresses). */
  public long u64() throws MalformedBinaryException {
    require(8);
    long value = segment.get(U64, position);
    position += 8;
    return value;
  }

  /** An unsigned value of 1, 2, 4 or 8 bytes. */
  public long unsigned(int width) throws MalformedBinaryException {
    return switch (width) {
      case 1 -> u8();
      case 2 -> u16();
      case 4 -> u32();
      case 8 -> u64();
      default -> throw error("unsupported value width %d", width);
    };
  }

  /** An unsigned 64-bit offset/size that must fit in a non-negative long. */
  public long u64AsSize(String what) throws MalformedBinaryException {
    long at = position;
    long value = u64();
    if (value < 0) {
      throw new MalformedBinaryException(
          "%s at %s+0x%x: 0x%s does not fit a file"
              .formatted(what, region, at, Long.toUnsignedString(value, 16)));
    }
    return value;
  }

  public long uleb128() throws MalformedBinaryException {
    long at = position;
    long result = 0;
    int shift = 0;
    for (int i = 0; i < MAX_LEB128_BYTES; i++) {
      int b = u8();
      if (shift < 64) {
        result |= (long) (b & 0x7f) << shift;
      }
      shift += 7;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new MalformedBinaryException(
        "%s+0x%x: ULEB128 longer than %d bytes".formatted(region, at, MAX_LEB128_BYTES));
  }

  public long sleb128() throws MalformedBinaryException {
    long at = position;
    long result = 0;
    int shift = 0;
    for (int i = 0; i < MAX_LEB128_BYTES; i++) {
      int b = u8();
      if (shift < 64) {
        result |= (long) (b & 0x7f) << shift;
      }
      shift += 7;
      if ((b & 0x80) == 0) {
        if (shift < 64 && (b & 0x40) != 0) {
          result |= -1L << shift;
        }
        return result;
      }
    }
    throw new MalformedBinaryException(
        "%s+0x%x: SLEB128 longer than %d bytes".formatted(region, at, MAX_LEB128_BYTES));
  }

  /** A NUL-terminated string; the terminator must lie inside the region. */
  public String cString() throws MalformedBinaryException {
    long end = terminator(segment, position, region);
    String s = decode(segment, position, end);
    position = end + 1;
    return s;
  }

  /** A sub-cursor over the next {@code length} bytes; this cursor moves past them. */
  public ByteCursor slice(long length, String subRegion) throws MalformedBinaryException {
    require(length);
    ByteCursor sub = new ByteCursor(segment.asSlice(position, length), subRegion);
    position += length;
    return sub;
  }

  /** Reads a NUL-terminated string at {@code offset} of a string table segment. */
  public static String cStringAt(MemorySegment table, long offset, String tableName)
      throws MalformedBinaryException {
    long size = table.byteSize();
    if (offset < 0 || offset >= size) {
      throw new MalformedBinaryException(
          "string offset 0x%x is outside %s (0x%x bytes)".formatted(offset, tableName, size));
    }
    return decode(table, offset, terminator(table, offset, tableName));
  }

  private static long terminator(MemorySegment table, long offset, String tableName)
      throws MalformedBinaryException {
    long size = table.byteSize();
    long end = offset;
    while (end < size && table.get(ValueLayout.JAVA_BYTE, end) != 0) {
      end++;
    }
    if (end == size) {
      throw new MalformedBinaryException(
          "string at %s+0x%x has no NUL terminator before the end of the table"
              .formatted(tableName, offset));
    }
    return end;
  }

  private static String decode(MemorySegment table, long from, long to) {
    byte[] bytes = table.asSlice(from, to - from).toArray(ValueLayout.JAVA_BYTE);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  public MalformedBinaryException error(String format, Object... args) {
    return new MalformedBinaryException(
        "%s+0x%x: %s".formatted(region, position, format.formatted(args)));
  }

  private void require(long count) throws MalformedBinaryException {
    if (count < 0 || count > segment.byteSize() - position) {
      throw error(
          "need 0x%x bytes but only 0x%x remain in the region of 0x%x bytes",
          count, segment.byteSize() - position, segment.byteSize());
    }
  }
}
