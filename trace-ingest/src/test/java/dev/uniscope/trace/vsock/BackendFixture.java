package dev.uniscope.trace.vsock;

import dev.uniscope.trace.vsock.packet.Op;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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

  /**
   * Guest: posts {@code rxBuffers} rx buffers and connects from {@code srcPort} to {@link #PORT};
   * returns the application's end once the RESPONSE arrived.
   */
  VsockConnection guestConnects(int srcPort, int rxBuffers) throws Exception {
    fe.postRx(rxBuffers);
    fe.sendPacket(FakeFrontEnd.header(srcPort, PORT, Op.REQUEST.code(), 0, 0), new byte[0]);
    fe.awaitRx(1, T);
    return accepted.poll(20, TimeUnit.SECONDS);
  }
}
