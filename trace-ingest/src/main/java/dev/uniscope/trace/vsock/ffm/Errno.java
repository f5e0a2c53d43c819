package dev.uniscope.trace.vsock.ffm;

/** The Linux x86_64 errno values this package branches on, with readable names. */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EINVAL = 22;
  public static final int EPIPE = 32;
  public static final int ENOSYS = 38;
  public static final int EPROTONOSUPPORT = 93;
  public static final int EAFNOSUPPORT = 97;
  public static final int EADDRINUSE = 98;
  public static final int EADDRNOTAVAIL = 99;
  public static final int ENETUNREACH = 101;
  public static final int ECONNRESET = 104;
  public static final int ENOTCONN = 107;
  public static final int ETIMEDOUT = 110;
  public static final int ECONNREFUSED = 111;
  public static final int EHOSTUNREACH = 113;

  private Errno() {}

  /** "ECONNREFUSED (111)", or "errno 4242" for values not listed here. */
  public static String describe(int errno) {
    String name =
        switch (errno) {
          case EPERM -> "EPERM";
          case ENOENT -> "ENOENT";
          case EINTR -> "EINTR";
          case EBADF -> "EBADF";
          case EAGAIN -> "EAGAIN";
          case EACCES -> "EACCES";
          case EINVAL -> "EINVAL";
          case EPIPE -> "EPIPE";
          case ENOSYS -> "ENOSYS";
          case EPROTONOSUPPORT -> "EPROTONOSUPPORT";
          case EAFNOSUPPORT -> "EAFNOSUPPORT";
          case EADDRINUSE -> "EADDRINUSE";
          case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
          case ENETUNREACH -> "ENETUNREACH";
          case ECONNRESET -> "ECONNRESET";
          case ENOTCONN -> "ENOTCONN";
          case ETIMEDOUT -> "ETIMEDOUT";
          case ECONNREFUSED -> "ECONNREFUSED";
          case EHOSTUNREACH -> "EHOSTUNREACH";
          default -> null;
        };
    return name == null ? "errno " + errno : name + " (" + errno + ")";
  }
}
