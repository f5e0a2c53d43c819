package dev.uniscope.trace.vsock.connect;

import dev.uniscope.trace.vsock.VsockConnection;
import java.io.IOException;

/** Opens host-to-guest vsock streams on one kind of hypervisor. */
public interface VsockConnector {
  /**
   * Connects to a port the guest listens on.
   *
   * @throws IllegalArgumentException for CID 2 (the host) and other reserved CIDs
   * @throws IOException with the address and the cause when the connection cannot be made
   */
  VsockConnection connect(VsockAddress guest) throws IOException;
}
