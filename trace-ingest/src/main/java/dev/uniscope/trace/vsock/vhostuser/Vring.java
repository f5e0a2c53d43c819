package dev.uniscope.trace.vsock.vhostuser;

import dev.uniscope.trace.vsock.ffm.EventFd;
import dev.uniscope.trace.vsock.virtq.SplitQueue;

/**
 * What the front-end has told us about one ring, and the live queue once it can run. Guarded by the
 * device lock.
 */
final class Vring {
  final int index;
  int num;
  VhostMessage.VringAddr addr;
  int base;
  EventFd kick;
  boolean kickPolled;
  EventFd call;
  EventFd err;
  boolean enabled;
  boolean enableSeen;
  boolean started;
  SplitQueue queue;
  String fault;

  Vring(int index) {
    this.index = index;
  }

  /** Runnable: started (kicked or kick fd set), enabled, configured and not faulted. */
  boolean runnable() {
    return started && (enabled || !enableSeen) && queue != null && fault == null;
  }
}
