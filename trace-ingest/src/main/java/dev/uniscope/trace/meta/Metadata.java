package dev.uniscope.trace.meta;

import java.util.List;

/**
 * The event table the kernel sent (docs/protocol.md section 6), validated, with O(1) lookup by id.
 * Immutable.
 */
public final class Metadata {
  private final List<EventDef> events;
  private final EventDef[] byId;
  private final int[] fixedSize;
  private final int[][] dynamicOffsets;

  /**
   * Builds a table from validated definitions; use {@link MetadataCodec#decode} for guest bytes.
   *
   * @throws IllegalArgumentException on duplicate ids or id 0
   */
  public Metadata(List<EventDef> events) {
    this.events = List.copyOf(events);
    int max = 0;
    for (EventDef e : this.events) {
      max = Math.max(max, e.id());
    }
    byId = new EventDef[max + 1];
    fixedSize = new int[max + 1];
    dynamicOffsets = new int[max + 1][];
    java.util.Arrays.fill(fixedSize, -1);
    for (EventDef e : this.events) {
      if (e.id() <= 0 || byId[e.id()] != null) {
        throw new IllegalArgumentException("bad or duplicate event id " + e.id());
      }
      byId[e.id()] = e;
      fixedSize[e.id()] = e.fixedSize();
      dynamicOffsets[e.id()] =
          e.fields().stream()
              .filter(f -> f.type().isDynamic())
              .mapToInt(FieldDef::offset)
              .toArray();
    }
  }

  public List<EventDef> events() {
    return events;
  }

  /** The event with this id, or null. */
  public EventDef event(int id) {
    return id >= 0 && id < byId.length ? byId[id] : null;
  }

  /** The event with this name, or null. */
  public EventDef event(String name) {
    for (EventDef e : events) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    return null;
  }

  /** Fixed payload size of an id, or -1 when the id is not described. Hot path of the decoder. */
  public int fixedSize(int id) {
    return id >= 0 && id < fixedSize.length ? fixedSize[id] : -1;
  }

  /** Payload offsets of the data_loc words of an id (empty for none). Hot path of the decoder. */
  public int[] dynamicOffsets(int id) {
    return dynamicOffsets[id];
  }
}
