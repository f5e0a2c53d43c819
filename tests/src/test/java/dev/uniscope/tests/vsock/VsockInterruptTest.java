package dev.uniscope.tests.vsock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.tests.harness.QemuVm;
import dev.uniscope.trace.vsock.VsockConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The guest virtio drivers take MSI-X interrupts (kernel/drivers/virtio_pci.c): the boot line says
 * {@code up (msix vectors N)} and the kernel counts the interrupts it took, which must be more than
 * zero once data moved. Without an MSI-X capability ({@code vectors=0}) the same drivers fall back
 * to polling, say why, take no interrupt and still work. QEMU 7.2 TCG has no irqfd: the vhost-user
 * back-end's call eventfds are read by QEMU's main loop, which sends the MSI-X message. Reuses
 * VsockBackendDir and GuestVsockDriverTest's echo helpers.
 */
@Timeout(600)
class VsockInterruptTest extends BackendPerTest {
  static final Duration T = GuestVsockDriverTest.T;
  static final int CID = 7;
  static final int PORT = 5000;

  /** The driver's whole boot line. */
  static final Pattern VSOCK_UP =
      Pattern.compile("^virtio-vsock: \\p{XDigit}{2}:\\p{XDigit}{2}\\.[0-7] up \\((msix|polled).*");

  static final Pattern MSIX = Pattern.compile(" up \\(msix vectors (\\d+)\\)");
  static final Pattern ECHO_STATS =
      Pattern.compile("^vsockecho: stats .* irqs=(\\d+) msix_vectors=(\\d+)");

  VsockInterruptTest() {
    super("uniscope-vsirq-", CID);
  }

  /** The back-end's QEMU options ({@link VsockBackendDir#qemuArgs}), extra vsock device props. */
  QemuVm boot(String append, int smp, String deviceProps) throws IOException {
    String[] args = VsockBackendDir.qemuArgs(backend.socketPath());
    args[args.length - 1] += deviceProps;
    return QemuVm.builder().memory("256M").smp(smp).append(append).extra(args).start();
  }

  /** Echoes 300,000 bytes (beyond both credits) and returns the app's exit stats line. */
  Matcher echoAndStats(QemuVm vm) throws Exception {
    vm.console().awaitLine(Pattern.compile("^vsockecho: known-answer listening cid=" + CID), T);
    byte[] data = GuestVsockDriverTest.pattern(300_000, 11);
    try (VsockConnection c = backend.connect(PORT).get(T.toSeconds(), TimeUnit.SECONDS)) {
      byte[] got = GuestVsockDriverTest.echo(c.input(), c.output(), data);
      assertThat(Arrays.equals(got, data)).as("echo is byte-identical").isTrue();
    }
    vm.console()
        .awaitLine(
            Pattern.compile("^vsockecho: result conn=0 bytes_in=300000 bytes_out=300000 err=0"), T);
    Matcher stats = vm.console().awaitLine(ECHO_STATS, T);
    assertThat(vm.awaitExit(T).guestCode()).contains(0);
    return stats;
  }

  @ParameterizedTest(name = "-smp {0}")
  @ValueSource(ints = {1, 2})
  void echoRunsOnMsixInterrupts(int smp) throws Exception {
    try (QemuVm vm = boot("app=vsockecho port=" + PORT + " conns=1", smp, "")) {
      Matcher up = vm.console().awaitLine(VSOCK_UP, T);
      Matcher msix = MSIX.matcher(up.group());
      assertThat(msix.find()).as("driver boot line: %s", up.group()).isTrue();
      int vectors = Integer.parseInt(msix.group(1));
      assertThat(vectors).as("one entry each for rx and tx").isEqualTo(2);
      Matcher stats = echoAndStats(vm);
      System.out.println("msix -smp " + smp + ": " + stats.group());
      assertThat(Long.parseLong(stats.group(1))).as("vsock interrupts taken").isPositive();
      assertThat(Integer.parseInt(stats.group(2))).isEqualTo(vectors);
    }
    assertThat(backend.problems()).as("back-end problems").isEmpty();
    assertThat(backend.connectionCount()).isZero();
  }

  /** A one-entry table: rx and tx share it, still interrupt driven. */
  @Test
  void oneSharedVectorIsEnough() throws Exception {
    try (QemuVm vm = boot("app=vsockecho port=" + PORT + " conns=1", 2, ",vectors=1")) {
      assertThat(vm.console().awaitLine(VSOCK_UP, T).group()).contains("up (msix vectors 1)");
      Matcher stats = echoAndStats(vm);
      assertThat(Long.parseLong(stats.group(1))).as("vsock interrupts taken").isPositive();
    }
    assertThat(backend.problems()).as("back-end problems").isEmpty();
  }

