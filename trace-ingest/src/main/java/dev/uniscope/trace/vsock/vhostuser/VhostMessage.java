package dev.uniscope.trace.vsock.vhostuser;

import java.util.List;

/**
 * A decoded front-end message. Messages that carry file descriptors own them until the handler
 * keeps or closes them ({@link #fds()}).
 */
public sealed interface VhostMessage {
  /** Descriptors received with the message, owned by it. */
  default int[] fds() {
    return new int[0];
  }

  record GetFeatures() implements VhostMessage {}

  record SetFeatures(long features) implements VhostMessage {}

  record SetOwner() implements VhostMessage {}

  record ResetOwner() implements VhostMessage {}

  record GetProtocolFeatures() implements VhostMessage {}

  record SetProtocolFeatures(long features) implements VhostMessage {}

  record GetQueueNum() implements VhostMessage {}

  /** SET_MEM_TABLE: regions and one fd per region, in the same order. */
  record SetMemTable(List<MemoryRegion> regions, int[] fds) implements VhostMessage {}

  /** SET_VRING_NUM / SET_VRING_BASE / GET_VRING_BASE / SET_VRING_ENABLE. */
  record VringState(Request request, int index, int num) implements VhostMessage {}

  /** SET_VRING_ADDR: front-end virtual addresses of the three ring areas. */
  record VringAddr(int index, int flags, long desc, long used, long avail, long log)
      implements VhostMessage {}

  /** SET_VRING_KICK / CALL / ERR: a ring index and an eventfd, or none ({@code fd} = -1). */
  record VringFd(Request request, int index, int fd) implements VhostMessage {
    @Override
    public int[] fds() {
      return fd >= 0 ? new int[] {fd} : new int[0];
    }
  }

  /** GET_CONFIG / SET_CONFIG. */
  record Config(Request request, int offset, int size, int flags, byte[] data)
      implements VhostMessage {}

  /** A request we do not implement (or do not offer): carries any fds so they get closed. */
  record Unsupported(int request, int[] fds) implements VhostMessage {}
}
