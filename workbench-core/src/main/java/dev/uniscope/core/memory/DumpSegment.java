package dev.uniscope.core.memory;

/**
 * One {@code PT_LOAD} of a dump: {@code fileSize} bytes at {@code fileOffset} hold guest-physical
 * memory from {@code physicalAddress}. {@code virtualAddress} equals it in a dump taken without
 * paging; with paging it is QEMU's own translation, and {@code memorySize} may exceed {@code
 * fileSize} (the rest is not in the file).
 */
public record DumpSegment(
    int index,
    long physicalAddress,
    long virtualAddress,
    long fileOffset,
    long fileSize,
    long memorySize) {}
