package dev.uniscope.core.session;

import dev.uniscope.trace.command.CommandCodec;
import dev.uniscope.trace.command.Reply;
import dev.uniscope.trace.testkit.KernelEnd;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The kernel's end of the data channel on a real Unix socket, listening like QEMU's COM2 chardev
 * ({@code server=on}): sends the hello, the scenario's pages, answers every command, and hangs up
 * when the host sends FLUSH (as a VM that is then quit).
 */
public final class FakeKernelChannel implements AutoCloseable {
  private final ServerSocketChannel server;
  private final Scenario scenario = new Scenario();
  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final boolean hangUpAfterPages;
  private int busyScans;

  /**
   * @param hangUpAfterPages close right after the pages (an app that exits), else wait for FLUSH
   */
  public FakeKernelChannel(Path socket, boolean hangUpAfterPages) throws IOException {
    this(socket, hangUpAfterPages, 0);
  }

  /**
   * @param busyScans answer the first this many LEAK_SCANs BUSY (a scan already running)
   */
  public FakeKernelChannel(Path socket, boolean hangUpAfterPages, int busyScans)
      throws IOException {
    this.hangUpAfterPages = hangUpAfterPages;
    this.busyScans = busyScans;
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread.ofPlatform().daemon().name("fake-kernel-channel").start(this::run);
  }

  /** Opcodes the host sent, in order. */
  public List<String> commands() {
    return commands;
  }

  public CompletableFuture<Void> done() {
    return done;
  }

  private void run() {
    try (SocketChannel ch = server.accept()) {
      KernelEnd end = new KernelEnd(ch, 5000);
      end.write(scenario.helloFrame());
      end.write(scenario.metadataFrame());
      for (ByteBuffer f : scenario.pageFrames()) {
        end.write(f);
      }
      if (!hangUpAfterPages) {
        serveCommands(end);
      }
      done.complete(null);
    } catch (Throwable t) {
      done.completeExceptionally(t);
    }
  }

  /** Answers every command until FLUSH, or until the host hangs up. */
  private void serveCommands(KernelEnd end) throws IOException {
    while (true) {
      List<CommandCodec.Request> requests;
      try {
        requests = end.readCommands();
      } catch (EOFException e) {
        return;
      }
      for (CommandCodec.Request r : requests) {
        commands.add(r.opcode().name());
        if (r.opcode().name().equals("LEAK_SCAN") && busyScans > 0) {
          busyScans--;
          end.reply(r, Reply.BUSY, 0, "a scan is running");
          continue;
        }
        end.replyOk(r, 1);
        if (r.opcode().name().equals("FLUSH")) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
