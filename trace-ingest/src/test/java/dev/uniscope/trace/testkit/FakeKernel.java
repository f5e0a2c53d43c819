package dev.uniscope.trace.testkit;

import dev.uniscope.trace.command.CommandCodec;
import dev.uniscope.trace.command.Opcode;
import dev.uniscope.trace.command.Reply;
import dev.uniscope.trace.wire.FrameEncoder;
import dev.uniscope.trace.wire.FrameProblem;
import dev.uniscope.trace.wire.FrameSync;
import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.WireConstants;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The kernel's side of the data channel, in Java, until the real one exists: listens like a QEMU
 * chardev in server mode, writes console noise and a hello, answers commands, and on START streams
 * {@code events} events as pages with garbage and a corrupted frame copy mixed in, then closes.
 */
public final class FakeKernel implements AutoCloseable {
  /** Opens the kernel's end: accept (QEMU as server) or connect (QEMU as client). */
  @FunctionalInterface
  public interface Opener {
    SocketChannel open() throws IOException;
  }

  private final Opener opener;
  private final Closeable resource;
  private final SyntheticKernel kernel;
  private final long events;
  private final Thread thread;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private int replySeq = 1000;

  /** Accepts one connection on {@code server} (like a QEMU chardev with server=on). */
  public FakeKernel(ServerSocketChannel server, SyntheticKernel kernel, long events) {
    this(server::accept, server, kernel, events);
  }

  /**
   * @param resource closed with this fake (the server socket, or null)
   */
  public FakeKernel(Opener opener, Closeable resource, SyntheticKernel kernel, long events) {
    this.opener = opener;
    this.resource = resource;
    this.kernel = kernel;
    this.events = events;
    this.thread = Thread.ofPlatform().name("fake-kernel").daemon().start(this::run);
  }

  /** Completes when the fake has sent everything and closed, or fails with its error. */
  public CompletableFuture<Void> done() {
    return done;
  }

  private void run() {
    try (SocketChannel ch = opener.open()) {
      write(
          ch,
          ByteBuffer.wrap(
              "PVH boot... console noise on the data port\n".getBytes(StandardCharsets.US_ASCII)));
      write(ch, kernel.helloFrame());
      write(ch, kernel.metadataFrame());
      ByteBuffer in =
          ByteBuffer.allocate(2 * (WireConstants.FRAME_HEADER + WireConstants.MAX_PAYLOAD));
      FrameSync sync = new FrameSync();
      boolean streaming = false;
      while (!streaming) {
        if (ch.read(in) < 0) {
          throw new IOException("host closed before START");
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
          long value = r.opcode() == Opcode.START ? r.args().getInt(0) : 0;
          reply(ch, new Reply(r.requestId(), r.opcode(), Reply.OK, value, "ok"), r.opcode().code());
          if (r.opcode() == Opcode.INFO) {
            write(ch, kernel.helloFrame());
            write(ch, kernel.metadataFrame());
          }
          streaming |= r.opcode() == Opcode.START;
        }
      }
      List<ByteBuffer> frames = new ArrayList<>();
      kernel.emit(events, frames::add);
      kernel.flush(frames::add);
      for (int i = 0; i < frames.size(); i++) {
        ByteBuffer f = frames.get(i);
        if (i % 10 == 3) {
          write(ch, ByteBuffer.wrap(new byte[] {0x55, (byte) 0xE1, (byte) 0xC3, 0x00, 0x13}));
        }
        if (i == 5) {
          ByteBuffer bad = ByteBuffer.allocate(f.remaining()).put(f.duplicate()).flip();
          bad.put(40, (byte) (bad.get(40) ^ 0x10));
          write(ch, bad);
        }
        write(ch, f);
      }
      done.complete(null);
    } catch (Throwable t) {
      done.completeExceptionally(t);
    }
  }

  private void reply(SocketChannel ch, Reply r, int opcode) throws IOException {
    write(
        ch, FrameEncoder.encode(FrameType.REPLY, replySeq++, CommandCodec.encodeReply(r, opcode)));
  }

  private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
    ByteBuffer d = b.duplicate();
    while (d.hasRemaining()) {
      ch.write(d);
    }
  }

  @Override
  public void close() throws IOException {
    if (resource != null) {
      resource.close();
    }
    thread.interrupt();
  }
}
