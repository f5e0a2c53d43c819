package dev.uniscope.core.memory;

/** Synthetic physical memory: {@code bytes} at physical 0; everything beyond is absent. */
final class PhysicalBytes implements MemoryReader {
  final byte[] bytes;
  int reads;

  PhysicalBytes(int size) {
    this.bytes = new byte[size];
  }

  PhysicalBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  @Override
  public void read(long address, byte[] dst, int offset, int length) throws MemoryAccessException {
    MemoryReader.checkRange(address, length);
    reads++;
    if (address < 0 || address > bytes.length) {
      throw new AbsentMemoryException(address, "beyond the synthetic memory");
    }
    if (length > bytes.length - address) {
      throw new AbsentMemoryException(bytes.length, "beyond the synthetic memory");
    }
    System.arraycopy(bytes, (int) address, dst, offset, length);
  }

  void putLong(long address, long value) {
    for (int i = 0; i < 8; i++) {
      bytes[(int) address + i] = (byte) (value >>> (8 * i));
    }
  }

  long getLong(long address) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (bytes[(int) address + i] & 0xff);
    }
    return v;
  }
}
