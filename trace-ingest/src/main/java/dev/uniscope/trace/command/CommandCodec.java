package dev.uniscope.trace.command;

import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.PayloadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** COMMAND and REPLY payloads (docs/protocol.md section 8). */
public final class CommandCodec {
  public static final int COMMAND_HEADER = 8;
  public static final int REPLY_HEADER = 14;
  public static final int MAX_MESSAGE = 255;

  private CommandCodec() {}

  /** A command being decoded (the kernel side, or the fake kernel in tests). */
  public record Request(int requestId, Opcode opcode, ByteBuffer args) {}

  public static ByteBuffer encodeCommand(int requestId, Command c) {
    ByteBuffer args = c.args();
    ByteBuffer b =
        ByteBuffer.allocate(COMMAND_HEADER + args.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(requestId).putShort((short) c.opcode().code()).putShort((short) args.remaining());
    b.put(args.duplicate());
    return b.flip();
  }

  public static Request decodeCommand(ByteBuffer payload) throws PayloadException {
    ByteBuffer b = payload.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() < COMMAND_HEADER) {
      throw new PayloadException(FrameType.COMMAND, 0, "command shorter than its header");
    }
    int argLen = b.getShort(6) & 0xFFFF;
    if (argLen != b.remaining() - COMMAND_HEADER) {
      throw new PayloadException(
          FrameType.COMMAND, 6, "arg_len " + argLen + " != frame length - 8");
    }
    Opcode op = Opcode.ofCode(b.getShort(4) & 0xFFFF);
    return new Request(
        b.getInt(0), op, b.slice(COMMAND_HEADER, argLen).order(ByteOrder.LITTLE_ENDIAN));
  }

  public static ByteBuffer encodeReply(Reply r, int opcodeCode) {
    byte[] msg = r.message().getBytes(StandardCharsets.UTF_8);
    int n = Math.min(msg.length, MAX_MESSAGE);
    ByteBuffer b = ByteBuffer.allocate(REPLY_HEADER + n).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(r.requestId()).putShort((short) opcodeCode).putShort((short) r.status());
    b.putInt((int) r.value()).putShort((short) n).put(msg, 0, n);
    return b.flip();
  }

  public static Reply decodeReply(ByteBuffer payload) throws PayloadException {
    ByteBuffer b = payload.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() < REPLY_HEADER) {
      throw new PayloadException(FrameType.REPLY, 0, "reply shorter than its header");
    }
    int len = b.getShort(12) & 0xFFFF;
    if (len > MAX_MESSAGE || len != b.remaining() - REPLY_HEADER) {
      throw new PayloadException(
          FrameType.REPLY, 12, "message_len " + len + " does not match the frame");
    }
    byte[] msg = new byte[len];
    b.get(REPLY_HEADER, msg);
    return new Reply(
        b.getInt(0),
        Opcode.ofCode(b.getShort(4) & 0xFFFF),
        b.getShort(6) & 0xFFFF,
        Integer.toUnsignedLong(b.getInt(8)),
        new String(msg, StandardCharsets.UTF_8));
  }
}