  @Test
  void withoutMsixTheDriverPollsAndSaysWhy() throws Exception {
    try (QemuVm vm = boot("app=vsockecho port=" + PORT + " conns=1", 2, ",vectors=0")) {
      assertThat(vm.console().awaitLine(VSOCK_UP, T).group())
          .contains("up (polled: no msi-x capability)");
      Matcher stats = echoAndStats(vm);
      assertThat(stats.group(1)).as("no interrupts when polled").isEqualTo("0");
      assertThat(stats.group(2)).isEqualTo("0");
    }
    assertThat(backend.problems()).as("back-end problems").isEmpty();
  }

  /**
   * Guest-to-host stream (vsock_connect, then send waiting for tx descriptors and credit): every
   * byte arrives in order, on interrupts by default and polled with {@code vectors=0}. Prints the
   * guest-side rate and how much of the stream's time the guest CPUs spent idle (halted) rather
   * than polling: docs/vsock.md compares the two.
   */
  @ParameterizedTest(name = "stream -smp {0} {1}")
  @CsvSource({"1, msix", "2, msix", "1, polled", "2, polled"})
  void streamGuestToHost(int smp, String mode) throws Exception {
    boolean msix = mode.equals("msix");
    int bytes = 16 << 20;
    LinkedBlockingQueue<VsockConnection> accepted = new LinkedBlockingQueue<>();
    backend.listen(5001, accepted::add);
    try (QemuVm vm =
        boot("app=vsockstream port=5001 bytes=" + bytes, smp, msix ? "" : ",vectors=0")) {
      VsockConnection c = accepted.poll(T.toSeconds(), TimeUnit.SECONDS);
      assertThat(c).as("guest connected; console: %s", vm.console().text()).isNotNull();
      GuestVsockDriverTest.readStream(c.input(), bytes);
      Matcher rate =
          vm.console()
              .awaitLine(
                  Pattern.compile(
                      "^vsockstream: result sent=" + bytes + " ns=\\d+ rate_kBps=(\\d+)"),
                  T);
      Matcher stats =
          vm.console()
              .awaitLine(
                  Pattern.compile(
                      "^vsockstream: stats irqs=(\\d+) msix_vectors=(\\d+) idle_pct=(\\d+)"
                          + " late_polls=(\\d+)"),
                  T);
      System.out.printf(
          "vsock stream -smp %d %s: guest-side %.1f MB/s, irqs %s, guest CPUs idle %s %%,"
              + " late polls %s%n",
          smp,
          mode,
          Long.parseLong(rate.group(1)) / 1e3,
          stats.group(1),
          stats.group(3),
          stats.group(4));
      if (msix) {
        assertThat(Long.parseLong(stats.group(1))).as("vsock interrupts taken").isPositive();
        assertThat(stats.group(2)).isEqualTo("2");
      } else {
        assertThat(stats.group(1)).as("no interrupts when polled").isEqualTo("0");
      }
      assertThat(vm.awaitExit(T).guestCode()).contains(0);
    }
  }

  /** virtio-rng on the same transport: one vector, the reader sleeps until its interrupt. */
  @ParameterizedTest(name = "virtio-rng {0}")
  @ValueSource(strings = {"virtio-rng-pci", "virtio-rng-pci,disable-legacy=on"})
  void virtioRngWaitsForItsInterrupt(String device) throws Exception {
    try (QemuVm vm =
        QemuVm.builder()
            .memory("256M")
            .append("app=rngread bytes=65536")
            .extra("-device", device)
            .start()) {
      vm.console().awaitLine(Pattern.compile("^virtio-rng: .* up \\(msix vectors 1\\)"), T);
      vm.console().awaitLine(Pattern.compile("^rngread: result bytes=65536 distinct=256"), T);
      Matcher irqs = vm.console().awaitLine(Pattern.compile("^rngread: irqs=(\\d+)"), T);
      assertThat(Long.parseLong(irqs.group(1))).as("virtio-rng interrupts").isPositive();
      assertThat(vm.awaitExit(T).guestCode()).contains(0);
    }
  }

  @Test
  void virtioRngWithoutMsixPolls() throws Exception {
    try (QemuVm vm =
        QemuVm.builder()
            .memory("256M")
            .append("app=rngread bytes=65536")
            .extra("-device", "virtio-rng-pci,vectors=0")
            .start()) {
      vm.console()
          .awaitLine(Pattern.compile("^virtio-rng: .* up \\(polled: no msi-x capability\\)"), T);
      vm.console().awaitLine(Pattern.compile("^rngread: result bytes=65536 distinct=256"), T);
      vm.console().awaitLine(Pattern.compile("^rngread: irqs=0$"), T);
      assertThat(vm.awaitExit(T).guestCode()).contains(0);
    }
  }
}
