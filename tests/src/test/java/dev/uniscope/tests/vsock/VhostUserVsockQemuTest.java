package dev.uniscope.tests.vsock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.tests.harness.QemuVm;
import dev.uniscope.trace.vsock.VhostUserVsockBackend;
import dev.uniscope.trace.vsock.VsockConnection;
import dev.uniscope.trace.vsock.packet.Op;
import dev.uniscope.trace.vsock.packet.VsockHeader;
import dev.uniscope.trace.vsock.vhostuser.HandshakeEvent;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The built-in vhost-user-vsock backend against real QEMU 7.2 ({@code vhost-user-vsock-pci}). The
 * kernel has no vsock driver yet, so the first test asserts what QEMU sends at realize while the
 * kernel boots; the second plays the guest driver over qtest (the kernel runs but ignores the
 * device) to bring the device up and move bytes both ways through QEMU's real virtio-pci transport,
 * ioeventfd kicks and the backend.
 */
@Timeout(300)
class VhostUserVsockQemuTest {
  static final Duration T = Duration.ofSeconds(60);

  /**
   * The kernel's first line ("uniscope: kernel 0.1 booting ..."; older builds "Uniscope kernel").
   */
  static final Pattern BANNER = Pattern.compile("(?i)^uniscope:? kernel");

  static final int PORT = 5000;

  VsockBackendDir dir;
  VhostUserVsockBackend backend;

  @BeforeEach
  void setUp() throws IOException {
    dir = VsockBackendDir.create("uniscope-vsock-");
  }

  @AfterEach
  void tearDown() throws IOException {
    dir.close();
  }

  static List<String> names(List<HandshakeEvent> events) {
    return events.stream().map(e -> e.name() + (e.fds() > 0 ? "+fd" : "")).toList();
  }

  @Test
  void realizeHandshakeWhileTheKernelBoots() throws Exception {
    backend = dir.startBackend(42);
    try (QemuVm vm =
        QemuVm.builder()
            .memory("256M")
            .append("app=spin")
            .extra(VsockBackendDir.qemuArgs(backend.socketPath()))
            .start()) {
      vm.console().awaitLine(BANNER, Duration.ofMinutes(2));
      assertThat(backend.awaitMessage(e -> e.name().equals("GET_CONFIG"), T))
          .as("QEMU stderr: %s", vm.qemuStderr().text())
          .isPresent();
      List<HandshakeEvent> got = backend.handshake();
      System.out.println("QEMU 7.2 realize-time messages:");
      got.forEach(e -> System.out.println("  " + e));
      assertThat(names(got))
          .containsExactly(
              "GET_FEATURES",
              "GET_PROTOCOL_FEATURES",
              "SET_PROTOCOL_FEATURES",
              "SET_OWNER",
              "GET_FEATURES",
              "SET_VRING_CALL+fd",
              "SET_VRING_ERR+fd",
              "SET_VRING_CALL+fd",
              "SET_VRING_ERR+fd",
              "GET_CONFIG");
      assertThat(got.get(2).detail()).isEqualTo("features 0x208");
      assertThat(got).allMatch(e -> e.flags() == 1);
      assertThat(backend.problems()).isEmpty();
    }
    // QEMU is gone: the backend notices, resets and waits for the next one.
    assertThat(backend.awaitSessionsEnded(1, T)).isTrue();
    assertThat(backend.frontEndConnected()).isFalse();
    try (QemuVm vm =
        QemuVm.builder()
            .memory("256M")
            .paused()
            .extra(VsockBackendDir.qemuArgs(backend.socketPath()))
            .start()) {
      assertThat(
              backend.awaitMessage(
                  e ->
                      e.name().equals("GET_CONFIG")
                          && backend.handshake().stream()
                                  .filter(x -> x.name().equals("GET_CONFIG"))
                                  .count()
                              == 2,
                  T))
          .as("QEMU stderr: %s", vm.qemuStderr().text())
          .isPresent();
    }
  }

