package dev.uniscope.trace.vsock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.vsock.DriverRing.Desc;
import dev.uniscope.trace.vsock.ffm.EventFd;
import dev.uniscope.trace.vsock.packet.Op;
import dev.uniscope.trace.vsock.packet.VsockHeader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random hostile guests against a real backend over a real control socket. For every attempt the
 * backend must stay alive, write only into buffers the guest marked device-writable, and serve a
 * fresh connection once the rings are restarted.
 */
class HostileGuestPropertiesTest {
  static final Duration T = Duration.ofSeconds(20);
  static final int PORT = 5000;
  static final long CANARY_START = 0x8000;
  static final byte CANARY = (byte) 0xA5;

  /** A whole descriptor table, avail entries and an avail index chosen by the attacker. */
  record RingAttack(List<Desc> descs, List<Integer> heads, int availIdx) {}

  record Attack(RingAttack rx, RingAttack tx) {}

  @Provide
  Arbitrary<Attack> attacks() {
    return Combinators.combine(ring(true), ring(false)).as(Attack::new);
  }

  private static Arbitrary<RingAttack> ring(boolean rx) {
    Arbitrary<Long> addr =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(
                5, Arbitraries.longs().between(CANARY_START, FakeFrontEnd.MEM_SIZE - 1)),
            net.jqwik.api.Tuple.of(
                2,
                Arbitraries.longs()
                    .between(FakeFrontEnd.MEM_SIZE - 64, FakeFrontEnd.MEM_SIZE + 64)),
            net.jqwik.api.Tuple.of(1, Arbitraries.longs()),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(0L, -1L, Long.MIN_VALUE, -4096L)));
    Arbitrary<Integer> len =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 8192)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers()),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(44, 43, 45, -1, Integer.MIN_VALUE)));
    Arbitrary<Short> flags =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.just(rx ? DriverRing.WRITE : (short) 0)),
            net.jqwik.api.Tuple.of(
                3, Arbitraries.just((short) ((rx ? DriverRing.WRITE : 0) | DriverRing.NEXT))),
            net.jqwik.api.Tuple.of(1, Arbitraries.shorts().between((short) 0, (short) 7)));
    Arbitrary<Integer> next =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, FakeFrontEnd.QSIZE - 1)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 0xffff)));
    Arbitrary<Desc> desc = Combinators.combine(addr, len, flags, next).as(Desc::new);
    Arbitrary<List<Desc>> table = desc.list().ofSize(FakeFrontEnd.QSIZE);
    Arbitrary<List<Integer>> heads =
        Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(
                    8, Arbitraries.integers().between(0, FakeFrontEnd.QSIZE - 1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 0xffff)))
            .list()
            .ofMaxSize(FakeFrontEnd.QSIZE);
    Arbitrary<Integer> idxSkew =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, Arbitraries.just(0)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 0xffff)));
    return Combinators.combine(table, heads, idxSkew)
        .as((t, h, skew) -> new RingAttack(t, h, (h.size() + skew) & 0xffff));
  }

  @Property(tries = 40)
  void randomRingsNeverEscapeTheirBuffersAndTheBackendRecovers(@ForAll("attacks") Attack attack)
      throws Exception {
    try (BackendRig rig = BackendRig.listening(FakeFrontEnd.GUEST_CID, PORT, c -> {})) {
      VhostUserVsockBackend backend = rig.backend();
      FakeFrontEnd fe = rig.frontEnd();
      MemorySegment mem = fe.mem;
      mem.asSlice(CANARY_START).fill(CANARY);
      write(fe.rx, attack.rx());
      write(fe.tx, attack.tx());
      var pending = backend.connect(6000); // gives the device something to put into rx
      fe.kick(0);
      fe.kick(1);
      assertThat(backend.awaitRounds(3, T)).isTrue();

      assertOnlyWritableBuffersChanged(mem, attack.rx().descs());
      // Every bad address was caught by translation, never by the segment bounds backstop.
      assertThat(backend.problems()).noneMatch(p -> p.contains("memory access failed"));
      assertThat(backend.problems()).noneMatch(p -> p.startsWith("device thread"));
      net.jqwik.api.statistics.Statistics.label("rx queue")
          .collect(backend.queueFault(0).isPresent() ? "stopped" : "running");
      net.jqwik.api.statistics.Statistics.label("tx queue")
          .collect(backend.queueFault(1).isPresent() ? "stopped" : "running");
      net.jqwik.api.statistics.Statistics.label("rx used")
          .collect(fe.rx.usedIdx() > 0 ? "wrote packets" : "none");
      pending.cancel(true);
      HostileGuestTest.assertStillServes(backend, fe, 77);
    }
  }

  private static void write(DriverRing ring, RingAttack a) {
    for (int i = 0; i < a.descs().size(); i++) {
      ring.setDesc(i, a.descs().get(i));
    }
    for (int h : a.heads()) {
      ring.publish(h);
    }
    ring.setAvailIdx(a.availIdx());
  }

  private static void assertOnlyWritableBuffersChanged(MemorySegment mem, List<Desc> rx) {
    MemorySegment expected = MemorySegment.ofArray(new byte[(int) mem.byteSize()]);
    expected.fill(CANARY);
    long off = CANARY_START;
    long end = mem.byteSize();
    while (off < end) {
      long m = MemorySegment.mismatch(mem, off, end, expected, off, end);
      if (m < 0) {
        return;
      }
      long pos = off + m;
      boolean covered = false;
      for (Desc d : rx) {
        long len = Integer.toUnsignedLong(d.len());
        if ((d.flags() & DriverRing.WRITE) != 0
            && Long.compareUnsigned(pos, d.addr()) >= 0
            && Long.compareUnsigned(pos - d.addr(), len) < 0) {
          covered = true;
          break;
        }
      }
      assertThat(covered)
          .as("byte at guest-physical 0x%x changed outside every device-writable buffer", pos)
          .isTrue();
      off = pos + 1;
    }
  }

  // ---- packet-level fuzz ----

  /** Any header (no field is checked) and the number of payload bytes that follow it. */
  record RawPacket(VsockHeader header, int payload) {}

  @Provide
  Arbitrary<List<RawPacket>> packets() {
    Arbitrary<Long> srcCid =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, Arbitraries.just(FakeFrontEnd.GUEST_CID)),
            net.jqwik.api.Tuple.of(1, Arbitraries.longs()));
    Arbitrary<Long> dstCid =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, Arbitraries.just(2L)),
            net.jqwik.api.Tuple.of(1, Arbitraries.longs()));
    Arbitrary<Integer> port = Arbitraries.of(1, 2, 3, PORT, PORT + 1, -1);
    Arbitrary<Integer> dstPort = Arbitraries.of(PORT, PORT, PORT, 4999, 0, -1);
    Arbitrary<Integer> len =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.just(-2)), // -2: exactly the payload
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 70_000)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
    Arbitrary<Short> type =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, Arbitraries.just((short) 1)),
            net.jqwik.api.Tuple.of(1, Arbitraries.shorts()));
    Arbitrary<Short> op = Arbitraries.shorts().between((short) 0, (short) 9);
    Arbitrary<Integer> flags =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0, 3)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
    Arbitrary<Integer> credit =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Arbitraries.just(256 * 1024)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
    Arbitrary<Integer> payload =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 512)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 66_000)));
    Arbitrary<RawPacket> p =
        Combinators.combine(
                Combinators.combine(srcCid, dstCid, port, dstPort).as(List::of),
                Combinators.combine(len, type, op, flags).as(List::of),
                Combinators.combine(credit, credit, payload).as(List::of))
            .as(
                (a, b, c) ->
                    new RawPacket(
                        new VsockHeader(
                            (Long) a.get(0),
                            (Long) a.get(1),
                            (Integer) a.get(2),
                            (Integer) a.get(3),
                            (Integer) b.get(0) == -2 ? c.get(2) : (Integer) b.get(0),
                            (Short) b.get(1),
                            (Short) b.get(2),
                            (Integer) b.get(3),
                            c.get(0),
                            c.get(1)),
                        c.get(2)));
    return p.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 40)
  void randomPacketsNeverStopTheQueuesAndRepliesAreWellFormed(
      @ForAll("packets") List<RawPacket> packets) throws Exception {
    // An application that never reads.
    try (BackendRig rig = BackendRig.listening(FakeFrontEnd.GUEST_CID, PORT, c -> {})) {
      VhostUserVsockBackend backend = rig.backend();
      FakeFrontEnd fe = rig.frontEnd();
      fe.postRx(FakeFrontEnd.QSIZE);
      Random r = new Random(packets.size());
      for (int i = 0; i < packets.size(); i++) {
        RawPacket p = packets.get(i);
        byte[] payload = new byte[p.payload()];
        r.nextBytes(payload);
        fe.sendPacket(p.header(), payload);
        if (i % 32 == 31) { // tx has 64 slots: let the device catch up
          fe.awaitTxUsed(i + 1, T);
        }
      }
      fe.awaitTxUsed(packets.size(), T);
      assertThat(backend.awaitRounds(2, T)).isTrue();
      assertThat(backend.queueFault(0)).isEmpty();
      assertThat(backend.queueFault(1)).isEmpty();
      assertThat(backend.problems()).noneMatch(p -> p.startsWith("device thread"));
      var used = fe.rx.takeUsed();
      net.jqwik.api.statistics.Statistics.label("replies")
          .collect(used.isEmpty() ? "none" : used.size() < 5 ? "1-4" : "5+");
      for (var u : used) {
        long addr =
            fe.mem.get(ValueLayout.JAVA_LONG_UNALIGNED, FakeFrontEnd.RX_DESC + 16L * u.id());
        VsockHeader h =
            VsockHeader.decode(
                fe.mem.asSlice(addr, VsockHeader.BYTES).toArray(ValueLayout.JAVA_BYTE));
        assertThat(h.srcCid()).isEqualTo(2);
        assertThat(h.dstCid()).isEqualTo(FakeFrontEnd.GUEST_CID);
        assertThat(h.type()).isEqualTo((short) 1);
        assertThat(Op.of(h.op())).isPresent();
        assertThat(u.len()).isEqualTo(VsockHeader.BYTES + h.len());
      }
      HostileGuestTest.assertStillServes(backend, fe, 78);
    }
  }

  // ---- control-socket fuzz ----

  record ControlMessage(int request, int flags, byte[] payload, int fds) {}

  @Provide
  Arbitrary<List<ControlMessage>> controlMessages() {
    Arbitrary<Integer> request =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, 41)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
    Arbitrary<Integer> flags = Arbitraries.of(1, 1, 1, 9, 0, 2, 5, -1);
    Arbitrary<byte[]> payload =
        Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(
                    3, Arbitraries.of(0, 8, 20, 40, 8 + 32, 8 + 64).map(byte[]::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 300).map(byte[]::new)))
            .flatMap(b -> Arbitraries.bytes().array(byte[].class).ofSize(b.length));
    Arbitrary<Integer> fds = Arbitraries.of(0, 0, 0, 1, 2);
    return Combinators.combine(request, flags, payload, fds)
        .as(ControlMessage::new)
        .list()
        .ofMaxSize(12);
  }

  @Property(tries = 60)
  void randomControlMessagesNeverBreakTheBackend(
      @ForAll("controlMessages") List<ControlMessage> messages) throws Exception {
    try (BackendRig rig = BackendRig.start(FakeFrontEnd.GUEST_CID)) {
      VhostUserVsockBackend backend = rig.backend();
      try (FakeFrontEnd evil = new FakeFrontEnd(backend.socketPath());
          EventFd e1 = EventFd.create();
          EventFd e2 = EventFd.create()) {
        for (ControlMessage m : messages) {
          int[] fds =
              m.fds() == 0
                  ? new int[0]
                  : m.fds() == 1 ? new int[] {e1.fd()} : new int[] {e1.fd(), e2.fd()};
          try {
            evil.send(m.request(), m.flags(), m.payload(), fds);
          } catch (IOException dropped) {
            break; // the backend hung up on us: allowed
          }
        }
      }
      // Whatever happened, the next front-end gets a working device.
      backend.listen(PORT, c -> {});
      HostileGuestTest.assertConnects(rig.startFrontEnd(), 79);
    }
  }
}
