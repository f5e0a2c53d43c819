package dev.uniscope.tests.vsock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Just enough of a virtio 1.x modern PCI driver, run over qtest, to bring up QEMU's
 * vhost-user-vsock-pci: find it on bus 0, map BAR 4, negotiate VERSION_1, lay out the rx and tx
 * split rings in guest RAM, set DRIVER_OK (which makes QEMU start the vhost-user device), then post
 * buffers and notify. It mirrors what the kernel's driver has to do (docs/vsock.md).
 */
final class VirtioPciDriver {
  static final int VENDOR = 0x1af4;
  static final int DEVICE_VSOCK = 0x1053;
  static final long BAR_BASE = 0xe000_0000L;
  static final int QSIZE = 64;

  /** Guest RAM for rings and buffers: far above where the kernel image was loaded. */
  static final long RAM = 0x0800_0000L;

  final Qtest qt;
  int devfn = -1;
  long common;
  long notify;
  int notifyMultiplier;
  final int[] notifyOff = new int[2];
  final long[] desc = new long[2];
  final long[] avail = new long[2];
  final long[] used = new long[2];
  final int[] availIdx = new int[2];
  final int[] lastUsed = new int[2];
  private long nextBuffer = RAM + 0x10000;

  VirtioPciDriver(Qtest qt) {
    this.qt = qt;
  }

  private int cfgRead(int off) throws IOException {
    qt.out("l", 0xcf8, 0x8000_0000L | ((long) devfn << 8) | (off & 0xfc));
    return (int) qt.in("l", 0xcfc);
  }

  private void cfgWrite(int off, int value) throws IOException {
    qt.out("l", 0xcf8, 0x8000_0000L | ((long) devfn << 8) | (off & 0xfc));
    qt.out("l", 0xcfc, Integer.toUnsignedLong(value));
  }

  /** Finds the device on bus 0; false if it is not there. */
  boolean find() throws IOException {
    for (int dev = 0; dev < 32; dev++) {
      devfn = dev << 3;
      int id = cfgRead(0);
      if ((id & 0xffff) == VENDOR && (id >>> 16) == DEVICE_VSOCK) {
        return true;
      }
    }
    devfn = -1;
    return false;
  }

  /** Maps the modern-interface BAR and walks the vendor capabilities. */
  void mapCapabilities() throws IOException {
    int bar = -1;
    int cap = cfgRead(0x34) & 0xff;
    long[] offsets = new long[6];
    while (cap != 0) {
      int w0 = cfgRead(cap);
      int vndr = w0 & 0xff;
      int next = (w0 >>> 8) & 0xff;
      if (vndr == 0x09) {
        int type = (w0 >>> 24) & 0xff;
        int b = cfgRead(cap + 4) & 0xff;
        long offset = Integer.toUnsignedLong(cfgRead(cap + 8));
        if (type == 1 || type == 2) {
          bar = b;
          offsets[type] = offset;
        }
        if (type == 2) {
          notifyMultiplier = cfgRead(cap + 16);
        }
      }
      cap = next;
    }
    if (bar < 0) {
      throw new IOException("no virtio common/notify capability");
    }
    int barOff = 0x10 + 4 * bar;
    cfgWrite(barOff, (int) BAR_BASE);
    if ((cfgRead(barOff) & 0x6) == 0x4) { // 64-bit BAR
      cfgWrite(barOff + 4, 0);
    }
    int cmd = cfgRead(0x04);
    cfgWrite(0x04, (cmd & 0xffff) | 0x6); // memory space + bus master
    common = BAR_BASE + offsets[1];
    notify = BAR_BASE + offsets[2];
  }

  /** Device reset (status 0), as a rebooting guest's driver does; forgets the rings. */
  void reset() throws IOException {
    qt.write("b", common + 0x14, 0);
    java.util.Arrays.fill(availIdx, 0);
    java.util.Arrays.fill(lastUsed, 0);
    nextBuffer = RAM + 0x10000;
  }

