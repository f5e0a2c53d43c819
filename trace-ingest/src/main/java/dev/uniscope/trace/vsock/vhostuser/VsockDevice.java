package dev.uniscope.trace.vsock.vhostuser;

import dev.uniscope.trace.vsock.ffm.EventFd;
import dev.uniscope.trace.vsock.ffm.Libc;
import dev.uniscope.trace.vsock.ffm.NativeException;
import dev.uniscope.trace.vsock.packet.PacketEngine;
import dev.uniscope.trace.vsock.virtq.GuestFault;
import dev.uniscope.trace.vsock.virtq.SplitQueue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The vhost-user vsock device: applies control messages (under the device lock) and runs the rx and
 * tx queues (on the device thread, under the same lock). Queue 0 is rx, queue 1 is tx; the event
 * queue stays in QEMU. A guest fault stops only the queue that saw it; the front-end restarts it
 * with new SET_VRING_* messages.
 */
public final class VsockDevice {
  public static final int RX = 0;
  public static final int TX = 1;

  private final ReentrantLock lock = new ReentrantLock();
  private final long guestCid;
  private final PacketEngine engine;
  private final EventFd wakeup;
  private final Consumer<String> problems;
  private final Vring[] rings = {new Vring(RX), new Vring(TX)};
  private final List<EventFd> retired = new ArrayList<>();
  private final QueueService queues;
  private MemoryTable memory;
  private long features;
  private long protocolFeatures;

  public VsockDevice(
      long guestCid, PacketEngine engine, EventFd wakeup, Consumer<String> problems) {
    this.guestCid = guestCid;
    this.engine = engine;
    this.wakeup = wakeup;
    this.problems = problems;
    this.queues = new QueueService(rings, engine, this::fault, problems);
  }

  public ReentrantLock lock() {
    return lock;
  }

  public PacketEngine engine() {
    return engine;
  }

  /** Handles one control message; returns the reply payload if the message has one. */
  public Optional<byte[]> handle(VhostMessage m) throws ProtocolException {
    lock.lock();
    try {
      return apply(m);
    } finally {
      lock.unlock();
      wake();
    }
  }

  private Optional<byte[]> apply(VhostMessage m) throws ProtocolException {
    switch (m) {
      case VhostMessage.GetFeatures g -> {
        return Optional.of(u64(Features.OFFERED));
      }
      case VhostMessage.SetFeatures s -> {
        if ((s.features() & ~Features.OFFERED) != 0) {
          throw new ProtocolException(
              "SET_FEATURES 0x" + Long.toHexString(s.features()) + " has bits we did not offer");
        }
        features = s.features();
      }
      case VhostMessage.GetProtocolFeatures g -> {
        return Optional.of(u64(Features.PROTOCOL_OFFERED));
      }
      case VhostMessage.SetProtocolFeatures s -> {
        if ((s.features() & ~Features.PROTOCOL_OFFERED) != 0) {
          throw new ProtocolException(
              "SET_PROTOCOL_FEATURES 0x" + Long.toHexString(s.features()) + " not offered");
        }
        protocolFeatures = s.features();
      }
      case VhostMessage.GetQueueNum g -> {
        return Optional.of(u64(2));
      }
      case VhostMessage.SetOwner s -> {}
      case VhostMessage.ResetOwner r -> reset("RESET_OWNER");
      case VhostMessage.SetMemTable t -> setMemTable(t);
      case VhostMessage.VringState s -> {
        return vringState(s);
      }
      case VhostMessage.VringAddr a -> {
        Vring r = ring(a.index());
        r.addr = a;
        rebuild(r);
      }
      case VhostMessage.VringFd f -> vringFd(f);
      case VhostMessage.Config c -> {
        return config(c);
      }
      case VhostMessage.Unsupported u -> {
        for (int fd : u.fds()) {
          Libc.close(fd);
        }
        throw new ProtocolException("unsupported " + Request.describe(u.request()));
      }
    }
    return Optional.empty();
  }

