package dev.uniscope.trace.vsock.vhostuser;

import dev.uniscope.trace.vsock.ffm.Libc;
import dev.uniscope.trace.vsock.ffm.UnixSocket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One front-end connection on the control socket: reads each message (exactly 12 header bytes, then
 * exactly {@code size} payload bytes, collecting SCM_RIGHTS fds), decodes it, applies it to the
 * device and sends the reply or REPLY_ACK status. A malformed message ends the session; the caller
 * resets the device.
 */
public final class ControlSession {
  /** Requests the front-end always waits a reply for. */
  private static final Set<Integer> ALWAYS_REPLIED = Set.of(1, 11, 15, 17, 24, 31, 36, 40);

  private final UnixSocket sock;
  private final VsockDevice device;
  private final Consumer<HandshakeEvent> log;
  private final Consumer<String> problems;
  private final BooleanSupplier closed;

  public ControlSession(
      UnixSocket sock,
      VsockDevice device,
      Consumer<HandshakeEvent> log,
      Consumer<String> problems,
      BooleanSupplier closed) {
    this.sock = sock;
    this.device = device;
    this.log = log;
    this.problems = problems;
    this.closed = closed;
  }

  /** Serves messages until the front-end hangs up (EOFException) or the backend closes. */
  public void run() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment hdr = arena.allocate(MessageHeader.BYTES);
      MemorySegment body = arena.allocate(MessageHeader.MAX_PAYLOAD);
      while (!closed.getAsBoolean()) {
        int[] fds = sock.readFully(hdr);
        try {
          MessageHeader h = MessageHeader.decode(hdr.toArray(ValueLayout.JAVA_BYTE));
          int[] more = sock.readFully(body.asSlice(0, h.size()));
          fds = concat(fds, more);
          byte[] payload = body.asSlice(0, h.size()).toArray(ValueLayout.JAVA_BYTE);
          VhostMessage m = MessageCodec.decode(h, payload, fds);
          fds = new int[0]; // owned by the message now
          log.accept(
              new HandshakeEvent(h.request(), h.flags(), h.size(), m.fds().length, detail(m)));
          dispatch(h, m);
        } finally {
          for (int fd : fds) {
            Libc.close(fd);
          }
        }
      }
    }
  }

  private void dispatch(MessageHeader h, VhostMessage m) throws IOException {
    boolean ack = h.needReply() && device.replyAckNegotiated();
    try {
      Optional<byte[]> reply = device.handle(m);
      if (reply.isPresent()) {
        byte[] r = reply.get();
        sock.send(concat(MessageHeader.reply(h.request(), r.length), r));
      } else if (ack) {
        sendAck(h, 0);
      }
    } catch (ProtocolException e) {
      problems.accept(h.describe() + " rejected: " + e.getMessage());
      if (ALWAYS_REPLIED.contains(h.request())) {
        // The front-end blocks on a reply we cannot give: hang up rather than hang it.
        throw e;
      }
      if (ack) {
        sendAck(h, 1);
      }
    }
  }

  private void sendAck(MessageHeader h, long status) throws IOException {
    byte[] v = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(status).array();
    sock.send(concat(MessageHeader.reply(h.request(), 8), v));
  }

  private static String detail(VhostMessage m) {
    return switch (m) {
      case VhostMessage.SetFeatures s -> "features 0x" + Long.toHexString(s.features());
      case VhostMessage.SetProtocolFeatures s -> "features 0x" + Long.toHexString(s.features());
      case VhostMessage.VringState s -> "index " + s.index() + " num " + s.num();
      case VhostMessage.VringAddr a -> "index " + a.index();
      case VhostMessage.VringFd f -> "index " + f.index() + (f.fd() >= 0 ? " fd" : " nofd");
      case VhostMessage.Config c -> "offset " + c.offset() + " size " + c.size();
      case VhostMessage.SetMemTable t ->
          t.regions().size()
              + " region(s) "
              + t.regions().stream()
                  .map(
                      r ->
                          "gpa 0x"
                              + Long.toHexString(r.guestPhysAddr())
                              + " size 0x"
                              + Long.toHexString(r.size()))
                  .toList();
      default -> "";
    };
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] r = new int[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
