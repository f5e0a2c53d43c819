package dev.uniscope.trace.command;

/** Command opcodes (docs/protocol.md section 8). */
public enum Opcode {
  INFO(1),
  START(2),
  STOP(3),
  SET_SAMPLE_RATE(4),
  SET_FUNC_FILTER(5),
  HEAP_SNAPSHOT(6),
  LEAK_SCAN(7),
  FLUSH(8),
  SET_MODE(9);

  private final int code;

  Opcode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The opcode for a wire code, or null. */
  public static Opcode ofCode(int code) {
    for (Opcode o : values()) {
      if (o.code == code) {
        return o;
      }
    }
    return null;
  }
}
