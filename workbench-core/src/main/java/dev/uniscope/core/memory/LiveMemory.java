package dev.uniscope.core.memory;

import dev.uniscope.gdbstub.rsp.AddressSpace;
import dev.uniscope.gdbstub.rsp.MonitorDump;
import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspException;
import dev.uniscope.gdbstub.rsp.StopEvent;
import dev.uniscope.gdbstub.rsp.ThreadId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The memory of a live VM through QEMU's gdb stub ({@link RspClient}): physical reads in QEMU's
 * physical-memory mode ({@code Qqemu.PhyMemMode}), pipelined in 2 KiB packets; virtual reads walk
 * the guest's page tables from the vCPU's CR3 with the same walker as dumps, then read the
 * physically contiguous runs in bulk. Physical reads are confined to the RAM and ROM QEMU reports
 * ({@link QemuMemoryTree}).
 *
 * <p>Reads need a stopped target (a running one is stopped by the stub on the first byte it
 * receives, which would go unnoticed). Stopping is the caller's job; {@link #whileStopped} does
 * stop, read, resume for a target this object resumed.
 */
public final class LiveMemory implements TargetMemory {
  private static final long CR0_PG = 1L << 31;
  private static final long CR4_LA57 = 1L << 12;

  private final RspClient client;
  private final PhysicalMap map;
  private final ThreadId cpu;
  private final Duration timeout;
  private final MemoryReader physical = this::readPhysical;
  private final VirtualReader virtual;
  private final Object runLock = new Object();
  private CompletableFuture<StopEvent> running;
  private volatile Long root;
  private volatile Path monitorDumpDirectory;

  /** Physical reads from this size up use {@code pmemsave} when enabled. */
  public static final int MONITOR_DUMP_THRESHOLD = 256 << 10;

  private LiveMemory(RspClient client, PhysicalMap map, ThreadId cpu, Duration timeout) {
    this.client = client;
    this.map = map;
    this.cpu = cpu;
    this.timeout = timeout;
    this.virtual = new VirtualReader(physical, this::pageTableRoot);
  }

  /**
   * Attaches to a connected, stopped stub: the physical map from {@code info mtree -f}, CR3 from
   * vCPU 0, the client's request timeout. The client stays the caller's to close.
   */
  public static LiveMemory attach(RspClient client) throws MemoryAccessException {
    Duration t = client.options().requestTimeout();
    String mtree;
    try {
      mtree = RspClient.await(client.monitor(QemuMemoryTree.COMMAND), t);
    } catch (RspException | IllegalStateException e) {
      throw new TargetAccessException(
          "'" + QemuMemoryTree.COMMAND + "' failed: " + e.getMessage(), e);
    }
    return new LiveMemory(client, QemuMemoryTree.parse(mtree), ThreadId.ofCpu(0), t);
  }

  /** Attaches with a known physical map, the vCPU whose CR3 to walk, and a per-read timeout. */
  public static LiveMemory attach(
      RspClient client, PhysicalMap map, ThreadId cpu, Duration timeout) {
    return new LiveMemory(
        Objects.requireNonNull(client),
        Objects.requireNonNull(map),
        Objects.requireNonNull(cpu),
        Objects.requireNonNull(timeout));
  }

  public RspClient client() {
    return client;
  }

  /**
   * Lets large physical reads (from {@link #MONITOR_DUMP_THRESHOLD}) go through QEMU's {@code
   * pmemsave} into a file in {@code privateDirectory} that is then mapped (gdbstub-client's {@link
   * MonitorDump}: an order of magnitude faster when QEMU runs on this host; pipelined RSP reads
   * remain the fallback). The directory should be private (0700): QEMU writes guest memory there.
   * Ranges are still checked against the physical map first.
   */
  public LiveMemory enableMonitorDumps(Path privateDirectory) {
    this.monitorDumpDirectory = Objects.requireNonNull(privateDirectory);
    return this;
  }

  @Override
  public MemoryReader physical() {
    return physical;
  }

  @Override
  public MemoryReader virtual() {
    return virtual;
  }

  /**
   * Virtual reads translated by QEMU itself (the stub's {@code m} packets, through the selected
   * vCPU's page tables). Faster for large ranges than the walk, but an unmapped page fails the
   * whole read, naming only the range; used to cross-check the walker.
   */
  public MemoryReader stubVirtual() {
    return (address, dst, offset, length) -> {
      MemoryReader.checkRange(address, length);
      Objects.checkFromIndexSize(offset, length, dst.length);
      try {
        RspClient.await(
            client.readMemory(AddressSpace.VIRTUAL, address, dst, offset, length),
            bulkTimeout(length));
      } catch (RspException.ErrorReply e) {
        throw new UnmappedAddressException(
            address, "the stub could not read 0x" + Integer.toHexString(length) + " bytes there");
      } catch (RspException | IllegalStateException e) {
        throw failed("virtual", address, length, e);
      }
    };
  }

