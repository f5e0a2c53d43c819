package dev.uniscope.trace.vsock;

/** Receives guest connections to a host port of the built-in backend. */
@FunctionalInterface
public interface VsockListener {
  /** Called on a backend thread per accepted connection; hand it off quickly. */
  void accepted(VsockConnection connection);
}
