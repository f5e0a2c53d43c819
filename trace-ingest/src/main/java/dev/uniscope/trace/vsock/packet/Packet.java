package dev.uniscope.trace.vsock.packet;

/** A packet for the guest: a header and its payload ({@code header.len() == payload.length}). */
public record Packet(VsockHeader header, byte[] payload) {
  public Packet {
    if (header.len() != payload.length) {
      throw new IllegalArgumentException(
          "header len " + header.len() + " but payload " + payload.length);
    }
  }
}
