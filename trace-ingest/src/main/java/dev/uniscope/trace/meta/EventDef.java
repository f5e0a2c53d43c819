package dev.uniscope.trace.meta;

import java.util.List;

/**
 * One event type as described by the kernel's metadata.
 *
 * @param fixedSize size of the fixed part of the payload
 * @param group group bit (docs/protocol.md section 7.1)
 */
public record EventDef(int id, String name, int group, int fixedSize, List<FieldDef> fields) {
  public EventDef {
    fields = List.copyOf(fields);
  }

  /** The field with this name, or null. */
  public FieldDef field(String fieldName) {
    for (FieldDef f : fields) {
      if (f.name().equals(fieldName)) {
        return f;
      }
    }
    return null;
  }
}
