package dev.uniscope.core.symbols.elf;

/** One program header. {@code offset + fileSize} has been checked against the file. */
public record ElfSegment(
    int index,
    int type,
    int flags,
    long offset,
    long virtualAddress,
    long physicalAddress,
    long fileSize,
    long memorySize,
    long align) {
  public static final int PT_LOAD = 1;
  public static final int PT_DYNAMIC = 2;
  public static final int PT_NOTE = 4;

  public static final int PF_X = 1;
  public static final int PF_W = 2;
  public static final int PF_R = 4;

  /** Whether the link-time address lies in this segment's memory image. Unsigned comparison. */
  public boolean containsAddress(long linkAddress) {
    return Long.compareUnsigned(linkAddress, virtualAddress) >= 0
        && Long.compareUnsigned(linkAddress - virtualAddress, memorySize) < 0;
  }
}
