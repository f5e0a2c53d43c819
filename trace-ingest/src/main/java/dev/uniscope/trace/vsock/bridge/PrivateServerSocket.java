package dev.uniscope.trace.vsock.bridge;

import dev.uniscope.trace.vsock.ffm.StaleSocket;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A listening Unix socket only its owner can connect to (0600), replacing a stale one. */
final class PrivateServerSocket {
  private PrivateServerSocket() {}

  static ServerSocketChannel open(Path path) throws IOException {
    StaleSocket.remove(path);
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      s.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      s.close();
      throw e;
    }
    return s;
  }
}
