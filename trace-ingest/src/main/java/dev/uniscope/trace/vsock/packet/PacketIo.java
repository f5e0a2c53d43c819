package dev.uniscope.trace.vsock.packet;

import dev.uniscope.trace.vsock.virtq.Chain;
import dev.uniscope.trace.vsock.virtq.ChainCursor;

/** Moves packets between descriptor chains and the engine, checking lengths against the chain. */
public final class PacketIo {
  private PacketIo() {}

  /**
   * Reads the packet in a tx chain and hands it to the engine. A chain too short for a header is
   * dropped; a header whose {@code len} is oversized or exceeds the chain is answered with RST.
   */
  public static void consume(
      Chain chain, PacketEngine engine, java.util.function.Consumer<String> problems) {
    ChainCursor cur = chain.cursor();
    byte[] hb = new byte[VsockHeader.BYTES];
    if (cur.read(hb, 0, hb.length) < hb.length) {
      problems.accept(
          "dropped a tx chain of " + chain.totalBytes() + " bytes: shorter than a header");
      return;
    }
    VsockHeader h = VsockHeader.decode(hb);
    long len = h.lenUnsigned();
    if (len > PacketEngine.MAX_PAYLOAD) {
      engine.reject(h, "payload length " + len + " exceeds " + PacketEngine.MAX_PAYLOAD);
      return;
    }
    if (len > chain.totalBytes() - VsockHeader.BYTES) {
      engine.reject(
          h, "payload length " + len + " exceeds the chain (" + chain.totalBytes() + " bytes)");
      return;
    }
    byte[] payload = new byte[(int) len];
    cur.read(payload, 0, payload.length);
    engine.receive(h, payload);
  }

  /** Writes a packet into an rx chain; returns the bytes written (header + payload). */
  public static long produce(Chain chain, Packet p) {
    ChainCursor cur = chain.cursor();
    cur.write(p.header().encode(), 0, VsockHeader.BYTES);
    cur.write(p.payload(), 0, p.payload().length);
    return cur.position();
  }

  /** Payload room in an rx chain, or -1 if it cannot hold a header. */
  public static int room(Chain chain) {
    long r = chain.totalBytes() - VsockHeader.BYTES;
    return r < 0 ? -1 : (int) Math.min(r, PacketEngine.MAX_PAYLOAD);
  }
}
