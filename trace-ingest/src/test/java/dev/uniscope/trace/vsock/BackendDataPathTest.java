package dev.uniscope.trace.vsock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.vsock.FakeFrontEnd.RxPacket;
import dev.uniscope.trace.vsock.packet.Op;
import dev.uniscope.trace.vsock.packet.VsockHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A well-behaved guest against the backend: handshake, connect, data both ways, close. */
@Timeout(60)
class BackendDataPathTest extends BackendFixture {
  @Test
  void socketIsPrivate() throws IOException {
    assertThat(Files.getPosixFilePermissions(backend.socketPath()))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void aRegularFileAtTheSocketPathIsNeverDeleted() throws IOException {
    Path file = dir.resolve("not-a-socket");
    Files.writeString(file, "precious");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> VhostUserVsockBackend.start(file, 3))
        .hasMessageContaining("not a socket");
    assertThat(Files.readString(file)).isEqualTo("precious");
  }

  @Test
  void getConfigServesTheGuestCid() throws IOException {
    var r =
        fe.request(
            24,
            java.nio.ByteBuffer.allocate(20)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(0)
                .putInt(8)
                .putInt(0)
                .array());
    assertThat(r.header().request()).isEqualTo(24);
    assertThat(r.header().flags()).isEqualTo(0x5);
    assertThat(r.payload()).hasSize(20);
    assertThat(
            java.nio.ByteBuffer.wrap(r.payload())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong(12))
        .isEqualTo(FakeFrontEnd.GUEST_CID);
  }

  @Test
  void guestConnectsSendsAndReceives() throws Exception {
    fe.postRx(8);
    fe.sendPacket(FakeFrontEnd.header(1234, PORT, Op.REQUEST.code(), 0, 0), new byte[0]);
    List<RxPacket> resp = fe.awaitRx(1, T);
    assertThat(resp.getFirst().header().op()).isEqualTo((short) Op.RESPONSE.code());
    assertThat(resp.getFirst().header().dstPort()).isEqualTo(1234);
    assertThat(resp.getFirst().header().srcCid()).isEqualTo(2);
    assertThat(resp.getFirst().header().dstCid()).isEqualTo(FakeFrontEnd.GUEST_CID);
    assertThat(resp.getFirst().header().bufAlloc()).isPositive();

    VsockConnection c = accepted.poll(20, TimeUnit.SECONDS);
    assertThat(c).isNotNull();

    byte[] hello = "hello from the guest".getBytes(StandardCharsets.US_ASCII);
    fe.sendPacket(FakeFrontEnd.header(1234, PORT, Op.RW.code(), hello.length, 0), hello);
    assertThat(c.input().readNBytes(hello.length)).isEqualTo(hello);

    byte[] reply = "hello from the host".getBytes(StandardCharsets.US_ASCII);
    c.output().write(reply);
    RxPacket rw = fe.awaitRx(1, T).getFirst();
    assertThat(rw.header().op()).isEqualTo((short) Op.RW.code());
    assertThat(rw.payload()).isEqualTo(reply);

    // The guest closes both directions: the backend answers RST and the app sees EOF.
    fe.sendPacket(
        FakeFrontEnd.header(
            1234,
            PORT,
            Op.SHUTDOWN.code(),
            0,
            VsockHeader.SHUTDOWN_RCV | VsockHeader.SHUTDOWN_SEND),
        new byte[0]);
    RxPacket rst = fe.awaitRx(1, T).getFirst();
    assertThat(rst.header().op()).isEqualTo((short) Op.RST.code());
    assertThat(c.input().read()).isEqualTo(-1);
    assertThat(backend.connectionCount()).isZero();
  }

  @Test
  void requestToAPortNobodyListensOnGetsRst() throws Exception {
    fe.postRx(2);
    fe.sendPacket(FakeFrontEnd.header(1234, 4999, Op.REQUEST.code(), 0, 0), new byte[0]);
    RxPacket p = fe.awaitRx(1, T).getFirst();
    assertThat(p.header().op()).isEqualTo((short) Op.RST.code());
    assertThat(p.header().srcPort()).isEqualTo(4999);
  }

  @Test
  void hostSendsCreditUpdateAsItConsumes() throws Exception {
    fe.postRx(16);
    fe.sendPacket(FakeFrontEnd.header(1, PORT, Op.REQUEST.code(), 0, 0), new byte[0]);
    int bufAlloc = fe.awaitRx(1, T).getFirst().header().bufAlloc();
    VsockConnection c = accepted.poll(20, TimeUnit.SECONDS);
    // An update is due once the app has consumed a quarter of BUF_ALLOC since the last one. Each
    // round sends exactly a quarter, so the update can only fall due on the round's last byte:
    // its fwd_cnt is then exact whatever the scheduling of the reader and the device thread.
    int quarter = bufAlloc / 4;
    byte[] chunk = new byte[quarter / 2];
    int total = 0;
    for (int round = 1; round <= 2; round++) {
      for (int i = 0; i < 2; i++) {
        fe.sendPacket(FakeFrontEnd.header(1, PORT, Op.RW.code(), chunk.length, 0), chunk);
      }
      assertThat(c.input().readNBytes(quarter)).hasSize(quarter);
      total += quarter;
      RxPacket credit = fe.awaitRx(1, T).getFirst();
      assertThat(credit.header().op()).isEqualTo((short) Op.CREDIT_UPDATE.code());
      assertThat(credit.header().fwdCnt()).isEqualTo(total);
    }
  }

