package dev.uniscope.trace.meta;

/**
 * One field of an event: where it sits in the payload's fixed part and how to read it.
 *
 * @param elemType element type for {@link FieldType#ARRAY}, else null
 * @param offset offset from the start of the payload (after the 8-byte record header)
 * @param size bytes taken in the fixed part
 */
public record FieldDef(String name, FieldType type, FieldType elemType, int offset, int size) {

  public static FieldDef of(String name, FieldType type, int offset) {
    return new FieldDef(name, type, null, offset, type.fixedSize());
  }

  public static FieldDef chars(String name, int offset, int size) {
    return new FieldDef(name, FieldType.CHARS, null, offset, size);
  }

  public static FieldDef array(String name, FieldType elem, int offset, int count) {
    return new FieldDef(name, FieldType.ARRAY, elem, offset, count * elem.fixedSize());
  }
}
