package dev.uniscope.trace.vsock;

import dev.uniscope.trace.vsock.ffm.EventFd;
import dev.uniscope.trace.vsock.ffm.Libc;
import dev.uniscope.trace.vsock.ffm.Memfd;
import dev.uniscope.trace.vsock.ffm.SharedMapping;
import dev.uniscope.trace.vsock.ffm.UnixSocket;
import dev.uniscope.trace.vsock.packet.VsockHeader;
import dev.uniscope.trace.vsock.vhostuser.MessageHeader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays QEMU (the vhost-user front-end) and the guest driver against a backend: its own memfd guest
 * RAM, a real Unix control socket with SCM_RIGHTS, eventfd kicks and calls, and rings laid out in
 * guest memory. Hostile tests use the raw methods to send anything at all.
 */
final class FakeFrontEnd implements AutoCloseable {
  static final long MEM_SIZE = 8L << 20;

  /** The front-end's pretend virtual address of guest RAM (ring addresses are given in it). */
  static final long UVA_BASE = 0x7f00_0000_0000L;

  static final int QSIZE = 64;
  static final long RX_DESC = 0x0000;
  static final long RX_AVAIL = 0x1000;
  static final long RX_USED = 0x2000;
  static final long TX_DESC = 0x4000;
  static final long TX_AVAIL = 0x5000;
  static final long TX_USED = 0x6000;
  static final long RX_BUFS = 0x10000;
  static final int RX_BUF = 4096;
  static final long TX_BUFS = 0x100000;
  static final int TX_SLOT = 0x11000;
  static final long GUEST_CID = 3;

  final Memfd memfd;
  final SharedMapping mapping;
  final MemorySegment mem;
  final UnixSocket sock;
  final EventFd[] kick = new EventFd[2];
  final EventFd[] call = new EventFd[2];
  DriverRing rx;
  DriverRing tx;
  private int txSlot;

  FakeFrontEnd(Path backendSocket) throws IOException {
    memfd = Memfd.create("fake-guest-ram", MEM_SIZE);
    mapping = SharedMapping.map(memfd.fd(), MEM_SIZE);
    mem = mapping.segment();
    sock = UnixSocket.connect(backendSocket);
    for (int i = 0; i < 2; i++) {
      kick[i] = EventFd.create();
      call[i] = EventFd.create();
    }
  }

  // ---- control socket ----

  void send(int request, int flags, byte[] payload, int... fds) throws IOException {
    byte[] h = new MessageHeader(request, flags, payload.length).encode();
    byte[] all = new byte[h.length + payload.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(payload, 0, all, h.length, payload.length);
    sock.send(all, fds);
  }

  void send(int request, byte[] payload, int... fds) throws IOException {
    send(request, MessageHeader.VERSION, payload, fds);
  }

  record Reply(MessageHeader header, byte[] payload) {
    long u64() {
      return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
  }

  Reply read() throws IOException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment h = a.allocate(MessageHeader.BYTES);
      sock.readFully(h);
      ByteBuffer b =
          ByteBuffer.wrap(h.toArray(ValueLayout.JAVA_BYTE)).order(ByteOrder.LITTLE_ENDIAN);
      MessageHeader mh = new MessageHeader(b.getInt(0), b.getInt(4), b.getInt(8));
      byte[] p = new byte[mh.size()];
      if (p.length > 0) {
        MemorySegment ps = a.allocate(p.length);
        sock.readFully(ps);
        p = ps.toArray(ValueLayout.JAVA_BYTE);
      }
      return new Reply(mh, p);
    }
  }

  Reply request(int request, byte[] payload) throws IOException {
    send(request, payload);
    return read();
  }

