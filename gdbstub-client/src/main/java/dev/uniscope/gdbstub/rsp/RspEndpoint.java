package dev.uniscope.gdbstub.rsp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/** Where a gdb stub listens: a TCP address or a Unix socket. */
public sealed interface RspEndpoint {

  record Tcp(String host, int port) implements RspEndpoint {
    public Tcp {
      if (port <= 0 || port > 65535) {
        throw new IllegalArgumentException("bad port " + port);
      }
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  record Unix(Path path) implements RspEndpoint {
    @Override
    public String toString() {
      return "unix:" + path;
    }
  }

  /** Parses QEMU-style {@code unix:/path}, {@code tcp:host:port}, {@code host:port}, or a path. */
  static RspEndpoint parse(String s) {
    if (s.startsWith("unix:")) {
      String p = s.substring(5);
      int comma = p.indexOf(',');
      return new Unix(Path.of(comma < 0 ? p : p.substring(0, comma)));
    }
    if (s.startsWith("/") || s.startsWith(".")) {
      return new Unix(Path.of(s));
    }
    String hp = s.startsWith("tcp:") ? s.substring(4) : s;
    int colon = hp.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected host:port or unix:PATH, got '" + s + "'");
    }
    String host = hp.substring(0, colon).isEmpty() ? "127.0.0.1" : hp.substring(0, colon);
    return new Tcp(host, Integer.parseInt(hp.substring(colon + 1)));
  }

  /** True when the stub runs on this machine (a Unix socket or a loopback address). */
  default boolean isLocal() {
    return switch (this) {
      case Unix u -> true;
      case Tcp t -> {
        try {
          yield InetAddress.getByName(t.host()).isLoopbackAddress();
        } catch (UnknownHostException e) {
          yield false;
        }
      }
    };
  }
}
