package dev.uniscope.trace.vsock.virtq;

/**
 * The guest (or front-end) handed the device something invalid: an address outside guest memory, a
 * bad index, a looping chain. The queue that saw it stops; the backend keeps running.
 */
public final class GuestFault extends Exception {
  public GuestFault(String message) {
    super(message);
  }
}
