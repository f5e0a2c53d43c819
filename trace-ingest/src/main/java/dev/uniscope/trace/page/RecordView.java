package dev.uniscope.trace.page;

import dev.uniscope.trace.meta.EventDef;
import dev.uniscope.trace.meta.FieldDef;
import dev.uniscope.trace.meta.FieldType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one record in place. Reads are bounds-checked against the record, so a view
 * over bytes that changed since decoding fails with a clear message instead of reading elsewhere.
 *
 * @param page the page bytes (any byte order; read little-endian)
 * @param offset record start in the page
 */
public record RecordView(ByteBuffer page, int offset, EventDef event) {
  public RecordView {
    page = page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  public int size() {
    return page.getShort(offset + 2) & 0xFFFF;
  }

  private int payload() {
    return offset + PageFormat.RECORD_HEADER;
  }

  /** A scalar field as a long (unsigned types zero-extended, signed sign-extended). */
  public long number(String field) {
    return number(require(field));
  }

  public long number(FieldDef f) {
    int at = payload() + f.offset();
    check(f, at, f.size());
    return switch (f.type()) {
      case U8, BOOL -> page.get(at) & 0xFFL;
      case I8 -> page.get(at);
      case U16 -> page.getShort(at) & 0xFFFFL;
      case I16 -> page.getShort(at);
      case U32 -> page.getInt(at) & 0xFFFFFFFFL;
      case I32 -> page.getInt(at);
      case U64, I64, PTR -> page.getLong(at);
      default -> throw new IllegalArgumentException(f.name() + " is not a scalar but " + f.type());
    };
  }

  /** A STRING or CHARS field as text. */
  public String text(String field) {
    FieldDef f = require(field);
    if (f.type() == FieldType.CHARS) {
      int at = payload() + f.offset();
      check(f, at, f.size());
      int n = 0;
      while (n < f.size() && page.get(at + n) != 0) {
        n++;
      }
      return new String(bytes(at, n), StandardCharsets.UTF_8);
    }
    return new String(dynamic(f), StandardCharsets.UTF_8);
  }

  /** An ARRAY field's elements as longs (same widening as {@link #number}). */
  public long[] array(String field) {
    FieldDef f = require(field);
    if (f.type() != FieldType.ARRAY) {
      throw new IllegalArgumentException(field + " is not an array");
    }
    int width = f.elemType().fixedSize();
    long[] out = new long[f.size() / width];
    for (int i = 0; i < out.length; i++) {
      out[i] = number(new FieldDef(f.name(), f.elemType(), null, f.offset() + i * width, width));
    }
    return out;
  }

  /** A STACK field: return addresses, leaf first. */
  public long[] stack(String field) {
    byte[] raw = dynamic(require(field));
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    long[] frames = new long[raw.length / 8];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = b.getLong(i * 8);
    }
    return frames;
  }

  /** The bytes a dynamic field points to. */
  public byte[] dynamic(FieldDef f) {
    if (!f.type().isDynamic()) {
      throw new IllegalArgumentException(f.name() + " is not a dynamic field");
    }
    int locAt = payload() + f.offset();
    check(f, locAt, 4);
    int loc = page.getInt(locAt);
    int len = loc >>> 16;
    int at = payload() + (loc & 0xFFFF);
    if (len == 0) {
      return new byte[0];
    }
    check(f, at, len);
    return bytes(at, len);
  }

  private byte[] bytes(int at, int n) {
    byte[] out = new byte[n];
    page.get(at, out);
    return out;
  }

  private FieldDef require(String field) {
    FieldDef f = event.field(field);
    if (f == null) {
      throw new IllegalArgumentException("event " + event.name() + " has no field " + field);
    }
    return f;
  }

  private void check(FieldDef f, int at, int len) {
    int end = offset + size();
    if (at < payload() || at + len > end || end > page.limit()) {
      throw new IllegalStateException(
          "field " + f.name() + " of " + event.name() + " lies outside its record at " + offset);
    }
  }
}
