package dev.uniscope.core.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The protobuf wire format, the part profile.proto needs: varint (wire type 0) and length-delimited
 * (wire type 2) fields, packed repeated varints. Proto3 rules: zero scalars are omitted.
 */
final class ProtoWriter {
  private byte[] buf = new byte[256];
  private int len;

  int length() {
    return len;
  }

  void reset() {
    len = 0;
  }

  void writeTo(OutputStream out) throws IOException {
    out.write(buf, 0, len);
  }

  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  private void rawVarint(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[len++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[len++] = (byte) v;
  }

  private void tag(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  /** An int64/uint64/bool field; omitted when zero. */
  ProtoWriter varint(int field, long v) {
    if (v != 0) {
      tag(field, 0);
      rawVarint(v);
    }
    return this;
  }

  ProtoWriter bytes(int field, byte[] b, int off, int n) {
    tag(field, 2);
    rawVarint(n);
    ensure(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
    return this;
  }

  /** A string field, written even when empty (the string table's entry 0 must exist). */
  ProtoWriter string(int field, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return bytes(field, b, 0, b.length);
  }

  /** An embedded message. */
  ProtoWriter message(int field, ProtoWriter m) {
    return bytes(field, m.buf, 0, m.len);
  }

  /** A packed repeated varint field; omitted when empty. */
  ProtoWriter packed(int field, long[] values, int n) {
    if (n == 0) {
      return this;
    }
    ProtoWriter p = new ProtoWriter();
    for (int i = 0; i < n; i++) {
      p.rawVarint(values[i]);
    }
    return message(field, p);
  }
}