  static byte[] u64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  static byte[] state(int index, int num) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(index).putInt(num).array();
  }

  static byte[] addr(int index, long desc, long used, long avail) {
    return ByteBuffer.allocate(40)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(index)
        .putInt(0)
        .putLong(desc)
        .putLong(used)
        .putLong(avail)
        .putLong(0)
        .array();
  }

  static byte[] memTable(long... gpaSizeUvaOffset) {
    int n = gpaSizeUvaOffset.length / 4;
    ByteBuffer b = ByteBuffer.allocate(8 + 32 * n).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(n).putInt(0);
    for (long v : gpaSizeUvaOffset) {
      b.putLong(v);
    }
    return b.array();
  }

  /** With REPLY_ACK negotiated: sends with NEED_REPLY and returns the u64 status. */
  long acked(int request, byte[] payload, int... fds) throws IOException {
    send(request, MessageHeader.VERSION | MessageHeader.NEED_REPLY, payload, fds);
    Reply r = read();
    if (r.header().request() != request || r.header().flags() != 0x5 || r.payload().length != 8) {
      throw new IOException("bad ack " + r.header());
    }
    return r.u64();
  }

  /** The realize-time exchange plus a full device start, as QEMU does once the driver is OK. */
  void start() throws IOException {
    request(1, new byte[0]); // GET_FEATURES
    request(15, new byte[0]); // GET_PROTOCOL_FEATURES
    send(16, u64(0x208)); // SET_PROTOCOL_FEATURES
    send(3, new byte[0]); // SET_OWNER
    send(2, u64(1L << 32)); // SET_FEATURES (VERSION_1)
    check(acked(5, memTable(0, MEM_SIZE, UVA_BASE, 0), memfd.fd()), "SET_MEM_TABLE");
    startRing(0);
    startRing(1);
  }

  void startRing(int q) throws IOException {
    boolean isRx = q == 0;
    // The driver lays out empty rings before the device may look at them.
    if (isRx) {
      clearRing(RX_DESC, RX_AVAIL, RX_USED);
      rx = new DriverRing(mem, QSIZE, RX_DESC, RX_AVAIL, RX_USED);
      rxPosted = 0;
    } else {
      clearRing(TX_DESC, TX_AVAIL, TX_USED);
      tx = new DriverRing(mem, QSIZE, TX_DESC, TX_AVAIL, TX_USED);
    }
    send(8, state(q, QSIZE));
    send(10, state(q, 0));
    send(
        9,
        addr(
            q,
            UVA_BASE + (isRx ? RX_DESC : TX_DESC),
            UVA_BASE + (isRx ? RX_USED : TX_USED),
            UVA_BASE + (isRx ? RX_AVAIL : TX_AVAIL)));
    send(12, u64(q), kick[q].fd());
    send(13, u64(q), call[q].fd());
    check(acked(18, state(q, 1)), "SET_VRING_ENABLE");
  }

  private void clearRing(long desc, long avail, long used) {
    mem.asSlice(desc, 16L * QSIZE).fill((byte) 0);
    mem.asSlice(avail, 6L + 2 * QSIZE).fill((byte) 0);
    mem.asSlice(used, 6L + 8 * QSIZE).fill((byte) 0);
  }

  /** GET_VRING_BASE for both rings, then a fresh start (what QEMU does on a guest reset). */
  void restartRings() throws IOException {
    request(11, state(0, 0));
    request(11, state(1, 0));
    txSlot = 0;
    startRing(0);
    startRing(1);
  }

  private static void check(long status, String what) throws IOException {
    if (status != 0) {
      throw new IOException(what + " failed with status " + status);
    }
  }

  // ---- guest driver ----

  void kick(int q) throws IOException {
    kick[q].signal();
  }

  /** Posts {@code n} rx buffers of {@link #RX_BUF} bytes. */
  void postRx(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      long addr = RX_BUFS + (long) ((rxPosted++) % QSIZE) * RX_BUF;
      rx.add(List.of(new DriverRing.Desc(addr, RX_BUF, DriverRing.WRITE, 0)));
    }
    kick(0);
  }

  private int rxPosted;

  /** Sends one packet in one tx descriptor. */
  void sendPacket(VsockHeader h, byte[] payload) throws IOException {
    long addr = TX_BUFS + (long) (txSlot++ % QSIZE) * TX_SLOT;
    byte[] hb = h.encode();
    MemorySegment.copy(hb, 0, mem, ValueLayout.JAVA_BYTE, addr, hb.length);
    MemorySegment.copy(payload, 0, mem, ValueLayout.JAVA_BYTE, addr + hb.length, payload.length);
    tx.add(List.of(new DriverRing.Desc(addr, hb.length + payload.length, (short) 0, 0)));
    kick(1);
  }

  /** Writes raw bytes into the next tx slot and returns their guest-physical address. */
  long txBytes(byte[] data) {
    long addr = TX_BUFS + (long) (txSlot++ % QSIZE) * TX_SLOT;
    MemorySegment.copy(data, 0, mem, ValueLayout.JAVA_BYTE, addr, data.length);
    return addr;
  }

  static VsockHeader header(int srcPort, int dstPort, int op, int len, int flags) {
    return new VsockHeader(
        GUEST_CID, 2, srcPort, dstPort, len, (short) 1, (short) op, flags, 64 * 1024, 0);
  }

  record RxPacket(VsockHeader header, byte[] payload) {}

  /** Waits until the backend has completed {@code count} more rx buffers and decodes them. */
  List<RxPacket> awaitRx(int count, Duration timeout) throws IOException {
    List<RxPacket> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (DriverRing.Used u : rx.takeUsed()) {
        out.add(decodeRx(u));
      }
      if (out.size() >= count) {
        return out;
      }
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new IOException("timed out waiting for " + count + " rx packets, got " + out);
      }
      Libc.poll(new int[] {call[0].fd()}, (int) Math.min(left, 1000));
      call[0].drain();
    }
  }

  /** Finds the buffer through the (single-descriptor) chain's head. */
  private RxPacket decodeRx(DriverRing.Used u) throws IOException {
    long descAddr = mem.get(ValueLayout.JAVA_LONG_UNALIGNED, RX_DESC + 16L * u.id());
    if (u.len() < VsockHeader.BYTES || u.len() > RX_BUF) {
      throw new IOException("rx used len " + u.len());
    }
    byte[] hb = mem.asSlice(descAddr, VsockHeader.BYTES).toArray(ValueLayout.JAVA_BYTE);
    VsockHeader h = VsockHeader.decode(hb);
    byte[] payload =
        mem.asSlice(descAddr + VsockHeader.BYTES, u.len() - VsockHeader.BYTES)
            .toArray(ValueLayout.JAVA_BYTE);
    return new RxPacket(h, payload);
  }

  /** Waits until the backend has consumed tx up to {@code usedIdx}. */
  void awaitTxUsed(int usedIdx, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (((tx.usedIdx() - usedIdx) & 0x8000) != 0) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new IOException("tx used.idx " + tx.usedIdx() + " never reached " + usedIdx);
      }
      Libc.poll(new int[] {call[1].fd()}, (int) Math.min(left, 1000));
      call[1].drain();
    }
  }

  @Override
  public void close() {
    sock.close();
    for (int i = 0; i < 2; i++) {
      kick[i].close();
      call[i].close();
    }
    mapping.close();
    memfd.close();
  }
}
