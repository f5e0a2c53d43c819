package dev.uniscope.trace.vsock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A backend on a socket in its own private (0700) directory, and the {@link FakeFrontEnd}s started
 * against it, for code outside JUnit's per-test lifecycle ({@link BackendFixture}): one rig per
 * jqwik try, or per benchmark round. Closing closes the front-ends, then the backend, and removes
 * the directory.
 */
final class BackendRig implements AutoCloseable {
  private final Path dir;
  private final VhostUserVsockBackend backend;
  private final Deque<FakeFrontEnd> frontEnds = new ArrayDeque<>();

  private BackendRig(Path dir, VhostUserVsockBackend backend) {
    this.dir = dir;
    this.backend = backend;
  }

  /** Starts a backend for guest {@code guestCid}; no front-end yet. */
  static BackendRig start(long guestCid) throws IOException {
    Path dir =
        Files.createTempDirectory(
            "vsock-rig",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      return new BackendRig(dir, VhostUserVsockBackend.start(dir.resolve("vu.sock"), guestCid));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(dir);
      throw e;
    }
  }

  /**
   * Starts a backend for guest {@code guestCid} that listens on {@code port}, with a started
   * front-end ({@link #frontEnd()}).
   */
  static BackendRig listening(long guestCid, int port, VsockListener onAccept) throws IOException {
    BackendRig rig = start(guestCid);
    try {
      rig.backend.listen(port, onAccept);
      rig.startFrontEnd();
      return rig;
    } catch (IOException | RuntimeException e) {
      rig.close();
      throw e;
    }
  }

  VhostUserVsockBackend backend() {
    return backend;
  }

  /** The first front-end started. */
  FakeFrontEnd frontEnd() {
    return frontEnds.getLast();
  }

  /** A front-end connected and {@link FakeFrontEnd#start() started}; closed with the rig. */
  FakeFrontEnd startFrontEnd() throws IOException {
    FakeFrontEnd fe = new FakeFrontEnd(backend.socketPath());
    frontEnds.push(fe);
    fe.start();
    return fe;
  }

  @Override
  public void close() throws IOException {
    try {
      while (!frontEnds.isEmpty()) {
        frontEnds.pop().close();
      }
      backend.close();
    } finally {
      Files.deleteIfExists(backend.socketPath());
      Files.deleteIfExists(dir);
    }
  }
}
