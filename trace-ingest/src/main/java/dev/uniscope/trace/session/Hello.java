package dev.uniscope.trace.session;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The HELLO frame (docs/protocol.md section 4.1).
 *
 * @param mode 0 streaming, 1 flight recorder
 * @param buildId GNU build-id of the kernel (0..32 bytes)
 * @param layout the layout block, opaque here (docs/kaslr.md owns its format)
 */
public record Hello(
    int major,
    int minor,
    int ncpu,
    int mode,
    int pageSize,
    int pagesPerCpu,
    long tscHz,
    long nowNs,
    int groups,
    int sampleHz,
    byte[] buildId,
    String cmdline,
    byte[] layout) {

  public Hello {
    buildId = buildId.clone();
    layout = layout.clone();
  }

  @Override
  public byte[] buildId() {
    return buildId.clone();
  }

  @Override
  public byte[] layout() {
    return layout.clone();
  }

  public String buildIdHex() {
    return HexFormat.of().formatHex(buildId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hello h
        && major == h.major
        && minor == h.minor
        && ncpu == h.ncpu
        && mode == h.mode
        && pageSize == h.pageSize
        && pagesPerCpu == h.pagesPerCpu
        && tscHz == h.tscHz
        && nowNs == h.nowNs
        && groups == h.groups
        && sampleHz == h.sampleHz
        && Arrays.equals(buildId, h.buildId)
        && cmdline.equals(h.cmdline)
        && Arrays.equals(layout, h.layout);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(buildId) * 31 + Long.hashCode(nowNs);
  }

  @Override
  public String toString() {
    return "Hello[v"
        + major
        + "."
        + minor
        + ", ncpu="
        + ncpu
        + ", mode="
        + mode
        + ", page="
        + pageSize
        + "x"
        + pagesPerCpu
        + ", build-id="
        + buildIdHex()
        + ", cmdline="
        + cmdline
        + ", layout="
        + layout.length
        + " bytes]";
  }
}
