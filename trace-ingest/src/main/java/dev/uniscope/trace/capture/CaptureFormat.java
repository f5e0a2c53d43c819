package dev.uniscope.trace.capture;

import java.nio.charset.StandardCharsets;

/** Constants of the capture file (docs/capture-format.md). */
public final class CaptureFormat {
  /** "\x89UCAP\r\n\x1a": binary, detects text-mode mangling like PNG's signature. */
  static final byte[] MAGIC = {(byte) 0x89, 'U', 'C', 'A', 'P', '\r', '\n', 0x1A};

  public static final int MAJOR = 1;
  public static final int MINOR = 0;
  public static final int FILE_HEADER = 64;
  public static final int FOOTER = 32;
  public static final long FOOTER_MAGIC =
      java.nio.ByteBuffer.wrap("UCAPFOOT".getBytes(StandardCharsets.US_ASCII))
          .order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .getLong();
  public static final int INDEX_ENTRY = 32;
  public static final int INDEX_ENTRIES_PER_FRAME = 2048;

  /** Index entry cpu value for frames that are not pages. */
  public static final int NO_CPU = 0xFFFF;

  /** Where the capture's frames came from (header field {@code source}). */
  public static final int SOURCE_STREAM = 0;

  public static final int SOURCE_GUEST_MEMORY = 1;
  public static final int SOURCE_DUMP = 2;

  private CaptureFormat() {}
}
