package dev.uniscope.gdbstub.rsp.wire;

import io.netty.handler.codec.DecoderException;

/** The peer sent bytes that are not valid RSP framing (too long, bad escape, bad run length). */
public final class RspFramingException extends DecoderException {
  public RspFramingException(String message) {
    super(message);
  }
}
