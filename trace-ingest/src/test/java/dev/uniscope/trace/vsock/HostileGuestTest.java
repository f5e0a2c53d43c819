package dev.uniscope.trace.vsock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.trace.vsock.DriverRing.Desc;
import dev.uniscope.trace.vsock.ffm.Memfd;
import dev.uniscope.trace.vsock.packet.Op;
import dev.uniscope.trace.vsock.packet.VsockHeader;
import java.io.EOFException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One malicious move per test: the queue that saw it stops (or the connection is reset), and the
 * backend serves again once the front-end restarts the rings, as QEMU does on a guest reset.
 */
@Timeout(60)
class HostileGuestTest extends BackendFixture {
  /** After a fault: restart the rings and prove a connection still works. */
  static void assertStillServes(VhostUserVsockBackend backend, FakeFrontEnd fe, int srcPort)
      throws Exception {
    fe.restartRings();
    assertConnects(fe, srcPort);
    assertThat(backend.queueFault(0)).isEmpty();
    assertThat(backend.queueFault(1)).isEmpty();
  }

  /** A REQUEST from guest port {@code srcPort} to {@link #PORT} is answered with RESPONSE. */
  static void assertConnects(FakeFrontEnd fe, int srcPort) throws Exception {
    fe.postRx(2);
    fe.sendPacket(FakeFrontEnd.header(srcPort, PORT, Op.REQUEST.code(), 0, 0), new byte[0]);
    assertThat(fe.awaitRx(1, T).getFirst().header().op()).isEqualTo((short) Op.RESPONSE.code());
  }

  /**
   * Kicks tx (the attack is on the ring): the tx queue stops for {@code reason}, then the backend
   * still serves a connection from {@code srcPort}.
   */
  private void assertKickStopsTx(String reason, int srcPort) throws Exception {
    fe.kick(1);
    var p = backend.awaitProblem(s -> s.startsWith("tx queue stopped"), T);
    assertThat(p).as("problems: %s", backend.problems()).isPresent();
    assertThat(p.get()).contains(reason);
    assertStillServes(backend, fe, srcPort);
  }

  @Test
  void loopingChainStopsTheQueue() throws Exception {
    long a = fe.txBytes(new byte[64]);
    fe.tx.setDesc(0, new Desc(a, 16, DriverRing.NEXT, 1));
    fe.tx.setDesc(1, new Desc(a + 16, 16, DriverRing.NEXT, 0));
    fe.tx.publish(0);
    assertKickStopsTx("loops", 100);
  }

  @Test
  void addressOutsideGuestMemoryStopsTheQueue() throws Exception {
    fe.tx.setDesc(0, new Desc(FakeFrontEnd.MEM_SIZE - 10, 44, (short) 0, 0));
    fe.tx.publish(0);
    assertKickStopsTx("outside guest memory", 101);
  }

  @Test
  void addressLengthWrapAroundStopsTheQueue() throws Exception {
    fe.tx.setDesc(0, new Desc(0xffff_ffff_ffff_fff0L, 0xffff_fff0, (short) 0, 0));
    fe.tx.publish(0);
    assertKickStopsTx("outside guest memory", 102);
  }

  @Test
  void headIndexOutOfRangeStopsTheQueue() throws Exception {
    fe.tx.publish(FakeFrontEnd.QSIZE + 3);
    assertKickStopsTx("out of range", 103);
  }

  @Test
  void nextIndexOutOfRangeStopsTheQueue() throws Exception {
    long a = fe.txBytes(new byte[64]);
    fe.tx.setDesc(0, new Desc(a, 16, DriverRing.NEXT, 0xffff));
    fe.tx.publish(0);
    assertKickStopsTx("out of range", 104);
  }

  @Test
  void availIndexJumpStopsTheQueue() throws Exception {
    fe.tx.setAvailIdx(FakeFrontEnd.QSIZE + 1);
    assertKickStopsTx("ahead", 105);
  }

  @Test
  void indirectDescriptorWithoutTheFeatureStopsTheQueue() throws Exception {
    long a = fe.txBytes(new byte[64]);
    fe.tx.setDesc(0, new Desc(a, 16, DriverRing.INDIRECT, 0));
    fe.tx.publish(0);
    assertKickStopsTx("indirect", 106);
  }

  @Test
  void writableBufferOnTxStopsTheQueue() throws Exception {
    long a = fe.txBytes(new byte[64]);
    fe.tx.setDesc(0, new Desc(a, 64, DriverRing.WRITE, 0));
    fe.tx.publish(0);
    assertKickStopsTx("device-writable", 107);
  }

