package dev.uniscope.trace.wire;

/** Something wrong in a byte stream of frames, with the stream offset where it was found. */
public sealed interface FrameProblem {
  /** Offset in the byte stream (or file) where the problem starts. */
  long offset();

  /** One line for humans. */
  String describe();

  /** Bytes that were not part of any valid frame. */
  record Garbage(long offset, long length) implements FrameProblem {
    @Override
    public String describe() {
      return "skipped " + length + " garbage byte(s) at offset " + offset;
    }
  }

  /** A header that looked like a frame but whose CRC32C did not match. */
  record CrcMismatch(long offset, FrameType type, int length, int expected, int actual)
      implements FrameProblem {
    @Override
    public String describe() {
      return String.format(
          "CRC mismatch in %s frame (length %d) at offset %d: stored 0x%08x, computed 0x%08x",
          type, length, offset, expected, actual);
    }
  }

  /** The stream ended inside a frame. */
  record Truncated(long offset, long have, long need) implements FrameProblem {
    @Override
    public String describe() {
      return "truncated frame at offset " + offset + " (have " + have + " of " + need + " bytes)";
    }
  }

  /** A frame that passed its CRC but whose payload breaks the protocol. */
  record BadPayload(long offset, String reason) implements FrameProblem {
    @Override
    public String describe() {
      return "bad payload in frame at offset " + offset + ": " + reason;
    }
  }
}
