package dev.uniscope.core.session;

import dev.uniscope.trace.vsock.VhostUserVsockBackend;
import dev.uniscope.trace.vsock.bridge.UnixPortExposer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The data channel over virtio-vsock ({@code --transport vsock}, boot option {@code data=vsock}):
 * trace-ingest's vhost-user-vsock back-end on a socket in the session's private directory, the QEMU
 * arguments that attach it (guest RAM a shared memfd of the VM's size), and guest port 5151 exposed
 * as a Unix socket so {@link DataChannel} connects exactly as to the COM2 chardev.
 */
final class VsockCarrier implements AutoCloseable {
  /** The guest's CID (the host is 2). */
  static final long GUEST_CID = 3;

  /** The kernel's data channel port (docs/protocol.md). */
  static final int DATA_PORT = 5151;

  /** The console line the kernel prints once it listens on {@link #DATA_PORT}. */
  static final String LISTENING = "trace: data channel: listening on vsock port " + DATA_PORT;

  /** The console line of a kernel that could not listen (no device, no vsock carrier). */
  static final String CANNOT = "trace: data=vsock:";

  private final VhostUserVsockBackend backend;
  private UnixPortExposer exposer;

  private VsockCarrier(VhostUserVsockBackend backend) {
    this.backend = backend;
  }

  /** Starts the back-end listening on {@code dir/vsock.sock} (dir: the session's 0700 dir). */
  static VsockCarrier start(Path dir) throws IOException {
    return new VsockCarrier(VhostUserVsockBackend.start(dir.resolve("vsock.sock"), GUEST_CID));
  }

  /** QEMU arguments: memfd RAM of {@code memory} (QEMU's -m), the vhost-user-vsock device. */
  List<String> qemuArgs(String memory) {
    return List.of(
        "-object",
        "memory-backend-memfd,id=mem,size=" + memory + ",share=on",
        "-machine",
        "memory-backend=mem",
        "-chardev",
        "socket,id=vu,path=" + backend.socketPath(),
        "-device",
        "vhost-user-vsock-pci,chardev=vu");
  }

  /** Exposes guest port 5151 at {@code path}: each client there gets a new vsock connection. */
  Path expose(Path path, Duration connectTimeout) throws IOException {
    exposer = UnixPortExposer.exposeGuestPort(backend, DATA_PORT, path, connectTimeout);
    return exposer.path();
  }

  /** The back-end's and the exposer's problems so far. */
  List<String> problems() {
    List<String> all = new java.util.ArrayList<>(backend.problems());
    if (exposer != null) {
      all.addAll(exposer.problems());
    }
    return all;
  }

  @Override
  public void close() throws IOException {
    try {
      if (exposer != null) {
        exposer.close();
      }
    } finally {
      backend.close();
    }
  }
}
