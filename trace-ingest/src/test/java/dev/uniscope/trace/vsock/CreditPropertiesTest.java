package dev.uniscope.trace.vsock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.vsock.FakeFrontEnd.RxPacket;
import dev.uniscope.trace.vsock.packet.Op;
import dev.uniscope.trace.vsock.packet.VsockHeader;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Credit accounting both ways with a well-behaved guest: a guest that respects the credit the
 * backend advertises is never reset and every byte arrives in order; the backend never sends the
 * guest more than the guest's advertised buffer allows.
 */
class CreditPropertiesTest {
  static final Duration T = Duration.ofSeconds(30);
  static final int PORT = 5000;

  private static byte patternAt(long i) {
    return (byte) (i % 251);
  }

  @Property(tries = 15)
  void guestWithinCreditIsNeverResetAndDataArrivesInOrder(
      @ForAll @IntRange(min = 1, max = 65536) int maxChunk,
      @ForAll @IntRange(min = 1, max = 70000) int readSize,
      @ForAll @IntRange(min = 300_000, max = 1_500_000) int total,
      @ForAll long seed)
      throws Exception {
    LinkedBlockingQueue<VsockConnection> accepted = new LinkedBlockingQueue<>();
    try (BackendRig rig = BackendRig.listening(FakeFrontEnd.GUEST_CID, PORT, accepted::add)) {
      VhostUserVsockBackend backend = rig.backend();
      FakeFrontEnd fe = rig.frontEnd();
      fe.postRx(FakeFrontEnd.QSIZE);
      fe.sendPacket(FakeFrontEnd.header(9, PORT, Op.REQUEST.code(), 0, 0), new byte[0]);
      VsockHeader resp = fe.awaitRx(1, T).getFirst().header();
      VsockConnection c = accepted.poll(30, TimeUnit.SECONDS);
      CompletableFuture<Long> reader =
          CompletableFuture.supplyAsync(() -> readAndCheck(c.input(), readSize, total));

      long hostAlloc = Integer.toUnsignedLong(resp.bufAlloc());
      long hostFwd = Integer.toUnsignedLong(resp.fwdCnt());
      Random r = new Random(seed);
      long sent = 0;
      int txPackets = 1;
      while (sent < total) {
        long free = hostAlloc - (sent - hostFwd);
        if (free <= 0) {
          RxPacket p = fe.awaitRx(1, T).getFirst();
          assertThat(p.header().op()).isEqualTo((short) Op.CREDIT_UPDATE.code());
          hostAlloc = Integer.toUnsignedLong(p.header().bufAlloc());
          hostFwd = Integer.toUnsignedLong(p.header().fwdCnt());
          fe.postRx(1);
          continue;
        }
        int n = (int) Math.min(Math.min(free, 1 + r.nextInt(maxChunk)), total - sent);
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
          data[i] = patternAt(sent + i);
        }
        fe.sendPacket(FakeFrontEnd.header(9, PORT, Op.RW.code(), n, 0), data);
        sent += n;
        if (++txPackets % 32 == 0) {
          fe.awaitTxUsed(txPackets, T);
        }
      }
      assertThat(reader.get(60, TimeUnit.SECONDS)).isEqualTo(total);
      assertThat(backend.problems()).isEmpty();
      assertThat(backend.connectionCount()).isEqualTo(1);
    }
  }

  private static long readAndCheck(InputStream in, int readSize, long total) {
    byte[] buf = new byte[readSize];
    long got = 0;
    try {
      while (got < total) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, total - got));
        if (n < 0) {
          break;
        }
        for (int i = 0; i < n; i++) {
          if (buf[i] != patternAt(got + i)) {
            throw new AssertionError("byte " + (got + i) + " out of order");
          }
        }
        got += n;
      }
      return got;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Property(tries = 15)
  void backendNeverExceedsTheGuestsCredit(
      @ForAll @IntRange(min = 1, max = 20000) int guestBuf,
      @ForAll @IntRange(min = 1, max = 200_000) int total)
      throws Exception {
    LinkedBlockingQueue<VsockConnection> accepted = new LinkedBlockingQueue<>();
    try (BackendRig rig = BackendRig.listening(FakeFrontEnd.GUEST_CID, PORT, accepted::add)) {
      FakeFrontEnd fe = rig.frontEnd();
      fe.postRx(8);
      fe.sendPacket(
          new VsockHeader(3, 2, 9, PORT, 0, (short) 1, (short) Op.REQUEST.code(), 0, guestBuf, 0),
          new byte[0]);
      fe.awaitRx(1, T);
      VsockConnection c = accepted.poll(30, TimeUnit.SECONDS);
      byte[] data = new byte[total];
      for (int i = 0; i < total; i++) {
        data[i] = patternAt(i);
      }
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                try {
                  c.output().write(data);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      long received = 0;
      long consumed = 0;
      while (received < total) {
        List<RxPacket> ps = fe.awaitRx(1, T);
        for (RxPacket p : ps) {
          assertThat(p.header().op()).isEqualTo((short) Op.RW.code());
          // In flight = received - consumed must never exceed what the guest offered.
          assertThat(received + p.payload().length - consumed).isLessThanOrEqualTo(guestBuf);
          for (int i = 0; i < p.payload().length; i++) {
            assertThat(p.payload()[i]).isEqualTo(patternAt(received + i));
          }
          received += p.payload().length;
        }
        fe.postRx(ps.size());
        if (received - consumed >= guestBuf) { // the guest app drains everything, says so
          consumed = received;
          fe.sendPacket(
              new VsockHeader(
                  3,
                  2,
                  9,
                  PORT,
                  0,
                  (short) 1,
                  (short) Op.CREDIT_UPDATE.code(),
                  0,
                  guestBuf,
                  (int) consumed),
              new byte[0]);
        }
      }
      writer.get(30, TimeUnit.SECONDS);
      assertThat(received).isEqualTo(total);
    }
  }
}