  /** Reset, ACK, DRIVER, VERSION_1 only, FEATURES_OK; returns the device's feature bits. */
  long negotiate() throws IOException {
    qt.write("b", common + 0x14, 0);
    qt.write("b", common + 0x14, 1);
    qt.write("b", common + 0x14, 3);
    qt.write("l", common, 0);
    long lo = qt.read("l", common + 4);
    qt.write("l", common, 1);
    long hi = qt.read("l", common + 4);
    qt.write("l", common + 0x08, 0);
    qt.write("l", common + 0x0c, 0);
    qt.write("l", common + 0x08, 1);
    qt.write("l", common + 0x0c, 1); // VERSION_1
    qt.write("b", common + 0x14, 0xb);
    if ((qt.read("b", common + 0x14) & 0x8) == 0) {
      throw new IOException("device refused FEATURES_OK");
    }
    return (hi << 32) | lo;
  }

  /** Lays out and enables queue {@code q} (0 rx, 1 tx). */
  void setupQueue(int q) throws IOException {
    long base = RAM + q * 0x4000L;
    desc[q] = base;
    avail[q] = base + 0x1000;
    used[q] = base + 0x2000;
    qt.cmd("memset 0x" + Long.toHexString(base) + " 0x3000 0x0");
    qt.write("w", common + 0x16, q);
    long max = qt.read("w", common + 0x18);
    if (max < QSIZE) {
      throw new IOException("queue " + q + " max size " + max);
    }
    qt.write("w", common + 0x18, QSIZE);
    qt.write("q", common + 0x20, desc[q]);
    qt.write("q", common + 0x28, avail[q]);
    qt.write("q", common + 0x30, used[q]);
    notifyOff[q] = (int) qt.read("w", common + 0x1e);
    qt.write("w", common + 0x1c, 1);
  }

  void driverOk() throws IOException {
    qt.write("b", common + 0x14, 0xf);
  }

  int status() throws IOException {
    return (int) qt.read("b", common + 0x14);
  }

  /** Posts one buffer (device-writable for rx) as a one-descriptor chain; returns its address. */
  long post(int q, byte[] data, int len) throws IOException {
    long buf = nextBuffer;
    nextBuffer += (len + 0xfff) & ~0xfffL;
    if (data != null) {
      qt.writeBytes(buf, data);
    }
    int slot = availIdx[q] % QSIZE;
    ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    d.putLong(buf).putInt(len).putShort((short) (q == 0 ? 2 : 0)).putShort((short) 0);
    qt.writeBytes(desc[q] + 16L * slot, d.array());
    qt.write("w", avail[q] + 4 + 2L * slot, slot);
    availIdx[q] = (availIdx[q] + 1) & 0xffff;
    qt.write("w", avail[q] + 2, availIdx[q]);
    return buf;
  }

  /** A hostile driver: publishes one descriptor with any address and length, unvalidated. */
  void postRaw(int q, long addr, int len, int flags) throws IOException {
    int slot = availIdx[q] % QSIZE;
    ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    d.putLong(addr).putInt(len).putShort((short) flags).putShort((short) 0);
    qt.writeBytes(desc[q] + 16L * slot, d.array());
    qt.write("w", avail[q] + 4 + 2L * slot, slot);
    availIdx[q] = (availIdx[q] + 1) & 0xffff;
    qt.write("w", avail[q] + 2, availIdx[q]);
  }

  void kick(int q) throws IOException {
    qt.write("w", notify + (long) notifyOff[q] * notifyMultiplier, q);
  }

  int usedIdx(int q) throws IOException {
    return (int) qt.read("w", used[q] + 2);
  }

  /** The next used element {@code (id, len)} of queue {@code q}, or null if none yet. */
  int[] takeUsed(int q) throws IOException {
    if (usedIdx(q) == lastUsed[q]) {
      return null;
    }
    long e = used[q] + 4 + 8L * (lastUsed[q] % QSIZE);
    int id = (int) qt.read("l", e);
    int len = (int) qt.read("l", e + 4);
    lastUsed[q] = (lastUsed[q] + 1) & 0xffff;
    return new int[] {id, len};
  }

  /** The buffer address of descriptor {@code id} of queue {@code q}. */
  long bufferOf(int q, int id) throws IOException {
    return qt.read("q", desc[q] + 16L * id);
  }
}
