package dev.uniscope.trace.testkit;

import dev.uniscope.trace.command.CommandCodec;
import dev.uniscope.trace.command.Reply;
import dev.uniscope.trace.wire.FrameEncoder;
import dev.uniscope.trace.wire.FrameProblem;
import dev.uniscope.trace.wire.FrameSync;
import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.WireConstants;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's end of a connected data channel, for fakes that play the kernel: writes whole
 * buffers, reads the host's command frames and answers them with OK replies. Not thread-safe: one
 * fake thread owns it.
 */
public final class KernelEnd {
  private final SocketChannel ch;
  private final ByteBuffer in =
      ByteBuffer.allocate(2 * (WireConstants.FRAME_HEADER + WireConstants.MAX_PAYLOAD));
  private final FrameSync sync = new FrameSync();
  private int replySeq;

  /**
   * @param firstReplySeq the frame sequence number of the first reply (a fake's own range)
   */
  public KernelEnd(SocketChannel ch, int firstReplySeq) {
    this.ch = ch;
    this.replySeq = firstReplySeq;
  }

  /** Writes all of {@code b} (its position is left alone). */
  public void write(ByteBuffer b) throws IOException {
    ByteBuffer d = b.duplicate();
    while (d.hasRemaining()) {
      ch.write(d);
    }
  }

  /**
   * Reads once and returns the commands completed by what arrived, in order (none while a frame is
   * still partial).
   *
   * @throws EOFException when the host closed the channel
   */
  public List<CommandCodec.Request> readCommands() throws IOException {
    if (ch.read(in) < 0) {
      throw new EOFException("host closed the data channel");
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
    return requests;
  }

  /** Answers {@code r} with OK, {@code value} and the message "ok". */
  public void replyOk(CommandCodec.Request r, long value) throws IOException {
    reply(r, Reply.OK, value, "ok");
  }

  /** Answers {@code r} with {@code status} ({@link Reply#OK}, {@link Reply#BUSY}, ...). */
  public void reply(CommandCodec.Request r, int status, long value, String message)
      throws IOException {
    Reply reply = new Reply(r.requestId(), r.opcode(), status, value, message);
    write(
        FrameEncoder.encode(
            FrameType.REPLY, replySeq++, CommandCodec.encodeReply(reply, r.opcode().code())));
  }
}
