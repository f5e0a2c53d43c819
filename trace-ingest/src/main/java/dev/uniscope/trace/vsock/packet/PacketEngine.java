package dev.uniscope.trace.vsock.packet;

import dev.uniscope.trace.vsock.VsockConnection;
import dev.uniscope.trace.vsock.VsockListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The vsock connection layer of the device, independent of virtqueues: takes the guest's packets
 * (tx), keeps the connection table and produces the packets for the guest (rx). Called only by the
 * device thread, which holds the device lock; connections synchronize with the application on their
 * own monitors.
 *
 * <p>Replies that must not be lost (RESPONSE, RST) go through a bounded queue; while it is full the
 * device stops taking tx packets, so a guest that posts no rx buffers cannot make us buffer without
 * bound (the spec's "no deadlock" rule is kept because tx resumes as rx drains).
 */
public final class PacketEngine {
  public static final long HOST_CID = 2;

  /** Largest payload in either direction (Linux's VIRTIO_VSOCK_MAX_PKT_BUF_SIZE). */
  public static final int MAX_PAYLOAD = 64 * 1024;

  private static final int CONTROL_CAPACITY = 256;

  /** Each connection holds up to 512 KiB of buffers: a guest cannot open more than this many. */
  public static final int MAX_CONNECTIONS = 64;

  private static final int FIRST_EPHEMERAL = 49152;

  private record Key(int hostPort, int guestPort) {}

  private final long guestCid;
  private final Runnable wakeup;
  private final Executor acceptExecutor;
  private final Consumer<String> problems;
  private final Map<Integer, VsockListener> listeners = new ConcurrentHashMap<>();

  /** In service order: a connection that just sent moves to the end (round robin). */
  private final Map<Key, StreamConnection> connections = new LinkedHashMap<>();

  private final Map<Key, CompletableFuture<VsockConnection>> connecting = new HashMap<>();
  private final ArrayDeque<Packet> control = new ArrayDeque<>();
  private final ArrayDeque<PendingConnect> connectRequests = new ArrayDeque<>();
  private int nextEphemeral = FIRST_EPHEMERAL;

  private record PendingConnect(int guestPort, CompletableFuture<VsockConnection> future) {}

  /**
   * @param wakeup tells the device thread there is work (data written, credit consumed)
   * @param acceptExecutor runs listener callbacks off the device thread
   * @param problems receives one line per rejected packet or reset connection
   */
  public PacketEngine(
      long guestCid, Runnable wakeup, Executor acceptExecutor, Consumer<String> problems) {
    this.guestCid = guestCid;
    this.wakeup = wakeup;
    this.acceptExecutor = acceptExecutor;
    this.problems = problems;
  }

  public long guestCid() {
    return guestCid;
  }

  public void listen(int port, VsockListener listener) {
    listeners.put(port, listener);
  }

  public void unlisten(int port) {
    listeners.remove(port);
  }

  /** Queues a host-initiated connection to {@code guestPort}; the device thread sends it. */
  public void connect(int guestPort, CompletableFuture<VsockConnection> future) {
    connectRequests.add(new PendingConnect(guestPort, future));
  }

  /** Room for the replies one more tx packet may cause. */
  public boolean canReceive() {
    return control.size() < CONTROL_CAPACITY;
  }

  public int connectionCount() {
    return connections.size();
  }

  /** One packet from the guest, already bounds-checked against its chain. */
  public void receive(VsockHeader h, byte[] payload) {
    if (h.dstCid() != HOST_CID || h.srcCid() != guestCid) {
      problems.accept("dropped " + h.describe() + ": expected " + guestCid + " -> " + HOST_CID);
      return;
    }
    Key key = new Key(h.dstPort(), h.srcPort());
    StreamConnection c = connections.get(key);
    var op = Op.of(h.op());
    if (op.isPresent() && op.get() == Op.RST) {
      if (c != null) {
        end(key, c, "reset by the guest");
      }
      failConnect(key, "refused by the guest (RST)");
      return;
    }
    if (h.type() != VsockHeader.TYPE_STREAM || op.isEmpty()) {
      reset(h, key, c, "unsupported type " + h.type() + " or op " + h.op());
      return;
    }
    if (op.get() != Op.RW && h.len() != 0) {
      reset(h, key, c, "payload on a " + op.get() + " packet");
      return;
    }
    if (op.get() == Op.REQUEST) {
      request(h, key, c);
      return;
    }
    if (c == null) {
      reset(h, key, null, "no such connection");
      return;
    }
    c.peerCredit(h.bufAlloc(), h.fwdCnt());
    switch (op.get()) {
      case RESPONSE -> {
        if (c.state() != StreamConnection.State.CONNECTING) {
          reset(h, key, c, "RESPONSE on an established connection");
        } else {
          c.established();
          var f = connecting.remove(key);
          if (f != null) {
            acceptExecutor.execute(() -> f.complete(c));
          }
        }
      }
      case RW -> {
        if (c.state() == StreamConnection.State.CONNECTING) {
          reset(h, key, c, "data before RESPONSE");
        } else if (!c.deliver(payload)) {
          reset(h, key, c, "credit violation: " + payload.length + " bytes beyond buf_alloc");
        }
      }
      case CREDIT_REQUEST -> c.creditRequested();
      case CREDIT_UPDATE -> {} // credit already taken above
      case SHUTDOWN -> {
        if (c.peerShutdown(h.flags())) {
          control.add(c.control(Op.RST));
          end(key, c, "closed by the guest");
        }
      }
      default -> reset(h, key, c, "unexpected " + op.get());
    }
  }

  private void request(VsockHeader h, Key key, StreamConnection existing) {
    if (existing != null) {
      reset(h, key, existing, "REQUEST for an existing connection");
      return;
    }
    VsockListener l = listeners.get(h.dstPort());
    if (l == null) {
      reset(h, key, null, "nothing listens on host port " + Integer.toUnsignedString(h.dstPort()));
      return;
    }
    if (connections.size() >= MAX_CONNECTIONS) {
      reset(h, key, null, "connection limit " + MAX_CONNECTIONS + " reached");
      return;
    }
    StreamConnection c =
        new StreamConnection(
            h.dstPort(), h.srcPort(), guestCid, StreamConnection.State.ESTABLISHED, wakeup);
    c.peerCredit(h.bufAlloc(), h.fwdCnt());
    connections.put(key, c);
    control.add(c.control(Op.RESPONSE));
    acceptExecutor.execute(() -> l.accepted(c));
  }

  /** Answers a bad packet with RST (never an RST with an RST) and ends its connection. */
  private void reset(VsockHeader h, Key key, StreamConnection c, String why) {
    problems.accept("reset " + h.describe() + ": " + why);
    if (c != null) {
      end(key, c, why);
    }
    failConnect(key, why);
    if (Op.of(h.op()).orElse(null) != Op.RST) {
      control.add(
          new Packet(
              new VsockHeader(
                  HOST_CID,
                  guestCid,
                  h.dstPort(),
                  h.srcPort(),
                  0,
                  VsockHeader.TYPE_STREAM,
                  (short) Op.RST.code(),
                  0,
                  0,
                  0),
              new byte[0]));
    }
  }

  /** A malformed packet whose header could be read: reset that connection. */
  public void reject(VsockHeader h, String why) {
    Key key = new Key(h.dstPort(), h.srcPort());
    if (h.dstCid() != HOST_CID || h.srcCid() != guestCid) {
      problems.accept("dropped " + h.describe() + ": " + why);
      return;
    }
    reset(h, key, connections.get(key), why);
  }

  private void end(Key key, StreamConnection c, String why) {
    c.end(why);
    connections.remove(key, c);
  }

  private void failConnect(Key key, String why) {
    var f = connecting.remove(key);
    if (f != null) {
      f.completeExceptionally(new java.io.IOException("vsock connect failed: " + why));
    }
  }

  /** Whether {@link #next} would produce a packet. */
  public boolean hasPacketForGuest() {
    if (!control.isEmpty() || !connectRequests.isEmpty()) {
      return true;
    }
    for (StreamConnection c : connections.values()) {
      if (c.hasWork()) {
        return true;
      }
    }
    return false;
  }

  /** The next packet for the guest with at most {@code maxPayload} payload bytes, or null. */
  public Packet next(int maxPayload, long nowNanos) {
    Packet p = control.poll();
    if (p != null) {
      return p;
    }
    PendingConnect pc = connectRequests.poll();
    if (pc != null) {
      return startConnect(pc);
    }
    int limit = Math.min(maxPayload, MAX_PAYLOAD);
    for (var e : connections.entrySet()) {
      p = e.getValue().next(limit, nowNanos);
      if (p != null) {
        Key k = e.getKey();
        StreamConnection c = connections.remove(k);
        connections.put(k, c);
        return p;
      }
    }
    return null;
  }

  private Packet startConnect(PendingConnect pc) {
    int port = allocatePort(pc.guestPort());
    Key key = new Key(port, pc.guestPort());
    StreamConnection c =
        new StreamConnection(
            port, pc.guestPort(), guestCid, StreamConnection.State.CONNECTING, wakeup);
    connections.put(key, c);
    connecting.put(key, pc.future());
    return c.control(Op.REQUEST);
  }

  private int allocatePort(int guestPort) {
    for (int i = 0; i < 16384; i++) {
      int p = nextEphemeral;
      nextEphemeral = nextEphemeral == 65535 ? FIRST_EPHEMERAL : nextEphemeral + 1;
      if (!listeners.containsKey(p) && !connections.containsKey(new Key(p, guestPort))) {
        return p;
      }
    }
    throw new IllegalStateException("no free host port for a connection to " + guestPort);
  }

  /** Resets connections whose SHUTDOWN was not answered in time. */
  public void expire(long nowNanos) {
    List<Key> dead = new ArrayList<>();
    for (var e : connections.entrySet()) {
      if (e.getValue().closingExpired(nowNanos)) {
        dead.add(e.getKey());
      }
    }
    for (Key k : dead) {
      StreamConnection c = connections.get(k);
      if (canReceive()) {
        control.add(c.control(Op.RST));
      }
      end(k, c, "no RST after SHUTDOWN");
    }
  }

  /** The device went away (front-end reset or disconnect): every connection ends. */
  public void resetAll(String why) {
    for (Iterator<Map.Entry<Key, StreamConnection>> it = connections.entrySet().iterator();
        it.hasNext(); ) {
      it.next().getValue().end(why);
      it.remove();
    }
    connecting.values().forEach(f -> f.completeExceptionally(new java.io.IOException(why)));
    connecting.clear();
    connectRequests.forEach(p -> p.future().completeExceptionally(new java.io.IOException(why)));
    connectRequests.clear();
    control.clear();
  }
}
