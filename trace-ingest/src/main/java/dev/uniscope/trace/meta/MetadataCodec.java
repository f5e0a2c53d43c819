package dev.uniscope.trace.meta;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads and writes the METADATA payload (docs/protocol.md section 6). */
public final class MetadataCodec {
  public static final int MAGIC = 0x444D5455; // "UTMD"
  public static final int VERSION = 1;
  public static final int MAX_EVENTS = 1024;
  public static final int MAX_FIXED_SIZE = 4096;
  public static final int MAX_FIELDS = 64;

  private MetadataCodec() {}

  /**
   * Decodes and validates a metadata payload; {@code bytes} is read from position to limit and is
   * not modified.
   *
   * @throws MetadataException naming the first violated rule and its byte offset
   */
  public static Metadata decode(ByteBuffer bytes) throws MetadataException {
    Reader r = new Reader(bytes.slice().order(ByteOrder.LITTLE_ENDIAN));
    if (r.u32() != MAGIC) {
      throw new MetadataException(0, "bad metadata magic");
    }
    int version = r.u16();
    if (version != VERSION) {
      throw new MetadataException(4, "unsupported metadata version " + version);
    }
    int count = r.u16();
    if (count < 1 || count > MAX_EVENTS) {
      throw new MetadataException(6, "event count " + count + " outside 1.." + MAX_EVENTS);
    }
    List<EventDef> events = new ArrayList<>(count);
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < count; i++) {
      int at = r.pos();
      int id = r.u16();
      int fixed = r.u16();
      int group = r.u8();
      r.u8(); // flags, reserved
      int nameLen = r.u8();
      int fieldCount = r.u8();
      String name = r.name(nameLen);
      if (id == 0 || !ids.add(id)) {
        throw new MetadataException(at, "event id " + id + " is reserved or duplicated");
      }
      if (fixed > MAX_FIXED_SIZE || group > 31 || fieldCount > MAX_FIELDS) {
        throw new MetadataException(
            at, "event " + name + ": fixed size, group or field count out of range");
      }
      List<FieldDef> fields = new ArrayList<>(fieldCount);
      Set<String> names = new HashSet<>();
      for (int f = 0; f < fieldCount; f++) {
        int fat = r.pos();
        FieldDef def = readField(r, fat);
        if (!names.add(def.name())) {
          throw new MetadataException(fat, "event " + name + ": duplicate field " + def.name());
        }
        if (def.offset() + def.size() > fixed) {
          throw new MetadataException(
              fat, "event " + name + ": field " + def.name() + " lies outside the fixed part");
        }
        fields.add(def);
      }
      events.add(new EventDef(id, name, group, fixed, fields));
    }
    if (r.remaining() != 0) {
      throw new MetadataException(
          r.pos(), r.remaining() + " trailing byte(s) after the last event");
    }
    return new Metadata(events);
  }

  private static FieldDef readField(Reader r, int at) throws MetadataException {
    int typeCode = r.u8();
    int elemCode = r.u8();
    int offset = r.u16();
    int size = r.u16();
    String fname = r.name(r.u8());
    FieldType type = FieldType.ofCode(typeCode);
    if (type == null) {
      throw new MetadataException(at, "field " + fname + ": unknown type " + typeCode);
    }
    FieldType elem = null;
    if (type == FieldType.ARRAY) {
      elem = FieldType.ofCode(elemCode);
      if (elem == null || !elem.isScalar() || size % elem.fixedSize() != 0) {
        throw new MetadataException(at, "field " + fname + ": bad array element type or size");
      }
    } else if (elemCode != 0) {
      throw new MetadataException(at, "field " + fname + ": element type set on a non-array");
    } else if (type.fixedSize() >= 0 && size != type.fixedSize()) {
      throw new MetadataException(
          at, "field " + fname + ": size " + size + " does not match " + type);
    }
    return new FieldDef(fname, type, elem, offset, size);
  }

  /** Encodes a table (the kernel's job; here for tests, fakes and captures read from memory). */
  public static ByteBuffer encode(Metadata metadata) {
    ByteBuffer b = ByteBuffer.allocate(65536).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putShort((short) VERSION).putShort((short) metadata.events().size());
    for (EventDef e : metadata.events()) {
      byte[] name = e.name().getBytes(StandardCharsets.US_ASCII);
      b.putShort((short) e.id())
          .putShort((short) e.fixedSize())
          .put((byte) e.group())
          .put((byte) 0);
      b.put((byte) name.length).put((byte) e.fields().size()).put(name);
      for (FieldDef f : e.fields()) {
        byte[] fname = f.name().getBytes(StandardCharsets.US_ASCII);
        b.put((byte) f.type().code()).put((byte) (f.elemType() == null ? 0 : f.elemType().code()));
        b.putShort((short) f.offset()).putShort((short) f.size());
        b.put((byte) fname.length).put(fname);
      }
    }
    return b.flip();
  }

  /**
   * Bounds-checked little-endian reads that fail with the offset instead of throwing
   * BufferUnderflow.
   */
  private static final class Reader {
    private final ByteBuffer b;

    Reader(ByteBuffer b) {
      this.b = b;
    }

    int pos() {
      return b.position();
    }

    int remaining() {
      return b.remaining();
    }

    private void need(int n) throws MetadataException {
      if (b.remaining() < n) {
        throw new MetadataException(b.position(), "metadata ends early (need " + n + " byte(s))");
      }
    }

    int u8() throws MetadataException {
      need(1);
      return b.get() & 0xFF;
    }

    int u16() throws MetadataException {
      need(2);
      return b.getShort() & 0xFFFF;
    }

    int u32() throws MetadataException {
      need(4);
      return b.getInt();
    }

    String name(int len) throws MetadataException {
      int at = b.position();
      if (len < 1 || len > 63) {
        throw new MetadataException(at, "name length " + len + " outside 1..63");
      }
      need(len);
      byte[] s = new byte[len];
      b.get(s);
      for (int i = 0; i < len; i++) {
        byte c = s[i];
        boolean ok = (c >= 'a' && c <= 'z') || (i > 0 && ((c >= '0' && c <= '9') || c == '_'));
        if (!ok) {
          throw new MetadataException(at + i, "invalid character in name");
        }
      }
      return new String(s, StandardCharsets.US_ASCII);
    }
  }
}
