package dev.uniscope.gdbstub.rsp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Large reads without the wire: when QEMU runs on this host, its monitor ({@code pmemsave} for
 * physical, {@code memsave} for virtual addresses, sent through {@code qRcmd}) writes guest memory
 * straight into a file that we then map. RSP reads remain the fallback.
 */
public final class MonitorDump {

  /** HMP splits its arguments on spaces and has its own quoting; allow only plain paths. */
  private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9/._-]{1,1000}");

  private static final AtomicLong SEQ = new AtomicLong();

  private MonitorDump() {}

  /** A guest memory range mapped from the file QEMU wrote; closing unmaps and deletes it. */
  public record Mapped(Path file, MemorySegment data, Arena arena) implements AutoCloseable {
    public byte[] toArray() {
      return data.toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void close() {
      arena.close();
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A private (0700) directory for dump files. */
  public static Path privateDirectory() throws IOException {
    return Files.createTempDirectory(
        "uniscope-dump",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  /**
   * Asks QEMU to save {@code length} bytes at {@code address} into a file in {@code dir} and maps
   * it. For virtual addresses the page tables of vCPU {@code thread} are used.
   */
  public static CompletableFuture<Mapped> save(
      RspClient client, AddressSpace space, ThreadId thread, long address, long length, Path dir) {
    if (length <= 0) {
      throw new IllegalArgumentException("length must be positive");
    }
    Path file =
        dir.toAbsolutePath()
            .resolve("mem-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet() + ".bin");
    if (!SAFE_PATH.matcher(file.toString()).matches()) {
      throw new IllegalArgumentException("dump path unsuitable for the QEMU monitor: " + file);
    }
    // Writing locally runs at GB/s; allow 20 MB/s on a very loaded host before timing out.
    Duration timeout = client.options().requestTimeout().plusMillis(length / 20_000);
    // Quoted: unquoted, the size expression would swallow "/tmp" as a division.
    String args = "0x" + Long.toHexString(address) + " " + length + " \"" + file + "\"";
    CompletableFuture<String> out;
    if (space == AddressSpace.PHYSICAL) {
      out = client.monitor("pmemsave " + args, timeout);
    } else {
      int cpu = Math.max(0, thread.cpuIndex());
      out =
          client.monitor("cpu " + cpu).thenCompose(o -> client.monitor("memsave " + args, timeout));
    }
    return out.thenApply(
        text -> {
          try {
            if (!text.isBlank() || !Files.isRegularFile(file) || Files.size(file) != length) {
              Files.deleteIfExists(file);
              throw new RspException(
                  "QEMU did not save memory to "
                      + file
                      + (text.isBlank() ? " (is QEMU on another host?)" : ": " + text.strip()));
            }
            Arena arena = Arena.ofShared();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
              return new Mapped(
                  file, ch.map(FileChannel.MapMode.READ_ONLY, 0, length, arena), arena);
            } catch (IOException | RuntimeException e) {
              arena.close();
              throw e;
            }
          } catch (IOException e) {
            throw new RspException("cannot map the dump " + file + ": " + e.getMessage(), e);
          }
        });
  }

  /**
   * Reads memory the fastest way available: a monitor dump when the stub is local, falling back to
   * pipelined RSP reads if that fails.
   */
  public static CompletableFuture<byte[]> read(
      RspClient client, AddressSpace space, ThreadId thread, long address, int length, Path dir) {
    if (!client.connection().endpoint().isLocal()) {
      return client.readMemory(space, address, length);
    }
    return save(client, space, thread, address, length, dir)
        .thenApply(
            m -> {
              try (m) {
                return m.toArray();
              }
            })
        .exceptionallyCompose(e -> client.readMemory(space, address, length));
  }
}
