package dev.uniscope.trace.wire;

/** Frame constants from docs/protocol.md section 2. */
public final class WireConstants {
  /** Sync word, read as a little-endian u32 (bytes E1 C3 A5 F7). */
  public static final int SYNC = 0xF7A5C3E1;

  public static final int FRAME_HEADER = 16;
  public static final int MAX_PAYLOAD = 65536;
  public static final int PROTOCOL_MAJOR = 1;
  public static final int PROTOCOL_MINOR = 0;

  private WireConstants() {}
}
