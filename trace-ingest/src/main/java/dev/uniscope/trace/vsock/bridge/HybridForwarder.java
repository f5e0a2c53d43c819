package dev.uniscope.trace.vsock.bridge;

import dev.uniscope.trace.vsock.VhostUserVsockBackend;
import dev.uniscope.trace.vsock.VsockConnection;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Firecracker-style exposure of guest-initiated connections for other tools: a guest connection to
 * host port P is forwarded to the Unix socket {@code <base>_<P>} where the tool listens; if nothing
 * listens there the guest connection is closed (the guest sees SHUTDOWN, then reset).
 */
public final class HybridForwarder {
  private final Path base;
  private final List<String> problems = new CopyOnWriteArrayList<>();

  private HybridForwarder(Path base) {
    this.base = base;
  }

  /** Forwards guest connections to each of {@code ports} to {@code <base>_<port>}. */
  public static HybridForwarder forward(VhostUserVsockBackend backend, Path base, int... ports) {
    HybridForwarder f = new HybridForwarder(base);
    for (int p : ports) {
      backend.listen(p, c -> f.accepted(p, c));
    }
    return f;
  }

  public Path socketFor(int port) {
    return Path.of(base + "_" + Integer.toUnsignedString(port));
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  private void accepted(int port, VsockConnection c) {
    Path target = socketFor(port);
    try {
      SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(target));
      Pump.start(c, ch, problems::add);
    } catch (IOException e) {
      problems.add(c.describe() + ": nothing listens on " + target + ": " + e.getMessage());
      c.close();
    }
  }
}
