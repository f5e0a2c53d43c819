package dev.uniscope.tests.vsock;

import dev.uniscope.trace.vsock.VhostUserVsockBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A private (0700) temporary directory for one test's vhost-user-vsock back-end: its socket, and
 * whatever else the test puts beside it (qtest or exposer sockets). Closing stops the back-end and
 * removes the directory.
 */
final class VsockBackendDir implements AutoCloseable {
  private final Path dir;
  private VhostUserVsockBackend backend;

  private VsockBackendDir(Path dir) {
    this.dir = dir;
  }

  static VsockBackendDir create(String prefix) throws IOException {
    return new VsockBackendDir(
        Files.createTempDirectory(
            prefix,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
  }

  /** A path in the directory. */
  Path resolve(String name) {
    return dir.resolve(name);
  }

  /** Starts the back-end for guest {@code cid} on {@code vu.sock}; closed with this directory. */
  VhostUserVsockBackend startBackend(long cid) throws IOException {
    backend = VhostUserVsockBackend.start(dir.resolve("vu.sock"), cid);
    return backend;
  }

  /**
   * The QEMU options that attach the back-end at {@code socket}: guest RAM must be a shared memfd
   * of {@code -m}'s size (256M), so the back-end can map it.
   */
  static String[] qemuArgs(Path socket) {
    return new String[] {
      "-object", "memory-backend-memfd,id=mem,size=256M,share=on",
      "-machine", "memory-backend=mem",
      "-chardev", "socket,id=vu,path=" + socket,
      "-device", "vhost-user-vsock-pci,chardev=vu"
    };
  }

  @Override
  public void close() throws IOException {
    if (backend != null) {
      backend.close();
    }
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }
}
