package dev.uniscope.gdbstub.rsp;

/**
 * One register of the target description: its RSP number (for {@code p}/{@code P}), size, and byte
 * offset inside the {@code g} packet (registers in RSP-number order).
 */
public record RegisterInfo(
    String name, int regnum, int bitSize, String type, String group, String feature, int offset) {
  public int byteSize() {
    return (bitSize + 7) / 8;
  }
}
