package dev.uniscope.gdbstub.rsp;

import dev.uniscope.gdbstub.rsp.wire.Hex;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Reply parsers for the common shapes; errors become typed {@link RspException}s. */
public final class Replies {
  private Replies() {}

  /** The payload as text, no checks. */
  public static String text(String command, ByteBuf payload) {
    return payload.toString(StandardCharsets.ISO_8859_1);
  }

  /** The payload as text; the empty reply and {@code Exx} become exceptions. */
  public static String checked(String command, ByteBuf payload) {
    String t = text(command, payload);
    checkError(command, t);
    return t;
  }

  /** Expects {@code OK}. */
  public static Void ok(String command, ByteBuf payload) {
    String t = checked(command, payload);
    if (!t.equals("OK")) {
      throw new RspException.Malformed(command, t, "expected OK");
    }
    return null;
  }

  public static StopReply stop(String command, ByteBuf payload) {
    String t = checked(command, payload);
    if (!StopReply.looksLike(t)) {
      throw new RspException.Malformed(command, t, "expected a stop reply");
    }
    return StopReply.parse(t);
  }

  /** Hex-encoded bytes ({@code g}, {@code p}, {@code m}). */
  public static byte[] hexBytes(String command, ByteBuf payload) {
    int n = payload.readableBytes();
    if (n == 0 || (n == 3 && payload.getByte(payload.readerIndex()) == 'E')) {
      checked(command, payload);
    }
    if ((n & 1) != 0) {
      throw new RspException.Malformed(command, text(command, payload), "odd number of hex digits");
    }
    byte[] out = new byte[n / 2];
    if (!Hex.decode(payload, out, 0, out.length)) {
      throw new RspException.Malformed(command, text(command, payload), "not hex");
    }
    return out;
  }

  static void checkError(String command, String t) {
    if (t.isEmpty()) {
      throw new RspException.Unsupported(command);
    }
    if (t.length() == 3
        && t.charAt(0) == 'E'
        && Hex.digit((byte) t.charAt(1)) >= 0
        && Hex.digit((byte) t.charAt(2)) >= 0) {
      throw new RspException.ErrorReply(command, (int) Hex.parseLong(t.substring(1)));
    }
  }
}
