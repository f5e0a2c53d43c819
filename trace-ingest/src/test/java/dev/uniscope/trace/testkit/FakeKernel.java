package dev.uniscope.trace.testkit;

import dev.uniscope.trace.command.CommandCodec;
import dev.uniscope.trace.command.Opcode;
import java.io.Closeable;
import java.io.EOFException;
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
      KernelEnd end = new KernelEnd(ch, 1000);
      end.write(
          ByteBuffer.wrap(
              "PVH boot... console noise on the data port\n".getBytes(StandardCharsets.US_ASCII)));
      end.write(kernel.helloFrame());
      end.write(kernel.metadataFrame());
      boolean streaming = false;
      while (!streaming) {
        List<CommandCodec.Request> requests;
        try {
          requests = end.readCommands();
        } catch (EOFException e) {
          throw new IOException("host closed before START", e);
        }
        for (CommandCodec.Request r : requests) {
          end.replyOk(r, r.opcode() == Opcode.START ? r.args().getInt(0) : 0);
          if (r.opcode() == Opcode.INFO) {
            end.write(kernel.helloFrame());
            end.write(kernel.metadataFrame());
          }
          streaming |= r.opcode() == Opcode.START;
        }
      }
      List<ByteBuffer> frames = new ArrayList<>();
      kernel.emitAndFlush(events, frames::add);
      for (int i = 0; i < frames.size(); i++) {
        ByteBuffer f = frames.get(i);
        if (i % 10 == 3) {
          end.write(ByteBuffer.wrap(new byte[] {0x55, (byte) 0xE1, (byte) 0xC3, 0x00, 0x13}));
        }
        if (i == 5) {
          ByteBuffer bad = ByteBuffer.allocate(f.remaining()).put(f.duplicate()).flip();
          bad.put(40, (byte) (bad.get(40) ^ 0x10));
          end.write(bad);
        }
        end.write(f);
      }
      done.complete(null);
    } catch (Throwable t) {
      done.completeExceptionally(t);
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
