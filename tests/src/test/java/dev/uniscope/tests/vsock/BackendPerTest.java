package dev.uniscope.tests.vsock;

import dev.uniscope.trace.vsock.VhostUserVsockBackend;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh vhost-user-vsock back-end in its own private directory for every test of a guest. */
abstract class BackendPerTest {
  private final String prefix;
  private final long cid;
  VsockBackendDir dir;
  VhostUserVsockBackend backend;

  /**
   * @param prefix the private directory's name prefix (tells whose leftovers are whose)
   * @param cid the guest CID the back-end serves
   */
  BackendPerTest(String prefix, long cid) {
    this.prefix = prefix;
    this.cid = cid;
  }

  @BeforeEach
  final void startBackend() throws IOException {
    dir = VsockBackendDir.create(prefix);
    backend = dir.startBackend(cid);
  }

  @AfterEach
  final void closeBackend() throws IOException {
    dir.close();
  }
}
