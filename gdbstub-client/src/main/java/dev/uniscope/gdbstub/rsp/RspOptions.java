package dev.uniscope.gdbstub.rsp;

import java.time.Duration;

/**
 * Client tuning. Defaults fit QEMU 7.2: {@code m} replies of at most 2048 bytes, {@code M} packets
 * within its 4096-byte line buffer, 32 reads in flight.
 */
public record RspOptions(
    Duration connectTimeout,
    Duration requestTimeout,
    int readChunk,
    int writeChunk,
    int readWindow,
    int maxPayload,
    boolean queryHaltReason) {

  public RspOptions {
    if (readChunk < 1 || readChunk > 0x8000 || writeChunk < 1 || writeChunk > 0x8000) {
      throw new IllegalArgumentException("chunk sizes must be in 1..32768");
    }
    if (readWindow < 1 || readWindow > 512) {
      throw new IllegalArgumentException("readWindow must be in 1..512");
    }
  }

  public static RspOptions defaults() {
    return new RspOptions(
        Duration.ofSeconds(10), Duration.ofSeconds(15), 2048, 2000, 32, 64 * 1024, true);
  }

  public RspOptions withReadWindow(int window) {
    return new RspOptions(
        connectTimeout, requestTimeout, readChunk, writeChunk, window, maxPayload, queryHaltReason);
  }

  public RspOptions withRequestTimeout(Duration t) {
    return new RspOptions(
        connectTimeout, t, readChunk, writeChunk, readWindow, maxPayload, queryHaltReason);
  }

  public RspOptions withQueryHaltReason(boolean q) {
    return new RspOptions(
        connectTimeout, requestTimeout, readChunk, writeChunk, readWindow, maxPayload, q);
  }
}