  private Vring ring(int index) throws ProtocolException {
    if (index < 0 || index >= rings.length) {
      throw new ProtocolException("vring index " + index + " (only 0 rx and 1 tx are ours)");
    }
    return rings[index];
  }

  private void setMemTable(VhostMessage.SetMemTable t) throws ProtocolException {
    MemoryTable next = MemoryTable.map(t.regions(), t.fds());
    MemoryTable old = memory;
    memory = next;
    for (Vring r : rings) {
      r.fault = null;
      rebuild(r);
    }
    if (old != null) {
      old.close(); // no queue uses it any more: they were rebuilt on the new table
    }
  }

  private Optional<byte[]> vringState(VhostMessage.VringState s) throws ProtocolException {
    Vring r = ring(s.index());
    switch (s.request()) {
      case SET_VRING_NUM -> {
        try {
          SplitQueue.checkSize(s.num());
        } catch (GuestFault e) {
          throw new ProtocolException("SET_VRING_NUM: " + e.getMessage());
        }
        r.num = s.num();
        rebuild(r);
      }
      case SET_VRING_BASE -> {
        if (s.num() < 0 || s.num() > 0xffff) {
          throw new ProtocolException("SET_VRING_BASE " + s.num() + " is not a u16 index");
        }
        r.queue = null; // an explicit base replaces the running position
        r.base = s.num();
        rebuild(r);
      }
      case GET_VRING_BASE -> {
        int next = r.queue != null ? r.queue.lastAvail() : r.base;
        r.started = false;
        r.base = next;
        r.queue = null;
        if (r.kick != null) {
          retired.add(r.kick);
          r.kick = null;
        }
        // A stopped device (guest reset, reboot, shutdown) ends every stream.
        engine.resetAll("the front-end stopped the device");
        return Optional.of(
            ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(s.index())
                .putInt(next)
                .array());
      }
      case SET_VRING_ENABLE -> {
        r.enableSeen = true;
        r.enabled = s.num() != 0;
      }
      default -> throw new ProtocolException("not a vring state request: " + s.request());
    }
    return Optional.empty();
  }

  private void vringFd(VhostMessage.VringFd f) throws ProtocolException {
    Vring r;
    try {
      r = ring(f.index());
    } catch (ProtocolException e) {
      Libc.close(f.fd());
      throw e;
    }
    if (f.fd() >= 0 && !EventFd.isEventFd(f.fd())) {
      Libc.close(f.fd());
      throw new ProtocolException(f.request() + " for ring " + f.index() + " is not an eventfd");
    }
    EventFd fd = f.fd() >= 0 ? new EventFd(f.fd()) : null;
    switch (f.request()) {
      case SET_VRING_KICK -> {
        if (r.kick != null) {
          retired.add(r.kick);
        }
        r.kick = fd;
        r.kickPolled = fd == null;
        r.started = true;
        r.fault = null;
        rebuild(r);
      }
      case SET_VRING_CALL -> {
        if (r.call != null) {
          r.call.close();
        }
        r.call = fd;
      }
      case SET_VRING_ERR -> {
        if (r.err != null) {
          r.err.close();
        }
        r.err = fd;
      }
      default -> throw new ProtocolException("not a vring fd request: " + f.request());
    }
  }

  /**
   * Re-translates a ring on the current memory table; a bad address faults only this ring. A ring
   * that is running keeps its position (a new memory table may arrive while the guest runs).
   */
  private void rebuild(Vring r) {
    if (r.queue != null) {
      r.base = r.queue.lastAvail();
    }
    r.queue = null;
    if (memory == null || r.addr == null || r.num == 0) {
      return;
    }
    try {
      var a = r.addr;
      r.queue =
          SplitQueue.create(
              r.num,
              memory.uva(a.desc(), SplitQueue.descBytes(r.num)),
              memory.uva(a.avail(), SplitQueue.availBytes(r.num)),
              memory.uva(a.used(), SplitQueue.usedBytes(r.num)),
              memory,
              r.index == RX
                  ? SplitQueue.Direction.DEVICE_WRITES
                  : SplitQueue.Direction.DEVICE_READS,
              r.base);
    } catch (GuestFault e) {
      fault(r, e.getMessage());
    }
  }

