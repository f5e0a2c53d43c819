package dev.uniscope.core.memory;

/**
 * Reads one address space of the target (physical, or virtual through the page tables). Every read
 * is bounded ({@link TargetMemory#MAX_READ}) and either returns the target's bytes or throws a
 * {@link MemoryAccessException} naming the first address it could not read. Scalars are
 * little-endian, as on x86-64.
 */
public interface MemoryReader {

  /** Reads {@code length} bytes at {@code address} into {@code dst[offset..]}. */
  void read(long address, byte[] dst, int offset, int length) throws MemoryAccessException;

  default byte[] read(long address, int length) throws MemoryAccessException {
    checkRange(address, length);
    byte[] b = new byte[length];
    read(address, b, 0, length);
    return b;
  }

  default int u8(long address) throws MemoryAccessException {
    return read(address, 1)[0] & 0xff;
  }

  default int u16(long address) throws MemoryAccessException {
    return (int) littleEndian(read(address, 2));
  }

  default long u32(long address) throws MemoryAccessException {
    return littleEndian(read(address, 4));
  }

  default long u64(long address) throws MemoryAccessException {
    return littleEndian(read(address, 8));
  }

  /**
   * A NUL-terminated string of at most {@code maxLength} bytes (ISO-8859-1, so every byte maps to
   * one char); without a NUL within the limit the first {@code maxLength} bytes are returned. Reads
   * page by page, so a short string at the end of a mapping does not fail on the next page.
   */
  default String cString(long address, int maxLength) throws MemoryAccessException {
    checkRange(address, maxLength);
    StringBuilder sb = new StringBuilder();
    long at = address;
    int left = maxLength;
    while (left > 0) {
      int n = (int) Math.min(left, 4096 - (at & 4095));
      byte[] chunk = read(at, n);
      for (byte b : chunk) {
        if (b == 0) {
          return sb.toString();
        }
        sb.append((char) (b & 0xff));
      }
      at += n;
      left -= n;
    }
    return sb.toString();
  }

  /** Rejects negative, oversized and wrapping ranges before anything is allocated. */
  static void checkRange(long address, long length) throws ReadLimitException {
    if (length < 0) {
      throw new ReadLimitException(address, length, "negative length");
    }
    if (length > TargetMemory.MAX_READ) {
      throw new ReadLimitException(
          address, length, "longer than the limit of " + TargetMemory.MAX_READ + " bytes");
    }
    if (length > 0 && Long.compareUnsigned(address + length - 1, address) < 0) {
      throw new ReadLimitException(address, length, "the range wraps around the address space");
    }
  }

  private static long littleEndian(byte[] b) {
    long v = 0;
    for (int i = b.length - 1; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }
}
