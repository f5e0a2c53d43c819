package dev.uniscope.trace.vsock.packet;

/** A fixed-capacity FIFO of bytes. Not thread-safe: the owner synchronizes. */
final class ByteRing {
  private final byte[] data;
  private int head;
  private int size;

  ByteRing(int capacity) {
    this.data = new byte[capacity];
  }

  int size() {
    return size;
  }

  int free() {
    return data.length - size;
  }

  /** Appends up to {@code len} bytes; returns how many fitted. */
  int put(byte[] src, int off, int len) {
    int n = Math.min(len, free());
    int tail = (head + size) % data.length;
    int first = Math.min(n, data.length - tail);
    System.arraycopy(src, off, data, tail, first);
    System.arraycopy(src, off + first, data, 0, n - first);
    size += n;
    return n;
  }

  /** Removes up to {@code len} bytes into {@code dst}; returns how many. */
  int take(byte[] dst, int off, int len) {
    int n = Math.min(len, size);
    int first = Math.min(n, data.length - head);
    System.arraycopy(data, head, dst, off, first);
    System.arraycopy(data, 0, dst, off + first, n - first);
    head = (head + n) % data.length;
    size -= n;
    return n;
  }

  void clear() {
    head = 0;
    size = 0;
  }
}