  @Test
  void qtestDriverMovesBytesBothWaysThroughRealQemu() throws Exception {
    backend = dir.startBackend(5);
    LinkedBlockingQueue<VsockConnection> accepted = new LinkedBlockingQueue<>();
    backend.listen(PORT, accepted::add);
    Path qtestSock = dir.resolve("qtest.sock");
    try (ServerSocketChannel qtestServer = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      qtestServer.bind(UnixDomainSocketAddress.of(qtestSock));
      try (QemuVm vm =
          // vhost-user devices start only while the VM runs, so the kernel runs (a long spin)
          // while the test plays the vsock driver over qtest.
          QemuVm.builder()
              .memory("256M")
              .append("app=spin duration=600000")
              .extra(VsockBackendDir.qemuArgs(backend.socketPath()))
              .extra("-qtest", "unix:" + qtestSock, "-qtest-log", "/dev/null")
              .start()) {
        CompletableFuture<SocketChannel> conn =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return qtestServer.accept();
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
        SocketChannel qch = conn.get(60, TimeUnit.SECONDS);
        try (Qtest qt = new Qtest(qch)) {
          runDriver(qt, accepted, vm);
        }
      }
    }
  }

  private void runDriver(Qtest qt, LinkedBlockingQueue<VsockConnection> accepted, QemuVm vm)
      throws Exception {
    assertThat(backend.awaitMessage(e -> e.name().equals("GET_CONFIG"), T)).isPresent();
    // The firmware assigns PCI BARs while it boots: program the device only once the kernel runs.
    vm.console().awaitLine(BANNER, Duration.ofMinutes(2));
    int realize = backend.handshake().size();
    VirtioPciDriver d = new VirtioPciDriver(qt);
    assertThat(d.find()).as("vhost-user-vsock-pci on bus 0").isTrue();
    d.mapCapabilities();
    long features = d.negotiate();
    assertThat(features & (1L << 32)).as("VERSION_1 offered").isNotZero();
    d.setupQueue(0);
    d.setupQueue(1);
    d.driverOk();
    assertThat(
            backend.awaitMessage(
                e -> e.name().equals("SET_VRING_KICK") && e.detail().startsWith("index 1"), T))
        .as("QEMU stderr: %s", vm.qemuStderr().text())
        .isPresent();
    List<HandshakeEvent> start = backend.handshake();
    System.out.println("QEMU 7.2 device-start messages after DRIVER_OK:");
    start.subList(realize, start.size()).forEach(e -> System.out.println("  " + e));
    assertThat(names(start.subList(realize, start.size())))
        .contains(
            "SET_FEATURES",
            "SET_MEM_TABLE+fd",
            "SET_VRING_NUM",
            "SET_VRING_ADDR",
            "SET_VRING_BASE",
            "SET_VRING_KICK+fd");

    // Guest: four rx buffers, then REQUEST to host port 5000.
    VsockConnection c = requestFromGuest(d, 4, accepted);
    VsockHeader resp = awaitRx(d).header;
    assertThat(resp.op()).isEqualTo((short) Op.RESPONSE.code());
    assertThat(resp.dstCid()).isEqualTo(5);
    assertThat(resp.dstPort()).isEqualTo(1234);

    // Guest -> host.
    byte[] hello = "hello over vhost-user".getBytes(StandardCharsets.US_ASCII);
    byte[] pkt = concat(header(Op.RW, hello.length).encode(), hello);
    d.post(1, pkt, pkt.length);
    d.kick(1);
    assertThat(c.input().readNBytes(hello.length)).isEqualTo(hello);

    // Host -> guest.
    byte[] back = "hello guest".getBytes(StandardCharsets.US_ASCII);
    c.output().write(back);
    Rx rw = awaitRx(d);
    assertThat(rw.header.op()).isEqualTo((short) Op.RW.code());
    assertThat(rw.payload).isEqualTo(back);

    // Host-initiated, as for the data channel (the kernel listens on 5151, docs/protocol.md).
    var hostSide = backend.connect(5151);
    Rx req = awaitRx(d);
    assertThat(req.header.op()).isEqualTo((short) Op.REQUEST.code());
    assertThat(req.header.dstPort()).isEqualTo(5151);
    VsockHeader accept =
        new VsockHeader(
            5,
            2,
            5151,
            req.header.srcPort(),
            0,
            (short) 1,
            (short) Op.RESPONSE.code(),
            0,
            65536,
            0);
    d.post(1, accept.encode(), VsockHeader.BYTES);
    d.kick(1);
    VsockConnection data = hostSide.get(60, TimeUnit.SECONDS);
    byte[] frame = "HELLO".getBytes(StandardCharsets.US_ASCII);
    VsockHeader rwHello =
        new VsockHeader(
            5,
            2,
            5151,
            req.header.srcPort(),
            frame.length,
            (short) 1,
            (short) Op.RW.code(),
            0,
            65536,
            0);
    byte[] helloPkt = concat(rwHello.encode(), frame);
    d.post(1, helloPkt, helloPkt.length);
    d.kick(1);
    assertThat(data.input().readNBytes(frame.length)).isEqualTo(frame);

    // A hostile guest: a tx descriptor far outside guest RAM. The backend stops that queue,
    // QEMU and the backend keep running; the reset below brings the device back.
    d.postRaw(1, 0xffff_ffff_0000L, 64, 0);
    d.kick(1);
    assertThat(backend.awaitProblem(p -> p.startsWith("tx queue stopped"), T))
        .as("problems: %s", backend.problems())
        .isPresent()
        .get()
        .asString()
        .contains("outside guest memory");
    assertThat(vm.isAlive()).isTrue();

    // The guest resets the device (what a reboot does): QEMU stops the rings, the stream ends
    // after the data already received, and the re-initialised device serves a new connection.
    int before = backend.handshake().size();
    d.reset();
    assertThat(c.input().read()).isEqualTo(-1);
    assertThat(data.input().read()).isEqualTo(-1);
    List<HandshakeEvent> stop = backend.handshake();
    System.out.println("QEMU 7.2 messages on device reset:");
    stop.subList(before, stop.size()).forEach(e -> System.out.println("  " + e));
    assertThat(names(stop.subList(before, stop.size()))).contains("GET_VRING_BASE");
    d.negotiate();
    d.setupQueue(0);
    d.setupQueue(1);
    d.driverOk();
    // Log entries are values: wait for the second tx kick fd, not the first one again.
    assertThat(
            backend.awaitMessage(
                e ->
                    backend.handshake().stream()
                            .filter(
                                x ->
                                    x.name().equals("SET_VRING_KICK")
                                        && x.detail().startsWith("index 1"))
                            .count()
                        >= 2,
                T))
        .as("QEMU stderr: %s", vm.qemuStderr().text())
        .isPresent();
    VsockConnection again = requestFromGuest(d, 2, accepted);
    assertThat(awaitRx(d).header.op()).isEqualTo((short) Op.RESPONSE.code());

    // QEMU dies mid-stream: the connection ends cleanly, the backend keeps running.
    vm.close();
    assertThat(again.input().read()).isEqualTo(-1);
    assertThat(backend.awaitSessionsEnded(1, T)).isTrue();
    assertThat(backend.connectionCount()).isZero();
    assertThat(backend.frontEndConnected()).isFalse();
  }

