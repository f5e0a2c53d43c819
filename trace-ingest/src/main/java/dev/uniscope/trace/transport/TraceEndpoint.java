package dev.uniscope.trace.transport;

import java.nio.file.Path;

/** Where the data channel is: a QEMU chardev socket over TCP or a Unix domain socket. */
public sealed interface TraceEndpoint {
  /** TCP; use loopback (architecture rule: endpoints bind to loopback). */
  record Tcp(String host, int port) implements TraceEndpoint {}

  /** A Unix domain socket path (QEMU {@code -chardev socket,path=...}). */
  record Unix(Path path) implements TraceEndpoint {}
}
