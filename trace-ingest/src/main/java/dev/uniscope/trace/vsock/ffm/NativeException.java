package dev.uniscope.trace.vsock.ffm;

import java.io.IOException;

/** A libc call failed; carries the call and its errno so callers can branch on the cause. */
public final class NativeException extends IOException {
  private final String call;
  private final int errno;

  public NativeException(String call, int errno) {
    super(call + " failed: " + Errno.describe(errno));
    this.call = call;
    this.errno = errno;
  }

  public NativeException(String call, int errno, String hint) {
    super(call + " failed: " + Errno.describe(errno) + " (" + hint + ")");
    this.call = call;
    this.errno = errno;
  }

  public String call() {
    return call;
  }

  public int errno() {
    return errno;
  }
}