  /**
   * Guest: posts {@code rxBuffers} rx buffers, then a REQUEST to host port {@link #PORT}; returns
   * the connection the back-end accepted for it.
   */
  private VsockConnection requestFromGuest(
      VirtioPciDriver d, int rxBuffers, LinkedBlockingQueue<VsockConnection> accepted)
      throws IOException, InterruptedException {
    for (int i = 0; i < rxBuffers; i++) {
      d.post(0, null, 4096);
    }
    d.kick(0);
    d.post(1, header(Op.REQUEST, 0).encode(), VsockHeader.BYTES);
    d.kick(1);
    VsockConnection c = accepted.poll(60, TimeUnit.SECONDS);
    assertThat(c).as("problems: %s", backend.problems()).isNotNull();
    return c;
  }

  record Rx(VsockHeader header, byte[] payload) {}

  /** Polls the rx used ring through qtest until the backend has filled a buffer. */
  private static Rx awaitRx(VirtioPciDriver d) throws IOException {
    long deadline = System.nanoTime() + T.toNanos();
    int[] u;
    while ((u = d.takeUsed(0)) == null) {
      if (System.nanoTime() > deadline) {
        throw new IOException("no rx buffer used within " + T);
      }
    }
    long buf = d.bufferOf(0, u[0]);
    byte[] bytes = d.qt.readBytes(buf, u[1]);
    VsockHeader h = VsockHeader.decode(bytes);
    byte[] payload = java.util.Arrays.copyOfRange(bytes, VsockHeader.BYTES, u[1]);
    return new Rx(h, payload);
  }

  private static VsockHeader header(Op op, int len) {
    return new VsockHeader(5, 2, 1234, PORT, len, (short) 1, (short) op.code(), 0, 65536, 0);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
