package dev.uniscope.trace.vsock.vhostuser;

import dev.uniscope.trace.vsock.ffm.NativeException;
import dev.uniscope.trace.vsock.packet.Packet;
import dev.uniscope.trace.vsock.packet.PacketEngine;
import dev.uniscope.trace.vsock.packet.PacketIo;
import dev.uniscope.trace.vsock.virtq.Chain;
import dev.uniscope.trace.vsock.virtq.GuestFault;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Moves packets between the two rings and the packet engine: tx chains in, rx buffers filled, call
 * eventfds signalled. Runs on the device thread with the device lock held. A guest fault stops only
 * the ring that saw it.
 */
final class QueueService {
  private static final int BATCH = 256;
  private static final int ROUNDS = 64;

  private final Vring[] rings;
  private final PacketEngine engine;
  private final BiConsumer<Vring, String> fault;
  private final Consumer<String> problems;

  /** {@code rings} is the device's array: entries are replaced on reset, so read it each time. */
  QueueService(
      Vring[] rings,
      PacketEngine engine,
      BiConsumer<Vring, String> fault,
      Consumer<String> problems) {
    this.rings = rings;
    this.engine = engine;
    this.fault = fault;
    this.problems = problems;
  }

  /** Alternates tx and rx batches until neither has more to do (bounded per call). */
  void run(long nowNanos) {
    boolean more = true;
    for (int round = 0; more && round < ROUNDS; round++) {
      boolean tx = serviceTx();
      boolean rx = serviceRx(nowNanos);
      more = tx || rx;
    }
  }

  private boolean serviceTx() {
    Vring r = rings[VsockDevice.TX];
    if (!r.runnable()) {
      return false;
    }
    int n = 0;
    try {
      Chain c;
      while (n < BATCH && engine.canReceive() && (c = r.queue.pop()) != null) {
        PacketIo.consume(c, engine, problems);
        r.queue.push(c, 0);
        n++;
      }
    } catch (GuestFault e) {
      fault.accept(r, e.getMessage());
    } catch (IllegalStateException | IndexOutOfBoundsException e) {
      fault.accept(r, "memory access failed: " + e.getMessage()); // defence in depth
    }
    if (n > 0) {
      notifyGuest(r);
    }
    return n == BATCH;
  }

  private boolean serviceRx(long nowNanos) {
    Vring r = rings[VsockDevice.RX];
    if (!r.runnable()) {
      return false;
    }
    int n = 0;
    try {
      Chain c;
      while (n < BATCH && engine.hasPacketForGuest() && (c = r.queue.pop()) != null) {
        int room = PacketIo.room(c);
        if (room < 0) {
          r.queue.push(c, 0);
          fault.accept(r, "rx buffer of " + c.totalBytes() + " bytes cannot hold a vsock header");
          break;
        }
        Packet p = engine.next(room, nowNanos);
        r.queue.push(c, p == null ? 0 : PacketIo.produce(c, p));
        n++;
      }
    } catch (GuestFault e) {
      fault.accept(r, e.getMessage());
    } catch (IllegalStateException | IndexOutOfBoundsException e) {
      fault.accept(r, "memory access failed: " + e.getMessage());
    }
    if (n > 0) {
      notifyGuest(r);
    }
    return n == BATCH;
  }

  private void notifyGuest(Vring r) {
    if (r.call != null && r.queue != null && r.queue.wantsInterrupt()) {
      try {
        r.call.signal();
      } catch (NativeException e) {
        problems.accept("cannot signal the call eventfd: " + e.getMessage());
      }
    }
  }
}
