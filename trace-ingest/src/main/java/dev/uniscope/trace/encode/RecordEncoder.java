package dev.uniscope.trace.encode;

import dev.uniscope.trace.meta.EventDef;
import dev.uniscope.trace.meta.FieldDef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds one record payload from field values, following an {@link EventDef} (fixed part, then
 * dynamic data addressed by data_loc words). For tests and fakes; reusable after {@link #reset}.
 */
public final class RecordEncoder {
  private final ByteBuffer buf = ByteBuffer.allocate(65536).order(ByteOrder.LITTLE_ENDIAN);
  private EventDef event;
  private int end;

  /** Starts a payload for {@code e}: the fixed part zeroed. */
  public RecordEncoder reset(EventDef e) {
    event = e;
    end = e.fixedSize();
    for (int i = 0; i < end; i++) {
      buf.put(i, (byte) 0);
    }
    return this;
  }

  public RecordEncoder set(String field, long value) {
    FieldDef f = field(field);
    switch (f.size()) {
      case 1 -> buf.put(f.offset(), (byte) value);
      case 2 -> buf.putShort(f.offset(), (short) value);
      case 4 -> buf.putInt(f.offset(), (int) value);
      case 8 -> buf.putLong(f.offset(), value);
      default -> throw new IllegalArgumentException(field + " is not a scalar");
    }
    return this;
  }

  /** Sets a CHARS (truncated, NUL-padded) or STRING field. */
  public RecordEncoder set(String field, String value) {
    FieldDef f = field(field);
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    if (f.type().isDynamic()) {
      return dynamic(f, b);
    }
    for (int i = 0; i < f.size(); i++) {
      buf.put(f.offset() + i, i < b.length ? b[i] : 0);
    }
    return this;
  }

  /** Sets a STACK field. */
  public RecordEncoder set(String field, long[] frames) {
    byte[] b = new byte[frames.length * 8];
    ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (long f : frames) {
      w.putLong(f);
    }
    return dynamic(field(field), b);
  }

  private RecordEncoder dynamic(FieldDef f, byte[] data) {
    buf.putInt(f.offset(), (data.length << 16) | (data.length == 0 ? 0 : end));
    buf.put(end, data);
    end += data.length;
    return this;
  }

  /** The payload built so far (a view valid until the next reset). */
  public ByteBuffer payload() {
    return buf.slice(0, end).order(ByteOrder.LITTLE_ENDIAN);
  }

  private FieldDef field(String name) {
    FieldDef f = event.field(name);
    if (f == null) {
      throw new IllegalArgumentException(event.name() + " has no field " + name);
    }
    return f;
  }
}
