package dev.uniscope.tests.vsock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.tests.harness.QemuVm;
import dev.uniscope.trace.vsock.VsockConnection;
import dev.uniscope.trace.vsock.bridge.UnixPortExposer;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel's own virtio-vsock driver (kernel/drivers/) against QEMU 7.2's vhost-user-vsock-pci
 * and the built-in Java back-end: the guest app {@code vsockecho} listens, the host connects
 * through the back-end and through a {@link UnixPortExposer}; bytes round-trip with more than the
 * 256 KiB of credit in flight; a killed QEMU leaves the host side clean. {@code vsockstream}
 * measures guest-to-host throughput. {@code rngread} checks the same transport with virtio-rng.
 */
@Timeout(600)
class GuestVsockDriverTest extends BackendPerTest {
  static final Duration T = Duration.ofSeconds(120);
  static final int CID = 7;
  static final int PORT = 5000;

  /**
   * The driver's boot line: {@code vsock: 00:03.0 cid 7 ... (polled)}, or with MSI-X {@code
   * virtio-vsock: 00:03.0 up (msix vectors 2)} / {@code ... up (polled: <reason>)}.
   */
  static final Pattern DRIVER_UP =
      Pattern.compile(
          "^(virtio-)?vsock: \\p{XDigit}{2}:\\p{XDigit}{2}\\.[0-7] (.* )?\\((msix|polled)\\b");

