package dev.uniscope.trace.command;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A host-to-kernel command with its encoded arguments (docs/protocol.md section 8). Build with the
 * factories; the request id is assigned when it is sent.
 */
public record Command(Opcode opcode, ByteBuffer args) {
  /** Maximum address ranges in SET_FUNC_FILTER. */
  public static final int MAX_FILTER_RANGES = 256;

  public Command {
    args = args.asReadOnlyBuffer();
  }

  /** An address range {@code [start, end)} for the function filter. */
  public record Range(long start, long end) {}

  public static Command info() {
    return noArgs(Opcode.INFO);
  }

  public static Command start(int groupMask) {
    return u32(Opcode.START, groupMask);
  }

  public static Command stop(int groupMask) {
    return u32(Opcode.STOP, groupMask);
  }

  public static Command setSampleRate(int hz) {
    if (hz < 0 || hz > 10000) {
      throw new IllegalArgumentException("sample rate " + hz + " outside 0..10000");
    }
    return u32(Opcode.SET_SAMPLE_RATE, hz);
  }

  /**
   * @param mode 0 all functions, 1 only the ranges, 2 all except the ranges
   */
  public static Command setFunctionFilter(int mode, List<Range> ranges) {
    if (mode < 0
        || mode > 2
        || ranges.size() > MAX_FILTER_RANGES
        || (mode == 0 && !ranges.isEmpty())) {
      throw new IllegalArgumentException(
          "bad function filter: mode " + mode + ", " + ranges.size() + " ranges");
    }
    ByteBuffer b = ByteBuffer.allocate(4 + 16 * ranges.size()).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) mode).putShort((short) ranges.size());
    for (Range r : ranges) {
      b.putLong(r.start()).putLong(r.end());
    }
    return new Command(Opcode.SET_FUNC_FILTER, b.flip());
  }

  public static Command heapSnapshot() {
    return noArgs(Opcode.HEAP_SNAPSHOT);
  }

  public static Command leakScan() {
    return noArgs(Opcode.LEAK_SCAN);
  }

  public static Command flush() {
    return noArgs(Opcode.FLUSH);
  }

  /**
   * @param mode 0 streaming, 1 flight recorder
   */
  public static Command setMode(int mode) {
    return u32(Opcode.SET_MODE, mode);
  }

  private static Command noArgs(Opcode op) {
    return new Command(op, ByteBuffer.allocate(0));
  }

  private static Command u32(Opcode op, int value) {
    return new Command(op, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value));
  }
}
