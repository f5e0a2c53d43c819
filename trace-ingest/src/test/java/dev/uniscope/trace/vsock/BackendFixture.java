package dev.uniscope.trace.vsock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend listening on {@link #PORT} with a started {@link FakeFrontEnd} in front of it, fresh
 * for every test; guest connections the backend accepts land in {@link #accepted}.
 */
abstract class BackendFixture {
  static final Duration T = Duration.ofSeconds(20);
  static final int PORT = 5000;

  @TempDir Path dir;
  VhostUserVsockBackend backend;
  FakeFrontEnd fe;
  final LinkedBlockingQueue<VsockConnection> accepted = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws IOException {
    backend = VhostUserVsockBackend.start(dir.resolve("vu.sock"), FakeFrontEnd.GUEST_CID);
    backend.listen(PORT, accepted::add);
    fe = new FakeFrontEnd(backend.socketPath());
    fe.start();
  }

  @AfterEach
  void stop() throws IOException {
    fe.close();
    backend.close();
  }
}