  private Optional<byte[]> config(VhostMessage.Config c) {
    if (c.request() == Request.SET_CONFIG) {
      return Optional.empty(); // guest_cid is read-only
    }
    byte[] space = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(guestCid).array();
    byte[] data = new byte[c.size()];
    long off = Integer.toUnsignedLong(c.offset());
    for (int i = 0; i < data.length; i++) {
      data[i] = off + i < space.length ? space[(int) (off + i)] : 0;
    }
    return Optional.of(
        ByteBuffer.allocate(12 + data.length)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(c.offset())
            .putInt(c.size())
            .putInt(c.flags())
            .put(data)
            .array());
  }

  private static byte[] u64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  public boolean replyAckNegotiated() {
    lock.lock();
    try {
      return (protocolFeatures & Features.PROTOCOL_F_REPLY_ACK) != 0;
    } finally {
      lock.unlock();
    }
  }

  public long negotiatedFeatures() {
    lock.lock();
    try {
      return features;
    } finally {
      lock.unlock();
    }
  }

  /** The front-end went away or reset us: all state goes, every connection ends. */
  public void reset(String why) {
    lock.lock();
    try {
      engine.resetAll(why);
      for (int i = 0; i < rings.length; i++) {
        Vring r = rings[i];
        if (r.kick != null) {
          retired.add(r.kick);
        }
        if (r.call != null) {
          r.call.close();
        }
        if (r.err != null) {
          r.err.close();
        }
        rings[i] = new Vring(i);
      }
      if (memory != null) {
        memory.close();
        memory = null;
      }
      features = 0;
      protocolFeatures = 0;
    } finally {
      lock.unlock();
      wake();
    }
  }

  void fault(Vring r, String why) {
    r.fault = why;
    problems.accept((r.index == RX ? "rx" : "tx") + " queue stopped: " + why);
  }

  /** Why a ring stopped, if it did. */
  public Optional<String> fault(int index) {
    lock.lock();
    try {
      return Optional.ofNullable(rings[index].fault);
    } finally {
      lock.unlock();
    }
  }

  public void wake() {
    try {
      wakeup.signal();
    } catch (NativeException e) {
      problems.accept("cannot wake the device thread: " + e.getMessage());
    }
  }

  // ---- device thread ----

  /** The fds the device thread waits on: the wakeup, then each runnable ring's kick. */
  public int[] pollSet() {
    lock.lock();
    try {
      retired.forEach(EventFd::close);
      retired.clear();
      List<Integer> fds = new ArrayList<>();
      fds.add(wakeup.fd());
      for (Vring r : rings) {
        if (r.kick != null && r.fault == null) {
          fds.add(r.kick.fd());
        }
      }
      return fds.stream().mapToInt(Integer::intValue).toArray();
    } finally {
      lock.unlock();
    }
  }

  /** Whether any ring is polled (no kick fd): then the thread must not sleep long. */
  public boolean polledRings() {
    lock.lock();
    try {
      return rings[RX].kickPolled || rings[TX].kickPolled;
    } finally {
      lock.unlock();
    }
  }

  /** One round: drain the kicks, take tx packets, fill rx buffers, signal calls. */
  public void service(long nowNanos) {
    lock.lock();
    try {
      wakeup.drain();
      for (Vring r : rings) {
        if (r.kick != null) {
          r.kick.drainIfReady();
        }
      }
      engine.expire(nowNanos);
      queues.run(nowNanos);
    } catch (NativeException e) {
      problems.accept("device thread: " + e.getMessage());
    } finally {
      lock.unlock();
    }
  }
}
