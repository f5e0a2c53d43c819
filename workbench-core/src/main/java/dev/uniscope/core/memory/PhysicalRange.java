package dev.uniscope.core.memory;

/** A range of guest-physical addresses backed by RAM or ROM: {@code [start, start + size)}. */
public record PhysicalRange(long start, long size) {
  public PhysicalRange {
    if (size <= 0 || Long.compareUnsigned(start + size - 1, start) < 0) {
      throw new IllegalArgumentException(
          "bad range 0x" + Long.toHexString(start) + "+0x" + Long.toHexString(size));
    }
  }

  /** The last address in the range (the end itself may not fit in 64 bits). */
  public long last() {
    return start + size - 1;
  }

  public boolean contains(long address) {
    return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, last()) <= 0;
  }

  @Override
  public String toString() {
    return "0x" + Long.toHexString(start) + "-0x" + Long.toHexString(last());
  }
}