  @Override
  public Translation translate(long virtualAddress) throws MemoryAccessException {
    return virtual.translate(virtualAddress);
  }

  /** CR3 of the vCPU, read once per stopped period and checked for 4-level paging. */
  @Override
  public long pageTableRoot() throws MemoryAccessException {
    Long r = root;
    if (r != null) {
      return r;
    }
    try {
      long cr0 = RspClient.await(client.readRegisterLong(cpu, "cr0"), timeout);
      long cr4 = RspClient.await(client.readRegisterLong(cpu, "cr4"), timeout);
      if ((cr0 & CR0_PG) == 0) {
        throw new TargetAccessException("vCPU " + cpu + " has paging off: no virtual memory", null);
      }
      if ((cr4 & CR4_LA57) != 0) {
        throw new TargetAccessException(
            "vCPU " + cpu + " uses 5-level paging, not supported", null);
      }
      r = RspClient.await(client.readRegisterLong(cpu, "cr3"), timeout);
    } catch (RspException | IllegalStateException e) {
      throw new TargetAccessException("reading CR3 of " + cpu + " failed: " + e.getMessage(), e);
    }
    root = r;
    return r;
  }

  @Override
  public PhysicalMap physicalMap() {
    return map;
  }

  @Override
  public String description() {
    return "live target (gdb stub, " + cpu + ")";
  }

  /** A read (or any work) to run while the target is stopped. */
  @FunctionalInterface
  public interface StoppedAction<T> {
    T run(LiveMemory memory) throws MemoryAccessException;
  }

  /**
   * Runs {@code action} with the target stopped: if this object resumed it, interrupts it and waits
   * for the stop, runs the action, and resumes it again (also when the action fails). A target that
   * is already stopped stays stopped.
   *
   * @throws IllegalStateException if the target was resumed by someone else (their resume future
   *     owns the stop; stop it there, or share the stub through the multiplexer)
   */
  public <T> T whileStopped(StoppedAction<T> action) throws MemoryAccessException {
    synchronized (runLock) {
      boolean wasRunning = running != null;
      if (!wasRunning && client.isRunning()) {
        throw new IllegalStateException(
            "the target was resumed by another user of this stub; stop it first");
      }
      if (wasRunning) {
        stop();
      }
      try {
        return action.run(this);
      } finally {
        if (wasRunning) {
          resume();
        }
      }
    }
  }

  /** Resumes the target; its page tables may change, so CR3 is read again after the next stop. */
  public void resume() throws TargetAccessException {
    synchronized (runLock) {
      if (running != null) {
        return;
      }
      root = null;
      try {
        running = client.resume();
      } catch (RspException | IllegalStateException e) {
        throw new TargetAccessException("resume failed: " + e.getMessage(), e);
      }
    }
  }

  /** Stops a target this object resumed and waits for the stop. */
  public StopEvent stop() throws TargetAccessException {
    synchronized (runLock) {
      if (running == null) {
        throw new IllegalStateException("not running (or not resumed through this object)");
      }
      CompletableFuture<StopEvent> r = running;
      running = null;
      client.interrupt();
      try {
        return RspClient.await(r, timeout);
      } catch (RspException | IllegalStateException e) {
        throw new TargetAccessException("stopping the target failed: " + e.getMessage(), e);
      }
    }
  }

  private void readPhysical(long address, byte[] dst, int offset, int length)
      throws MemoryAccessException {
    map.check(address, length);
    Objects.checkFromIndexSize(offset, length, dst.length);
    if (length == 0) {
      return;
    }
    Path dumps = monitorDumpDirectory;
    try {
      if (dumps != null && length >= MONITOR_DUMP_THRESHOLD) {
        byte[] b =
            RspClient.await(
                MonitorDump.read(client, AddressSpace.PHYSICAL, cpu, address, length, dumps),
                bulkTimeout(length));
        System.arraycopy(b, 0, dst, offset, length);
        return;
      }
      RspClient.await(
          client.readMemory(AddressSpace.PHYSICAL, address, dst, offset, length),
          bulkTimeout(length));
    } catch (RspException
        | IllegalStateException
        | IllegalArgumentException
        | java.io.UncheckedIOException e) {
      throw failed("physical", address, length, e);
    }
  }

  /** Each packet has the request timeout; the whole read also gets 1 ms per KiB. */
  private Duration bulkTimeout(int length) {
    return timeout.plusMillis(length / 1024);
  }

  private static TargetAccessException failed(
      String space, long address, int length, RuntimeException e) {
    return new TargetAccessException(
        "%s read of 0x%x bytes at 0x%x through the gdb stub failed: %s"
            .formatted(space, length, address, e.getMessage()),
        e);
  }

  /** Does not close the client: the caller that connected it owns it. */
  @Override
  public void close() {}
}
