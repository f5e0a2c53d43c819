package dev.uniscope.trace.session;

import dev.uniscope.trace.page.PageFormat;
import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.PayloadException;
import dev.uniscope.trace.wire.WireConstants;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Reads and writes the HELLO payload (docs/protocol.md section 4.1). */
public final class HelloCodec {
  public static final int FIXED = 80;
  public static final int MAX_BUILD_ID = 32;
  public static final int MAX_CMDLINE = 1024;
  public static final int MAX_LAYOUT = 16384;
  public static final int MAX_CPUS = 256;
  public static final int MAX_PAGES_PER_CPU = 1 << 18;

  private HelloCodec() {}

  /** Decodes and checks a hello; refuses another protocol major. */
  public static Hello decode(ByteBuffer payload) throws PayloadException {
    ByteBuffer b = payload.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() < FIXED) {
      throw fail(0, "hello of " + b.remaining() + " bytes is shorter than " + FIXED);
    }
    int major = b.getShort(0) & 0xFFFF;
    int minor = b.getShort(2) & 0xFFFF;
    if (major != WireConstants.PROTOCOL_MAJOR) {
      throw fail(
          0,
          "protocol major "
              + major
              + " is not supported (this host speaks "
              + WireConstants.PROTOCOL_MAJOR
              + ")");
    }
    int ncpu = b.getShort(4) & 0xFFFF;
    int mode = b.getShort(6) & 0xFFFF;
    long pageSize = Integer.toUnsignedLong(b.getInt(8));
    long pages = Integer.toUnsignedLong(b.getInt(12));
    int buildIdLen = b.getShort(40) & 0xFFFF;
    int cmdlineLen = b.getShort(42) & 0xFFFF;
    long layoutLen = Integer.toUnsignedLong(b.getInt(44));
    if (ncpu < 1 || ncpu > MAX_CPUS) {
      throw fail(4, "ncpu " + ncpu + " outside 1.." + MAX_CPUS);
    }
    if (mode > 1) {
      throw fail(6, "unknown mode " + mode);
    }
    if (!PageFormat.validPageSize(pageSize)) {
      throw fail(8, "page_size " + pageSize + " is not a power of two in 1024..65536");
    }
    if (pages < 2 || pages > MAX_PAGES_PER_CPU || Long.bitCount(pages) != 1) {
      throw fail(
          12, "pages_per_cpu " + pages + " is not a power of two in 2.." + MAX_PAGES_PER_CPU);
    }
    if (buildIdLen > MAX_BUILD_ID || cmdlineLen > MAX_CMDLINE || layoutLen > MAX_LAYOUT) {
      throw fail(40, "build-id, cmdline or layout length out of range");
    }
    if (b.remaining() != FIXED + cmdlineLen + layoutLen) {
      throw fail(0, "length " + b.remaining() + " != 80 + cmdline_len + layout_len");
    }
    byte[] buildId = new byte[buildIdLen];
    b.get(48, buildId);
    byte[] cmd = new byte[cmdlineLen];
    b.get(FIXED, cmd);
    byte[] layout = new byte[(int) layoutLen];
    b.get(FIXED + cmdlineLen, layout);
    return new Hello(
        major,
        minor,
        ncpu,
        mode,
        (int) pageSize,
        (int) pages,
        b.getLong(16),
        b.getLong(24),
        b.getInt(32),
        b.getInt(36),
        buildId,
        new String(cmd, StandardCharsets.UTF_8),
        layout);
  }

  public static ByteBuffer encode(Hello h) {
    byte[] cmd = h.cmdline().getBytes(StandardCharsets.UTF_8);
    byte[] layout = h.layout();
    byte[] id = h.buildId();
    ByteBuffer b =
        ByteBuffer.allocate(FIXED + cmd.length + layout.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) h.major()).putShort((short) h.minor()).putShort((short) h.ncpu());
    b.putShort((short) h.mode()).putInt(h.pageSize()).putInt(h.pagesPerCpu());
    b.putLong(h.tscHz()).putLong(h.nowNs()).putInt(h.groups()).putInt(h.sampleHz());
    b.putShort((short) id.length).putShort((short) cmd.length).putInt(layout.length);
    b.put(id).position(FIXED);
    b.put(cmd).put(layout);
    return b.flip();
  }

  private static PayloadException fail(int offset, String message) {
    return new PayloadException(FrameType.HELLO, offset, message);
  }
}
