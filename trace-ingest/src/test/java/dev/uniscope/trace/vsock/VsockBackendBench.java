package dev.uniscope.trace.vsock;

import dev.uniscope.trace.vsock.packet.Op;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Backend-only throughput (no QEMU, no TCG guest): an in-process fake guest pushes RW packets
 * through real shared memory, eventfd kicks and the device thread into an application reading the
 * connection. Reports MB/s and the CPU time of the backend's device thread per MB. It bounds what
 * the backend can take; it is not the guest-to-host figure the issue asks for (that needs the
 * kernel driver under TCG).
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp <test-classes>:<classes>
 * dev.uniscope.trace.vsock.VsockBackendBench [MiB] [packet-bytes] [rounds]}
 */
public final class VsockBackendBench {
  private VsockBackendBench() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
    int pkt = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    for (int r = 0; r < rounds; r++) {
      run(mib, pkt);
    }
  }

  private static void run(int mib, int pkt) throws Exception {
    long total = (long) mib << 20;
    // In-process stand-in for vsock credit: the guest never has more than 192 KiB unread.
    Semaphore credit = new Semaphore(192 * 1024);
    ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
    try (BackendRig rig = BackendRig.start(3)) {
      VhostUserVsockBackend backend = rig.backend();
      long[] received = new long[1];
      Thread[] reader = new Thread[1];
      backend.listen(
          5000,
          c ->
              reader[0] =
                  Thread.ofPlatform()
                      .start(
                          () -> {
                            byte[] buf = new byte[64 * 1024];
                            try {
                              int n;
                              while (received[0] < total && (n = c.input().read(buf)) > 0) {
                                received[0] += n;
                                credit.release(n);
                              }
                            } catch (Exception e) {
                              throw new IllegalStateException(e);
                            }
                          }));
      FakeFrontEnd fe = rig.startFrontEnd();
      fe.postRx(FakeFrontEnd.QSIZE);
      fe.sendPacket(FakeFrontEnd.header(1, 5000, Op.REQUEST.code(), 0, 0), new byte[0]);
      fe.awaitRx(1, Duration.ofSeconds(20));
      Thread device =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().equals("vhost-user-vsock"))
              .findFirst()
              .orElseThrow();
      long cpu0 = tmx.getThreadCpuTime(device.threadId());
      long t0 = System.nanoTime();
      byte[] payload = new byte[pkt];
      long sent = 0;
      int packets = 1;
      while (sent < total) {
        int n = (int) Math.min(pkt, total - sent);
        credit.acquire(n);
        fe.sendPacket(
            FakeFrontEnd.header(1, 5000, Op.RW.code(), n, 0), n == pkt ? payload : new byte[n]);
        sent += n;
        packets++;
        if (packets % 32 == 0) {
          fe.awaitTxUsed(packets - 16, Duration.ofSeconds(20)); // keep tx slots free
        }
      }
      reader[0].join();
      long t1 = System.nanoTime();
      long cpu1 = tmx.getThreadCpuTime(device.threadId());
      double secs = (t1 - t0) / 1e9;
      double mb = total / 1e6;
      System.out.printf(
          "packet %6d B: %8.1f MB/s, %8.0f packets/s, device thread %.2f ms CPU per MB%n",
          pkt, mb / secs, (packets - 1) / secs, (cpu1 - cpu0) / 1e6 / mb);
    }
  }
}
