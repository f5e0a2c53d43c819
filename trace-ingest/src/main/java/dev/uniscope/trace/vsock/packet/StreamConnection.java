package dev.uniscope.trace.vsock.packet;

import dev.uniscope.trace.vsock.VsockConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * One guest stream with its credit accounting. The packet engine (device thread) feeds it and
 * drains it; the application reads and writes through blocking streams. Guarded by its own monitor,
 * always taken after the engine's lock, never before it.
 *
 * <p>Credit (virtio-vsock §5.10.6.3): we advertise {@link #BUF_ALLOC}; the guest may have at most
 * {@code BUF_ALLOC - (rxCnt - fwdCnt)} unread bytes in flight. We send at most {@code peerBufAlloc
 * - (txCnt - peerFwdCnt)} bytes. All counters are free-running u32.
 */
final class StreamConnection implements VsockConnection {
  enum State {
    CONNECTING,
    ESTABLISHED,
    CLOSING,
    CLOSED
  }

  static final int BUF_ALLOC = 256 * 1024;
  private static final int OUT_CAPACITY = 256 * 1024;

  final int hostPort;
  final int guestPort;
  private final long guestCid;
  private final Runnable wakeup;
  private final ByteRing in = new ByteRing(BUF_ALLOC);
  private final ByteRing out = new ByteRing(OUT_CAPACITY);
  private State state;
  private int rxCnt;
  private int fwdCnt;
  private int advertisedFwdCnt;
  private boolean creditRequested;
  private int peerBufAlloc;
  private int peerFwdCnt;
  private int txCnt;
  private boolean peerSendDone;
  private boolean peerRecvDone;
  private boolean appClosed;
  private boolean shutdownSent;
  private long closingDeadline;
  private String endReason;

  StreamConnection(int hostPort, int guestPort, long guestCid, State initial, Runnable wakeup) {
    this.hostPort = hostPort;
    this.guestPort = guestPort;
    this.guestCid = guestCid;
    this.state = initial;
    this.wakeup = Objects.requireNonNull(wakeup);
  }

  synchronized State state() {
    return state;
  }

  synchronized void established() {
    if (state == State.CONNECTING) {
      state = State.ESTABLISHED;
    }
  }

  /** Every packet from the guest carries its current credit. */
  synchronized void peerCredit(int bufAlloc, int fwdCnt) {
    boolean grew = bufAlloc != peerBufAlloc || fwdCnt != peerFwdCnt;
    peerBufAlloc = bufAlloc;
    peerFwdCnt = fwdCnt;
    if (grew) {
      notifyAll();
    }
  }

  /** Payload from the guest; false if it exceeds the credit we gave (the caller resets). */
  synchronized boolean deliver(byte[] payload) {
    if (state == State.CLOSED || appClosed || peerSendDone) {
      return true; // nobody will read it; the stream is going away anyway
    }
    long unread = Integer.toUnsignedLong(rxCnt - fwdCnt);
    if (payload.length > BUF_ALLOC - unread) {
      return false;
    }
    in.put(payload, 0, payload.length);
    rxCnt += payload.length;
    notifyAll();
    return true;
  }

  synchronized void creditRequested() {
    creditRequested = true;
  }

  /** SHUTDOWN flags from the guest; true when both directions are now closed by the peer. */
  synchronized boolean peerShutdown(int flags) {
    peerSendDone |= (flags & VsockHeader.SHUTDOWN_SEND) != 0;
    peerRecvDone |= (flags & VsockHeader.SHUTDOWN_RCV) != 0;
    if (peerRecvDone) {
      out.clear();
    }
    notifyAll();
    return peerSendDone && peerRecvDone;
  }

  /** The connection is over (RST, reset, timeout); unread inbound data stays readable. */
  synchronized void end(String reason) {
    if (state != State.CLOSED) {
      state = State.CLOSED;
      endReason = reason;
      out.clear();
      notifyAll();
    }
  }

  synchronized String endReason() {
    return endReason;
  }

  private long peerFree() {
    long inFlight = Integer.toUnsignedLong(txCnt - peerFwdCnt);
    long alloc = Integer.toUnsignedLong(peerBufAlloc);
    return Math.max(0, alloc - inFlight);
  }

  /** What the device should send next on this connection, or null if nothing. */
  synchronized Packet next(int maxPayload, long nowNanos) {
    if (state == State.ESTABLISHED) {
      int n = (int) Math.min(Math.min(out.size(), peerFree()), maxPayload);
      if (n > 0) {
        byte[] data = new byte[n];
        out.take(data, 0, n);
        txCnt += n;
        notifyAll();
        return packet(Op.RW, 0, data);
      }
      if (creditRequested || creditUpdateDue()) {
        creditRequested = false;
        return packet(Op.CREDIT_UPDATE, 0, new byte[0]);
      }
      if (appClosed && out.size() == 0 && !shutdownSent) {
        shutdownSent = true;
        state = State.CLOSING;
        closingDeadline = nowNanos + 2_000_000_000L;
        return packet(
            Op.SHUTDOWN, VsockHeader.SHUTDOWN_RCV | VsockHeader.SHUTDOWN_SEND, new byte[0]);
      }
    }
    return null;
  }

  /** CLOSING with no RST from the guest in time: the engine resets it. */
  synchronized boolean closingExpired(long nowNanos) {
    return state == State.CLOSING && nowNanos - closingDeadline > 0;
  }

  synchronized boolean hasWork() {
    if (state != State.ESTABLISHED) {
      return false;
    }
    return (out.size() > 0 && peerFree() > 0)
        || creditRequested
        || creditUpdateDue()
        || (appClosed && out.size() == 0 && !shutdownSent);
  }

  /** After the app has consumed a quarter of the buffer since the last advertisement. */
  private boolean creditUpdateDue() {
    return Integer.toUnsignedLong(fwdCnt - advertisedFwdCnt) >= BUF_ALLOC / 4;
  }

  private Packet packet(Op op, int flags, byte[] payload) {
    advertisedFwdCnt = fwdCnt;
    return new Packet(
        new VsockHeader(
            PacketEngine.HOST_CID,
            guestCid,
            hostPort,
            guestPort,
            payload.length,
            VsockHeader.TYPE_STREAM,
            (short) op.code(),
            flags,
            BUF_ALLOC,
            fwdCnt),
        payload);
  }

  /** A control packet for this connection (REQUEST, RESPONSE, RST) with current credit. */
  synchronized Packet control(Op op) {
    return packet(op, 0, new byte[0]);
  }

  // ---- application side ----

  private final InputStream input =
      new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          Objects.checkFromIndexSize(off, len, b.length);
          if (len == 0) {
            return 0;
          }
          synchronized (StreamConnection.this) {
            while (in.size() == 0) {
              if (state == State.CLOSED || peerSendDone || appClosed) {
                return -1;
              }
              waitInterruptibly();
            }
            int n = in.take(b, off, len);
            fwdCnt += n;
            if (creditUpdateDue()) {
              wakeup.run();
            }
            return n;
          }
        }

        @Override
        public int available() {
          synchronized (StreamConnection.this) {
            return in.size();
          }
        }
      };

  private final OutputStream output =
      new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          Objects.checkFromIndexSize(off, len, b.length);
          int done = 0;
          synchronized (StreamConnection.this) {
            while (done < len) {
              if (state == State.CLOSED || peerRecvDone || appClosed || shutdownSent) {
                throw new IOException(
                    "vsock connection "
                        + describe()
                        + " is closed"
                        + (endReason != null ? ": " + endReason : ""));
              }
              int n = out.put(b, off + done, len - done);
              done += n;
              if (n > 0) {
                wakeup.run();
              } else {
                waitInterruptibly();
              }
            }
          }
        }
      };

  private void waitInterruptibly() throws InterruptedIOException {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting on vsock connection " + describe());
    }
  }

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public java.util.OptionalInt hostPort() {
    return java.util.OptionalInt.of(hostPort);
  }

  @Override
  public String describe() {
    return "guest "
        + guestCid
        + ":"
        + Integer.toUnsignedString(guestPort)
        + " <-> host "
        + Integer.toUnsignedString(hostPort);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (appClosed) {
        return;
      }
      appClosed = true;
      notifyAll();
    }
    wakeup.run();
  }
}
