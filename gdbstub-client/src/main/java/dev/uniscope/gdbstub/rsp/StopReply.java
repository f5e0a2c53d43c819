package dev.uniscope.gdbstub.rsp;

import dev.uniscope.gdbstub.rsp.wire.Hex;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A stop reply as the stub sent it ({@code T}, {@code S}, {@code W}, {@code X}). */
public sealed interface StopReply {

  /** The target stopped with a signal ({@code T05...}, {@code S02}). */
  record Signal(
      int signal, Optional<ThreadId> thread, Optional<Watch> watch, Map<String, String> info)
      implements StopReply {
    public Signal {
      info = Map.copyOf(info);
    }
  }

  /** The target (QEMU) exited ({@code W}). */
  record Exited(int status) implements StopReply {}

  /** The target was terminated by a signal ({@code X}). */
  record Terminated(int signal) implements StopReply {}

  /** A watchpoint report inside a {@code T} reply. */
  record Watch(BreakpointType type, long address) {}

  int SIGINT = 2;
  int SIGTRAP = 5;

  /** Cheap test used to tell unsolicited stop replies from ordinary replies. */
  static boolean looksLike(String p) {
    if (p.length() < 3) {
      return false;
    }
    char c = p.charAt(0);
    if (c != 'T' && c != 'S' && c != 'W' && c != 'X') {
      return false;
    }
    if (Hex.digit((byte) p.charAt(1)) < 0 || Hex.digit((byte) p.charAt(2)) < 0) {
      return false;
    }
    return c == 'T' || p.length() == 3 || p.charAt(3) == ';';
  }

  /** Parses a stop reply; key:value pairs may come in any order and unknown keys are kept. */
  static StopReply parse(String p) {
    if (!looksLike(p)) {
      throw new IllegalArgumentException("not a stop reply: '" + RspException.abbreviate(p) + "'");
    }
    int code = (int) Hex.parseLong(p.substring(1, 3));
    return switch (p.charAt(0)) {
      case 'W' -> new Exited(code);
      case 'X' -> new Terminated(code);
      case 'S' -> new Signal(code, Optional.empty(), Optional.empty(), Map.of());
      default -> parseT(code, p.substring(3));
    };
  }

  private static Signal parseT(int signal, String rest) {
    Map<String, String> info = new LinkedHashMap<>();
    ThreadId thread = null;
    Watch watch = null;
    for (String pair : rest.split(";")) {
      if (pair.isEmpty()) {
        continue;
      }
      int colon = pair.indexOf(':');
      String key = colon < 0 ? pair : pair.substring(0, colon);
      String value = colon < 0 ? "" : pair.substring(colon + 1);
      if (info.size() < 64) {
        info.put(key, value);
      }
      switch (key) {
        case "thread" -> thread = ThreadId.parse(value);
        case "watch" -> watch = new Watch(BreakpointType.WRITE_WATCHPOINT, Hex.parseLong(value));
        case "rwatch" -> watch = new Watch(BreakpointType.READ_WATCHPOINT, Hex.parseLong(value));
        case "awatch" -> watch = new Watch(BreakpointType.ACCESS_WATCHPOINT, Hex.parseLong(value));
        default -> {}
      }
    }
    return new Signal(signal, Optional.ofNullable(thread), Optional.ofNullable(watch), info);
  }
}
