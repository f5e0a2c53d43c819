package dev.uniscope.trace.vsock;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * One vsock stream as a plain byte stream, whichever way it was made: a guest connection to the
 * built-in backend, a native AF_VSOCK socket, or a hybrid-vsock Unix socket. The data-channel
 * pipeline consumes it like any other stream (see docs/vsock.md, "Feeding the data channel").
 *
 * <p>{@link #input()} blocks until data arrives and returns -1 once the peer has closed and
 * everything it sent has been read. {@link #output()} blocks while the peer has no credit and fails
 * with an {@link java.io.IOException} once the connection is reset. Both streams are for platform
 * threads.
 */
public interface VsockConnection extends AutoCloseable {
  InputStream input();

  OutputStream output();

  /** For logs: "guest 3:1234 <-> host 5000". */
  String describe();

  /** The host-side vsock port, when this side knows it (the built-in backend does). */
  default java.util.OptionalInt hostPort() {
    return java.util.OptionalInt.empty();
  }

  /** Closes both directions; buffered inbound data stays readable until EOF. Idempotent. */
  @Override
  void close();
}
