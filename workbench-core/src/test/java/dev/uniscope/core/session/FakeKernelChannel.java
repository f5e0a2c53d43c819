package dev.uniscope.core.session;

import dev.uniscope.trace.command.CommandCodec;
import dev.uniscope.trace.command.Reply;
import dev.uniscope.trace.wire.FrameEncoder;
import dev.uniscope.trace.wire.FrameProblem;
import dev.uniscope.trace.wire.FrameSync;
import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.WireConstants;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
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
  private int replySeq = 5000;

  /**
   * @param hangUpAfterPages close right after the pages (an app that exits), else wait for FLUSH
   */
  public FakeKernelChannel(Path socket, boolean hangUpAfterPages) throws IOException {
    this.hangUpAfterPages = hangUpAfterPages;
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
      write(ch, scenario.helloFrame());
      write(ch, scenario.metadataFrame());
      for (ByteBuffer f : scenario.pageFrames()) {
        write(ch, f);
      }
      if (!hangUpAfterPages) {
        serveCommands(ch);
      }
      done.complete(null);
    } catch (Throwable t) {
      done.completeExceptionally(t);
    }
  }

  private void serveCommands(SocketChannel ch) throws IOException {
    ByteBuffer in =
        ByteBuffer.allocate(2 * (WireConstants.FRAME_HEADER + WireConstants.MAX_PAYLOAD));
    FrameSync sync = new FrameSync();
    while (true) {
      if (ch.read(in) < 0) {
        return;
      }
      in.flip();
      List<CommandCodec.Request> requests = new ArrayList<>();
      int used =
          sync.feed(
              in,
              false,
              new FrameSync.Listener() {
                @Override
                public void frame(
                    long off, FrameType type, int seq, ByteBuffer w, int start, int length) {
                  try {
                    requests.add(CommandCodec.decodeCommand(w.slice(start + 16, length)));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }

                @Override
                public void problem(FrameProblem p) {}
              });
      in.position(in.position() + used).compact();
      for (CommandCodec.Request r : requests) {
        commands.add(r.opcode().name());
        Reply reply = new Reply(r.requestId(), r.opcode(), Reply.OK, 1, "ok");
        write(
            ch,
            FrameEncoder.encode(
                FrameType.REPLY, replySeq++, CommandCodec.encodeReply(reply, r.opcode().code())));
        if (r.opcode().name().equals("FLUSH")) {
          return;
        }
      }
    }
  }

  private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
    ByteBuffer d = b.duplicate();
    while (d.hasRemaining()) {
      ch.write(d);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
