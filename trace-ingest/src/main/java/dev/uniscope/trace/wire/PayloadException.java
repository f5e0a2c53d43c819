package dev.uniscope.trace.wire;

/** A frame payload that breaks docs/protocol.md; names the frame type and byte offset. */
public final class PayloadException extends Exception {
  public PayloadException(FrameType type, int offset, String message) {
    super(type + " payload, byte " + offset + ": " + message);
  }
}
