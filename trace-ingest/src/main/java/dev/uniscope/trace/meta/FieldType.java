package dev.uniscope.trace.meta;

/** Field types of docs/protocol.md section 6.1. */
public enum FieldType {
  U8(1, 1),
  U16(2, 2),
  U32(3, 4),
  U64(4, 8),
  I8(5, 1),
  I16(6, 2),
  I32(7, 4),
  I64(8, 8),
  BOOL(9, 1),
  PTR(10, 8),
  /** Fixed array of scalars; size is a multiple of the element size. */
  ARRAY(11, -1),
  /** Fixed NUL-padded UTF-8 text of any size. */
  CHARS(12, -1),
  /** Dynamic UTF-8 text via data_loc. */
  STRING(13, 4),
  /** Dynamic u64 stack, leaf first, via data_loc. */
  STACK(14, 4),
  /** Dynamic raw bytes via data_loc. */
  BYTES(15, 4);

  private static final FieldType[] BY_CODE = new FieldType[16];

  static {
    for (FieldType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final int size;

  FieldType(int code, int size) {
    this.code = code;
    this.size = size;
  }

  public int code() {
    return code;
  }

  /** Size in the fixed part, or -1 when it depends on the field (ARRAY, CHARS). */
  public int fixedSize() {
    return size;
  }

  public boolean isScalar() {
    return code <= PTR.code;
  }

  public boolean isDynamic() {
    return this == STRING || this == STACK || this == BYTES;
  }

  public boolean isSigned() {
    return this == I8 || this == I16 || this == I32 || this == I64;
  }

  /** The type for a wire code, or null when unknown. */
  public static FieldType ofCode(int code) {
    return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