  @Test
  void readableBufferOnRxStopsTheRxQueue() throws Exception {
    fe.rx.add(List.of(new Desc(FakeFrontEnd.RX_BUFS, 4096, (short) 0, 0)));
    fe.sendPacket(FakeFrontEnd.header(1, 4999, Op.REQUEST.code(), 0, 0), new byte[0]);
    var p = backend.awaitProblem(s -> s.startsWith("rx queue stopped"), T);
    assertThat(p).isPresent().get().asString().contains("device-readable");
    assertStillServes(backend, fe, 108);
  }

  @Test
  void tinyRxBufferStopsTheRxQueue() throws Exception {
    fe.rx.add(List.of(new Desc(FakeFrontEnd.RX_BUFS, 10, DriverRing.WRITE, 0)));
    fe.sendPacket(FakeFrontEnd.header(1, 4999, Op.REQUEST.code(), 0, 0), new byte[0]);
    var p = backend.awaitProblem(s -> s.startsWith("rx queue stopped"), T);
    assertThat(p).isPresent().get().asString().contains("cannot hold a vsock header");
    assertStillServes(backend, fe, 109);
  }

  @Test
  void headerSplitAcrossDescriptorsIsAccepted() throws Exception {
    fe.postRx(2);
    byte[] h = FakeFrontEnd.header(110, PORT, Op.REQUEST.code(), 0, 0).encode();
    long a = fe.txBytes(h);
    fe.tx.add(List.of(new Desc(a, 7, (short) 0, 0), new Desc(a + 7, 37, (short) 0, 0)));
    fe.kick(1);
    assertThat(fe.awaitRx(1, T).getFirst().header().op()).isEqualTo((short) Op.RESPONSE.code());
  }

  @Test
  void lengthBeyondTheChainGetsRstAndTheQueueKeepsRunning() throws Exception {
    VsockConnection c = guestConnects(111, 2);
    // Claims 1000 bytes, carries 10.
    fe.sendPacket(FakeFrontEnd.header(111, PORT, Op.RW.code(), 1000, 0), new byte[10]);
    var rst = fe.awaitRx(1, T).getFirst();
    assertThat(rst.header().op()).isEqualTo((short) Op.RST.code());
    assertThat(backend.queueFault(1)).isEmpty();
    assertThat(c.input().read()).isEqualTo(-1);
  }

  @Test
  void oversizedPacketGetsRst() throws Exception {
    fe.postRx(2);
    byte[] big = new byte[65 * 1024];
    fe.sendPacket(FakeFrontEnd.header(112, PORT, Op.RW.code(), big.length, 0), big);
    assertThat(fe.awaitRx(1, T).getFirst().header().op()).isEqualTo((short) Op.RST.code());
    assertThat(backend.problems()).anyMatch(s -> s.contains("exceeds 65536"));
  }

  @Test
  void creditViolationResetsTheConnectionButKeepsWhatFitted() throws Exception {
    VsockConnection c = guestConnects(113, 4);
    byte[] chunk = new byte[64 * 1024];
    for (int i = 0; i < 5; i++) { // 320 KiB against a 256 KiB buf_alloc, app not reading
      fe.sendPacket(FakeFrontEnd.header(113, PORT, Op.RW.code(), chunk.length, 0), chunk);
    }
    assertThat(fe.awaitRx(1, T).getFirst().header().op()).isEqualTo((short) Op.RST.code());
    assertThat(backend.problems()).anyMatch(s -> s.contains("credit violation"));
    assertThat(c.input().readAllBytes()).hasSize(256 * 1024);
  }

  @Test
  void wrongCidsAreDroppedAndUnknownOpsReset() throws Exception {
    fe.postRx(4);
    fe.sendPacket(new VsockHeader(99, 2, 1, PORT, 0, (short) 1, (short) 1, 0, 0, 0), new byte[0]);
    fe.sendPacket(new VsockHeader(3, 7, 1, PORT, 0, (short) 1, (short) 1, 0, 0, 0), new byte[0]);
    fe.sendPacket(FakeFrontEnd.header(114, PORT, 42, 0, 0), new byte[0]);
    var p = fe.awaitRx(1, T).getFirst();
    assertThat(p.header().op()).isEqualTo((short) Op.RST.code());
    assertThat(p.header().dstPort()).isEqualTo(114);
    assertThat(backend.problems()).filteredOn(s -> s.startsWith("dropped")).hasSize(2);
  }

  @Test
  void seqpacketTypeIsReset() throws Exception {
    fe.postRx(2);
    fe.sendPacket(new VsockHeader(3, 2, 115, PORT, 0, (short) 2, (short) 1, 0, 0, 0), new byte[0]);
    assertThat(fe.awaitRx(1, T).getFirst().header().op()).isEqualTo((short) Op.RST.code());
  }

