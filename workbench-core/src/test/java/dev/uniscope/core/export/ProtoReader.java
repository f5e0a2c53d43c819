package dev.uniscope.core.export;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny protobuf decoder for tests: a message becomes field number -> list of values (Long for
 * varints, byte[] for length-delimited). Written independently of {@link ProtoWriter}.
 */
final class ProtoReader {
  private ProtoReader() {}

  static Map<Integer, List<Object>> decode(byte[] b) {
    Map<Integer, List<Object>> m = new HashMap<>();
    int[] pos = {0};
    while (pos[0] < b.length) {
      long key = varint(b, pos);
      int field = (int) (key >>> 3);
      int wire = (int) (key & 7);
      Object v;
      switch (wire) {
        case 0 -> v = varint(b, pos);
        case 2 -> {
          int n = (int) varint(b, pos);
          if (n < 0 || pos[0] + n > b.length) {
            throw new IllegalArgumentException("length past end");
          }
          byte[] x = new byte[n];
          System.arraycopy(b, pos[0], x, 0, n);
          pos[0] += n;
          v = x;
        }
        default -> throw new IllegalArgumentException("unexpected wire type " + wire);
      }
      m.computeIfAbsent(field, k -> new ArrayList<>()).add(v);
    }
    return m;
  }

  static long varint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= b.length) {
        throw new IllegalArgumentException("truncated varint");
      }
      byte x = b[pos[0]++];
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("varint too long");
  }

  /** A packed repeated varint field's values (or unpacked ones). */
  static List<Long> longs(Map<Integer, List<Object>> m, int field) {
    List<Long> out = new ArrayList<>();
    for (Object o : m.getOrDefault(field, List.of())) {
      if (o instanceof Long l) {
        out.add(l);
      } else {
        byte[] b = (byte[]) o;
        int[] pos = {0};
        while (pos[0] < b.length) {
          out.add(varint(b, pos));
        }
      }
    }
    return out;
  }

  static long one(Map<Integer, List<Object>> m, int field) {
    List<Object> v = m.get(field);
    return v == null ? 0 : (Long) v.getFirst();
  }

  static List<Map<Integer, List<Object>>> messages(Map<Integer, List<Object>> m, int field) {
    List<Map<Integer, List<Object>>> out = new ArrayList<>();
    for (Object o : m.getOrDefault(field, List.of())) {
      out.add(decode((byte[]) o));
    }
    return out;
  }
}
