package dev.uniscope.trace.capture;

import java.util.HexFormat;

/**
 * The fixed file header (docs/capture-format.md).
 *
 * @param source {@link CaptureFormat#SOURCE_STREAM}, {@code _GUEST_MEMORY} or {@code _DUMP}
 * @param buildIdHex the kernel build-id copied from the hello, hex ("" if none)
 */
public record CaptureHeader(
    int major, int minor, long createdMillis, int source, String buildIdHex) {
  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
