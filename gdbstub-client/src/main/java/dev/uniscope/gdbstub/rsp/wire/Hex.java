package dev.uniscope.gdbstub.rsp.wire;

import io.netty.buffer.ByteBuf;

/** Hex helpers on raw bytes, without intermediate strings (bulk memory reads go through here). */
public final class Hex {
  static final byte[] DIGITS =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Hex() {}

  /** Value of one hex digit (either case), or -1. */
  public static int digit(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /**
   * Decodes {@code 2*len} hex digits from {@code src} (at its reader index, not consumed) into
   * {@code dst[off..off+len)}. Returns false if a digit is invalid or the source is too short.
   */
  public static boolean decode(ByteBuf src, byte[] dst, int off, int len) {
    if (src.readableBytes() < 2 * len) {
      return false;
    }
    byte[] a;
    int p;
    if (src.hasArray()) {
      a = src.array();
      p = src.arrayOffset() + src.readerIndex();
    } else {
      a = new byte[2 * len];
      src.getBytes(src.readerIndex(), a);
      p = 0;
    }
    int bad = 0;
    for (int i = 0; i < len; i++) {
      int hi = VALUE[a[p++] & 0xff];
      int lo = VALUE[a[p++] & 0xff];
      bad |= hi | lo;
      dst[off + i] = (byte) ((hi << 4) | lo);
    }
    return bad >= 0;
  }

  /** Digit values by byte, -1 for non-digits (table lookup: bulk reads decode megabytes). */
  private static final int[] VALUE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      VALUE[i] = digit((byte) i);
    }
  }

  /** Decodes a whole hex string; throws on odd length or bad digits. */
  public static byte[] decode(CharSequence s) {
    if ((s.length() & 1) != 0) {
      throw new IllegalArgumentException("odd-length hex string");
    }
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = digit((byte) s.charAt(2 * i));
      int lo = digit((byte) s.charAt(2 * i + 1));
      if ((hi | lo) < 0 || s.charAt(2 * i) > 0x7f || s.charAt(2 * i + 1) > 0x7f) {
        throw new IllegalArgumentException("not a hex string: " + abbreviate(s));
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  public static String encode(byte[] b) {
    return encode(b, 0, b.length);
  }

  public static String encode(byte[] b, int off, int len) {
    StringBuilder sb = new StringBuilder(len * 2);
    for (int i = off; i < off + len; i++) {
      sb.append((char) DIGITS[(b[i] >> 4) & 0xf]).append((char) DIGITS[b[i] & 0xf]);
    }
    return sb.toString();
  }

  /** Parses an unsigned hex number of at most 16 digits. */
  public static long parseLong(CharSequence s) {
    if (s.isEmpty() || s.length() > 16) {
      throw new NumberFormatException("bad hex number: '" + abbreviate(s) + "'");
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      int d = ch > 0x7f ? -1 : digit((byte) ch);
      if (d < 0) {
        throw new NumberFormatException("bad hex number: '" + abbreviate(s) + "'");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  static String abbreviate(CharSequence s) {
    return s.length() > 40 ? s.subSequence(0, 40) + "..." : s.toString();
  }
}
