package dev.uniscope.trace.wire;

/** Frame types of docs/protocol.md section 3. */
public enum FrameType {
  HELLO(0x01),
  METADATA(0x02),
  PAGE(0x03),
  COMMAND(0x04),
  REPLY(0x05),
  /** Only in capture files (docs/capture-format.md); never on a live stream. */
  INDEX(0x7E);

  private static final FrameType[] BY_CODE = new FrameType[256];

  static {
    for (FrameType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  FrameType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type for a wire code, or null when the code is unknown. */
  public static FrameType ofCode(int code) {
    return code >= 0 && code < 256 ? BY_CODE[code] : null;
  }
}
