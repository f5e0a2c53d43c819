package dev.uniscope.trace.vsock.ffm;

/** An anonymous memory file ({@code memfd_create}) of a fixed size: test guest RAM. */
public final class Memfd implements AutoCloseable {
  private final int fd;
  private final long size;

  private Memfd(int fd, long size) {
    this.fd = fd;
    this.size = size;
  }

  public static Memfd create(String name, long size) throws NativeException {
    int fd = Libc.memfdCreate(name);
    try {
      Libc.ftruncate(fd, size);
      return new Memfd(fd, size);
    } catch (NativeException e) {
      Libc.close(fd);
      throw e;
    }
  }

  public int fd() {
    return fd;
  }

  public long size() {
    return size;
  }

  @Override
  public void close() {
    Libc.close(fd);
  }
}