  @Test
  void rstIsNeverAnsweredWithRst() throws Exception {
    fe.postRx(2);
    fe.sendPacket(FakeFrontEnd.header(116, PORT, Op.RST.code(), 0, 0), new byte[0]);
    fe.sendPacket(FakeFrontEnd.header(117, 4999, Op.REQUEST.code(), 0, 0), new byte[0]);
    var got = fe.awaitRx(1, T);
    assertThat(got.getFirst().header().dstPort()).isEqualTo(117); // the RST answers the REQUEST
  }

  @Test
  void connectionFloodIsCappedWithRst() throws Exception {
    int cap = dev.uniscope.trace.vsock.packet.PacketEngine.MAX_CONNECTIONS;
    fe.postRx(FakeFrontEnd.QSIZE);
    for (int i = 0; i < cap; i++) {
      fe.sendPacket(FakeFrontEnd.header(2000 + i, PORT, Op.REQUEST.code(), 0, 0), new byte[0]);
      if (i % 32 == 31) {
        fe.awaitTxUsed(i + 1, T);
      }
    }
    assertThat(fe.awaitRx(cap, T)).allMatch(p -> p.header().op() == (short) Op.RESPONSE.code());
    fe.postRx(1);
    fe.sendPacket(FakeFrontEnd.header(3000, PORT, Op.REQUEST.code(), 0, 0), new byte[0]);
    assertThat(fe.awaitRx(1, T).getFirst().header().op()).isEqualTo((short) Op.RST.code());
    assertThat(backend.connectionCount()).isEqualTo(cap);
  }

  // ---- control socket ----

  @Test
  void memoryRegionLargerThanItsFileIsRefused() throws Exception {
    try (Memfd small = Memfd.create("small", 4096)) {
      long status =
          fe.acked(5, FakeFrontEnd.memTable(0, 1L << 30, FakeFrontEnd.UVA_BASE, 0), small.fd());
      assertThat(status).isNotZero();
    }
    assertThat(backend.problems()).anyMatch(s -> s.contains("needs"));
    assertStillServes(backend, fe, 120);
  }

  @Test
  void unknownRequestWithNeedReplyIsNacked() throws Exception {
    assertThat(fe.acked(99, new byte[0])).isNotZero();
    assertThat(fe.acked(18, FakeFrontEnd.state(7, 1))).isNotZero(); // ring 7 is not ours
    assertStillServes(backend, fe, 121);
  }

  @Test
  void ringAddressOutsideTheTableFaultsOnlyThatRing() throws Exception {
    fe.send(9, FakeFrontEnd.addr(1, 0x1000, 0x2000, 0x3000)); // not front-end addresses
    assertThat(backend.awaitProblem(s -> s.contains("outside the memory table"), T)).isPresent();
    assertStillServes(backend, fe, 122);
  }

  @Test
  void kickThatIsNotAnEventfdIsRefused() throws Exception {
    dev.uniscope.trace.vsock.ffm.UnixSocket[] pair = dev.uniscope.trace.vsock.ffm.UnixSocket.pair();
    try {
      // A socket as kick fd could block the device thread; it must be refused.
      assertThat(fe.acked(12, FakeFrontEnd.u64(1), pair[0].fd())).isNotZero();
      assertThat(fe.acked(13, FakeFrontEnd.u64(0), pair[0].fd())).isNotZero();
    } finally {
      pair[0].close();
      pair[1].close();
    }
    assertThat(backend.problems()).anyMatch(p -> p.contains("not an eventfd"));
    assertStillServes(backend, fe, 125);
  }

  @Test
  void badQueueSizeIsRefused() throws Exception {
    assertThat(fe.acked(8, FakeFrontEnd.state(1, 100))).isNotZero();
    assertThat(fe.acked(8, FakeFrontEnd.state(1, 65536))).isNotZero();
    assertStillServes(backend, fe, 123);
  }

  @Test
  void malformedHeaderDropsTheFrontEndAndTheNextOneIsServed() throws Exception {
    fe.send(1, 0x2, new byte[0]); // version 2
    assertThatThrownBy(fe::read).isInstanceOf(EOFException.class);
    fe.close();
    fe = new FakeFrontEnd(backend.socketPath());
    fe.start();
    assertConnects(fe, 124);
  }

  @Test
  void refusedRequestThatNeedsAReplyDropsTheFrontEndInsteadOfHangingIt() throws Exception {
    fe.send(11, FakeFrontEnd.state(5, 0)); // GET_VRING_BASE of a ring that is not ours
    assertThatThrownBy(fe::read).isInstanceOf(EOFException.class);
    assertThat(backend.awaitSessionsEnded(1, T)).isTrue();
  }

  @Test
  void oversizedPayloadSizeDropsTheFrontEnd() throws Exception {
    fe.sock.send(new dev.uniscope.trace.vsock.vhostuser.MessageHeader(5, 1, 1 << 30).encode());
    assertThatThrownBy(fe::read).isInstanceOf(EOFException.class);
  }
}
