package dev.uniscope.trace.vsock.vhostuser;

import java.io.IOException;

/** The front-end sent a malformed vhost-user message; the control connection is dropped. */
public final class ProtocolException extends IOException {
  public ProtocolException(String message) {
    super(message);
  }
}
