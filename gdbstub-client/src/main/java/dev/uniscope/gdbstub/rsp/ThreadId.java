package dev.uniscope.gdbstub.rsp;

import dev.uniscope.gdbstub.rsp.wire.Hex;

/**
 * An RSP thread id. On QEMU a thread is a vCPU: {@code tid = cpu_index + 1}. {@code pid} is -2 when
 * the stub did not use the multiprocess {@code p<pid>.<tid>} form; tid 0 means "any", -1 "all".
 */
public record ThreadId(int pid, int tid) {
  public static final int NO_PID = -2;
  public static final ThreadId ANY = new ThreadId(NO_PID, 0);
  public static final ThreadId ALL = new ThreadId(NO_PID, -1);

  public static ThreadId ofCpu(int cpuIndex) {
    return new ThreadId(1, cpuIndex + 1);
  }

  /** Parses {@code p1.2}, {@code p01.02}, {@code 2}, {@code -1}, {@code p1.-1}. */
  public static ThreadId parse(String s) {
    if (s.startsWith("p")) {
      int dot = s.indexOf('.');
      if (dot < 0) {
        return new ThreadId(part(s.substring(1), s), -1);
      }
      return new ThreadId(part(s.substring(1, dot), s), part(s.substring(dot + 1), s));
    }
    return new ThreadId(NO_PID, part(s, s));
  }

  private static int part(String p, String whole) {
    if (p.equals("-1")) {
      return -1;
    }
    try {
      long v = Hex.parseLong(p);
      if (v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("thread id out of range: " + whole);
      }
      return (int) v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad thread id '" + whole + "'", e);
    }
  }

  /** The vCPU index on QEMU, or -1 for any/all. */
  public int cpuIndex() {
    return tid > 0 ? tid - 1 : -1;
  }

  /** Wire form, multiprocess when a pid is known. */
  public String wire() {
    String t = tid < 0 ? "-1" : Integer.toHexString(tid);
    if (pid == NO_PID) {
      return t;
    }
    return "p" + (pid < 0 ? "-1" : Integer.toHexString(pid)) + "." + t;
  }

  @Override
  public String toString() {
    return wire();
  }
}