  @Test
  void creditRequestIsAnswered() throws Exception {
    fe.postRx(4);
    fe.sendPacket(FakeFrontEnd.header(7, PORT, Op.REQUEST.code(), 0, 0), new byte[0]);
    fe.awaitRx(1, T);
    fe.sendPacket(FakeFrontEnd.header(7, PORT, Op.CREDIT_REQUEST.code(), 0, 0), new byte[0]);
    assertThat(fe.awaitRx(1, T).getFirst().header().op())
        .isEqualTo((short) Op.CREDIT_UPDATE.code());
  }

  @Test
  void hostRespectsGuestCredit() throws Exception {
    fe.postRx(32);
    // The guest offers only 1000 bytes of buffer.
    fe.sendPacket(
        new VsockHeader(3, 2, 9, PORT, 0, (short) 1, (short) Op.REQUEST.code(), 0, 1000, 0),
        new byte[0]);
    fe.awaitRx(1, T);
    VsockConnection c = accepted.poll(20, TimeUnit.SECONDS);
    c.output().write(new byte[3000]);
    List<RxPacket> got = fe.awaitRx(1, T);
    assertThat(got.getFirst().payload()).hasSize(1000);
    // Consuming 1000 and saying so releases the next 1000.
    fe.sendPacket(
        new VsockHeader(
            3, 2, 9, PORT, 0, (short) 1, (short) Op.CREDIT_UPDATE.code(), 0, 1000, 1000),
        new byte[0]);
    assertThat(fe.awaitRx(1, T).getFirst().payload()).hasSize(1000);
  }

  @Test
  void hostInitiatedConnection() throws Exception {
    fe.postRx(4);
    var future = backend.connect(6000);
    RxPacket req = fe.awaitRx(1, T).getFirst();
    assertThat(req.header().op()).isEqualTo((short) Op.REQUEST.code());
    assertThat(req.header().dstPort()).isEqualTo(6000);
    int hostPort = req.header().srcPort();
    fe.sendPacket(FakeFrontEnd.header(6000, hostPort, Op.RESPONSE.code(), 0, 0), new byte[0]);
    VsockConnection c = future.get(20, TimeUnit.SECONDS);
    fe.sendPacket(FakeFrontEnd.header(6000, hostPort, Op.RW.code(), 3, 0), new byte[] {1, 2, 3});
    assertThat(c.input().readNBytes(3)).containsExactly(1, 2, 3);
  }

  @Test
  void appCloseSendsShutdownThenGuestRstEndsIt() throws Exception {
    fe.postRx(4);
    fe.sendPacket(FakeFrontEnd.header(11, PORT, Op.REQUEST.code(), 0, 0), new byte[0]);
    fe.awaitRx(1, T);
    VsockConnection c = accepted.poll(20, TimeUnit.SECONDS);
    c.close();
    RxPacket sd = fe.awaitRx(1, T).getFirst();
    assertThat(sd.header().op()).isEqualTo((short) Op.SHUTDOWN.code());
    assertThat(sd.header().flags()).isEqualTo(3);
    fe.sendPacket(FakeFrontEnd.header(11, PORT, Op.RST.code(), 0, 0), new byte[0]);
    fe.awaitTxUsed(2, T);
    assertThat(backend.connectionCount()).isZero();
  }

  @Test
  void frontEndDisconnectEndsConnectionsAndBackendServesTheNextOne() throws Exception {
    fe.postRx(4);
    fe.sendPacket(FakeFrontEnd.header(12, PORT, Op.REQUEST.code(), 0, 0), new byte[0]);
    fe.awaitRx(1, T);
    VsockConnection c = accepted.poll(20, TimeUnit.SECONDS);
    fe.sendPacket(FakeFrontEnd.header(12, PORT, Op.RW.code(), 2, 0), new byte[] {42, 43});
    fe.awaitTxUsed(2, T);
    fe.close(); // QEMU killed

    // Data already received stays readable, then EOF.
    assertThat(c.input().readNBytes(2)).containsExactly(42, 43);
    assertThat(c.input().read()).isEqualTo(-1);

    fe = new FakeFrontEnd(backend.socketPath());
    fe.start();
    fe.postRx(2);
    fe.sendPacket(FakeFrontEnd.header(13, PORT, Op.REQUEST.code(), 0, 0), new byte[0]);
    assertThat(fe.awaitRx(1, T).getFirst().header().op()).isEqualTo((short) Op.RESPONSE.code());
  }
}
