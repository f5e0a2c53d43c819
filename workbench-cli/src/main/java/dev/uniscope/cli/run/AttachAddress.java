package dev.uniscope.cli.run;

import java.nio.file.Path;

/**
 * Where {@code attach} finds a socket QEMU serves ({@code --serial}, {@code --gdb}): {@code
 * unix:PATH}, a bare socket path, or {@code HOST:PORT}. Each option maps it to its own endpoint
 * type.
 */
sealed interface AttachAddress {
  /** A Unix-domain socket. */
  record Unix(Path path) implements AttachAddress {}

  /** A TCP socket; the port is in 1..65535. */
  record Tcp(String host, int port) implements AttachAddress {}

  /**
   * Parses {@code addr}; anything with a {@code /} or without a {@code :PORT} is a socket path.
   *
   * @throws IllegalArgumentException for a port that is not a number in 1..65535
   */
  static AttachAddress parse(String addr) {
    if (addr.startsWith("unix:")) {
      return new Unix(Path.of(addr.substring(5)));
    }
    int colon = addr.lastIndexOf(':');
    if (colon > 0 && !addr.contains("/")) {
      int port;
      try {
        port = Integer.parseInt(addr.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + addr + "' is not HOST:PORT");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is outside 1..65535");
      }
      return new Tcp(addr.substring(0, colon), port);
    }
    return new Unix(Path.of(addr));
  }
}