  /**
   * Platform threads for the blocking stream calls: the common pool has one thread on a 2-core
   * machine, so readers blocked in it would starve the writers they wait for.
   */
  static final java.util.concurrent.ExecutorService POOL =
      java.util.concurrent.Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "gvsock-io");
            t.setDaemon(true);
            return t;
          });

  GuestVsockDriverTest() {
    super("uniscope-gvsock-", CID);
  }

  /** The options that attach the back-end at {@code socket} ({@link VsockBackendDir#qemuArgs}). */
  static String[] vsockArgs(Path socket) {
    return VsockBackendDir.qemuArgs(socket);
  }

  QemuVm boot(String append) throws IOException {
    return boot(append, 2);
  }

  QemuVm boot(String append, int smp) throws IOException {
    return QemuVm.builder()
        .memory("256M")
        .smp(smp)
        .append(append)
        .extra(vsockArgs(backend.socketPath()))
        .start();
  }

  /**
   * Reads vsockstream's bytes to EOF: exactly {@code bytes} of them, byte k being {@code k * 7 + 1}
   * (mod 256), so a lost, repeated or reordered chunk shows as the first wrong offset.
   */
  static void readStream(InputStream in, long bytes) throws IOException {
    byte[] buf = new byte[1 << 16];
    long n = 0;
    long bad = -1;
    int r;
    while ((r = in.read(buf)) > 0) {
      for (int i = 0; i < r && bad < 0; i++) {
        if (buf[i] != (byte) ((n + i) * 7 + 1)) {
          bad = n + i;
        }
      }
      n += r;
    }
    assertThat(bad).as("first wrong byte").isEqualTo(-1);
    assertThat(n).isEqualTo(bytes);
  }

  static byte[] pattern(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Writes {@code data} from another thread while reading the echo here. */
  static byte[] echo(InputStream in, java.io.OutputStream out, byte[] data) throws Exception {
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                // Uneven chunks, so packet boundaries do not line up with the guest's reads.
                int off = 0;
                int step = 1;
                while (off < data.length) {
                  int n = Math.min(data.length - off, 1 + (step * 7919) % 70000);
                  out.write(data, off, n);
                  off += n;
                  step++;
                }
                out.flush();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            POOL);
    byte[] got = in.readNBytes(data.length);
    writer.get(T.toSeconds(), TimeUnit.SECONDS);
    return got;
  }

  @Test
  void echoRoundTripsMoreThanTheCreditThroughBackendAndExposer() throws Exception {
    try (QemuVm vm = boot("app=vsockecho port=" + PORT + " conns=2")) {
      vm.console()
          .awaitLine(
              Pattern.compile(
                  "^vsockecho: known-answer listening cid=" + CID + " port=" + PORT + " conns=2"),
              T);
      // The driver came up, in either interrupt mode; VsockInterruptTest asserts which one.
      assertThat(vm.console().matches(DRIVER_UP)).as("vsock driver boot line").isNotEmpty();
      vm.console().lines().stream()
          .filter(l -> l.startsWith("pci:") || l.matches("^(virtio-)?vsock:.*"))
          .forEach(l -> System.out.println("guest: " + l));

      // 1. Host-initiated connection through the back-end: 1 MiB (4x the host's credit, 16x the
      // guest's 64 KiB buffer) each way.
      byte[] data = pattern(1 << 20, 1);
      VsockConnection c = backend.connect(PORT).get(T.toSeconds(), TimeUnit.SECONDS);
      byte[] got = echo(c.input(), c.output(), data);
      assertThat(Arrays.equals(got, data)).as("echo of 1 MiB is byte-identical").isTrue();
      c.close();
      vm.console()
          .awaitLine(
              Pattern.compile("^vsockecho: result conn=0 bytes_in=1048576 bytes_out=1048576 err=0"),
              T);

      // A port nobody listens on: the guest answers the REQUEST with RST.
      assertThat(backend.connect(PORT + 1)).failsWithin(T);

      // 2. Through a Unix socket (what a COM2-style client sees).
      try (UnixPortExposer exp =
              UnixPortExposer.exposeGuestPort(backend, PORT, dir.resolve("echo.sock"), T);
          SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        s.connect(UnixDomainSocketAddress.of(exp.path()));
        byte[] small = pattern(300_000, 2);
        byte[] back = echo(Channels.newInputStream(s), Channels.newOutputStream(s), small);
        assertThat(Arrays.equals(back, small)).as("echo through the exposer").isTrue();
        s.shutdownOutput();
        // The guest app sees EOF, closes, and the exposer relays the end.
        assertThat(s.read(ByteBuffer.allocate(1))).isEqualTo(-1);
      }
      vm.console()
          .awaitLine(
              Pattern.compile("^vsockecho: result conn=1 bytes_in=300000 bytes_out=300000 err=0"),
              T);
      vm.console().awaitLine(Pattern.compile("^app: exit name=vsockecho status=0"), T);
      assertThat(vm.awaitExit(T).guestCode()).contains(0);
      System.out.println(
          "guest stats: "
              + vm.console().lines().stream()
                  .filter(l -> l.startsWith("vsockecho: stats"))
                  .findFirst()
                  .orElse("?"));
    }
    assertThat(backend.problems()).as("back-end problems").isEmpty();
    assertThat(backend.awaitSessionsEnded(1, T)).isTrue();
    assertThat(backend.connectionCount()).isZero();
  }

  @Test
  void fourConnectionsAtOnceEachEchoBeyondTheCredit() throws Exception {
    int conns = 4;
    int size = 300_000;
    try (QemuVm vm = boot("app=vsockecho port=" + PORT + " conns=" + conns + " threads=" + conns)) {
      vm.console().awaitLine(Pattern.compile("^vsockecho: known-answer listening cid=" + CID), T);
      java.util.List<CompletableFuture<Boolean>> all = new java.util.ArrayList<>();
      for (int i = 0; i < conns; i++) {
        VsockConnection c = backend.connect(PORT).get(T.toSeconds(), TimeUnit.SECONDS);
        byte[] data = pattern(size, 100 + i);
        all.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try (c) {
                    return Arrays.equals(echo(c.input(), c.output(), data), data);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                POOL));
      }
      for (var f : all) {
        assertThat(f.get(T.toSeconds(), TimeUnit.SECONDS)).as("echo identical").isTrue();
      }
      for (int i = 0; i < conns; i++) {
        vm.console()
            .awaitLine(
                Pattern.compile(
                    "^vsockecho: result conn="
                        + i
                        + " bytes_in="
                        + size
                        + " bytes_out="
                        + size
                        + " err=0"),
                T);
      }
      assertThat(vm.awaitExit(T).guestCode()).contains(0);
    }
    assertThat(backend.problems()).as("back-end problems").isEmpty();
    assertThat(backend.connectionCount()).isZero();
  }

  @Test
  void qemuKillMidStreamLeavesTheHostSideClean() throws Exception {
    VsockConnection c;
    try (QemuVm vm = boot("app=vsockecho port=" + PORT + " conns=1")) {
      vm.console().awaitLine(Pattern.compile("^vsockecho: known-answer listening"), T);
      c = backend.connect(PORT).get(T.toSeconds(), TimeUnit.SECONDS);
      byte[] data = pattern(100_000, 3);
      assertThat(Arrays.equals(echo(c.input(), c.output(), data), data)).isTrue();
      // The connection is live; now QEMU dies (close() kills it).
    }
    assertThat(c.input().read()).isEqualTo(-1);
    assertThat(backend.awaitSessionsEnded(1, T)).isTrue();
    assertThat(backend.connectionCount()).isZero();
    assertThat(backend.frontEndConnected()).isFalse();
    c.close();
  }

  @Test
  void guestConnectToAPortNobodyListensOnIsRefused() throws Exception {
    try (QemuVm vm = boot("app=vsockstream port=5999 bytes=1000")) {
      vm.console().awaitLine(Pattern.compile("^vsockstream: connect to port 5999 failed: -111"), T);
      assertThat(vm.awaitExit(T).guestCode()).contains(1);
    }
    assertThat(backend.connectionCount()).isZero();
  }

  /** The same virtio-pci transport drives virtio-rng (kernel/drivers/virtio_rng.c). */
  @ParameterizedTest(name = "virtio-rng {0}")
  @ValueSource(strings = {"virtio-rng-pci", "virtio-rng-pci,disable-legacy=on"})
  void virtioRngFillsBuffers(String device) throws Exception {
    try (QemuVm vm =
        QemuVm.builder()
            .memory("256M")
            .append("app=rngread bytes=262144")
            .extra("-device", device)
            .start()) {
      vm.console().awaitLine(Pattern.compile("^rngread: result bytes=262144 distinct=256"), T);
      Matcher first = vm.console().awaitLine(Pattern.compile("^rngread: first=([0-9a-f]{32})"), T);
      assertThat(first.group(1)).isNotEqualTo("0".repeat(32));
      assertThat(vm.awaitExit(T).guestCode()).contains(0);
    }
  }

  /** Guest-to-host throughput under TCG: the guest connects (vsock_connect) and streams. */
  @ParameterizedTest(name = "stream -smp {0}")
  @ValueSource(ints = {1, 2})
  void streamGuestToHostThroughput(int smp) throws Exception {
    int bytes = 16 << 20;
    LinkedBlockingQueue<VsockConnection> accepted = new LinkedBlockingQueue<>();
    backend.listen(5001, accepted::add);
    try (QemuVm vm = boot("app=vsockstream port=5001 bytes=" + bytes, smp)) {
      VsockConnection c = accepted.poll(T.toSeconds(), TimeUnit.SECONDS);
      assertThat(c).as("guest connected; console: %s", vm.console().text()).isNotNull();
      long t0 = System.nanoTime();
      readStream(c.input(), bytes);
      long ns = System.nanoTime() - t0;
      Matcher m =
          vm.console()
              .awaitLine(
                  Pattern.compile(
                      "^vsockstream: result sent=" + bytes + " ns=(\\d+) rate_kBps=(\\d+)"),
                  T);
      System.out.printf(
          "vsock guest->host -smp %d: %d bytes, host-side %.1f MB/s, guest-side %.1f MB/s%n",
          smp, bytes, bytes * 1e3 / ns, Long.parseLong(m.group(2)) / 1e3);
      assertThat(vm.awaitExit(T).guestCode()).contains(0);
    }
  }
}
