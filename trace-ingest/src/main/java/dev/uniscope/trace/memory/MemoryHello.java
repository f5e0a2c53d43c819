package dev.uniscope.trace.memory;

import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.meta.CoreEvents;
import dev.uniscope.trace.meta.Metadata;
import dev.uniscope.trace.meta.MetadataCodec;
import dev.uniscope.trace.meta.MetadataException;
import dev.uniscope.trace.page.PageDecoder;
import dev.uniscope.trace.page.PageHeader;
import dev.uniscope.trace.page.RecordSink;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.HelloCodec;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.wire.FrameEncoder;
import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.WireConstants;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The hello of a capture read out of guest memory, where the kernel wrote none (docs/protocol.md
 * section 11, "The hello of a capture read from memory"): geometry, groups and sample rate from the
 * ring directory, tsc_hz from the layout block, now_ns = the newest record time in the rings. The
 * one builder for {@link RingReader} and workbench-core's {@code RingExtraction}.
 *
 * <p>Every value comes from the guest and is checked: group bits above the known groups are
 * dropped, a rate above {@link #MAX_SAMPLE_HZ} or a TSC frequency outside {@link #MIN_TSC_HZ}..
 * {@link #MAX_TSC_HZ} becomes 0 (unknown); each fallback is reported in the capture's problems.
 */
public final class MemoryHello {
  /** The kernel's bound on the sampling rate (SET_SAMPLE_RATE, {@code profile=}). */
  public static final int MAX_SAMPLE_HZ = 10_000;

  public static final long MIN_TSC_HZ = 1_000_000L;
  public static final long MAX_TSC_HZ = 100_000_000_000L;

  /**
   * Pages looked at per CPU, newest first, for its newest record (the current one may be empty).
   */
  static final int NEWEST_PAGES = 2;

  private static final byte[] LAYOUT_MAGIC = "USCOPELY".getBytes(StandardCharsets.US_ASCII);
  private static final int LAYOUT_STATE = 16;
  private static final int LAYOUT_TSC_KHZ = 112;

  private MemoryHello() {}

  /**
   * Reads the metadata and each CPU's newest record, builds the hello and records it and the
   * metadata as frames 0 and 1 of {@code capture} (the next frame is 2).
   *
   * @param buildId and {@code layout}: from the layout block
   * @param cmdline the kernel command line, or empty when unknown
   * @return the hello recorded
   */
  public static Hello record(
      GuestMemory mem,
      long dirAddress,
      DirectoryHeader dir,
      byte[] buildId,
      String cmdline,
      byte[] layout,
      LiveCapture capture)
      throws IOException {
    ByteBuffer metadata = RingReader.readBytes(mem, dir.metadataAddress(), dir.metadataLength());
    ProblemLog problems = capture.session().problems();
    long newest = newestRecordNs(mem, dirAddress, dir, metadata, problems);
    Hello hello = build(dir, buildId, cmdline, layout, newest, problems);
    capture.frame(FrameEncoder.encode(FrameType.HELLO, 0, HelloCodec.encode(hello)));
    capture.frame(FrameEncoder.encode(FrameType.METADATA, 1, metadata));
    return hello;
  }

  /** The hello from values read; each fallback is added to {@code problems}. */
  public static Hello build(
      DirectoryHeader dir,
      byte[] buildId,
      String cmdline,
      byte[] layout,
      long newestNs,
      ProblemLog problems) {
    int groups = 0;
    int sampleHz = 0;
    if (!dir.published()) {
      problems.add(
          "the ring directory does not publish groups and sample_hz (flags 0: an older kernel);"
              + " the hello says 0 for both");
    } else {
      int known = (1 << CoreEvents.GROUP_NAMES.size()) - 1;
      groups = dir.groups() & known;
      if (groups != dir.groups()) {
        problems.add(
            "the ring directory's groups 0x%x has bits beyond the %d known groups; kept 0x%x"
                .formatted(dir.groups(), CoreEvents.GROUP_NAMES.size(), groups));
      }
      sampleHz = dir.sampleHz();
      if (Integer.compareUnsigned(sampleHz, MAX_SAMPLE_HZ) > 0) {
        problems.add(
            "the ring directory's sample_hz %d is above %d; taken as 0 (unknown)"
                .formatted(Integer.toUnsignedLong(sampleHz), MAX_SAMPLE_HZ));
        sampleHz = 0;
      }
    }
    byte[] id = buildId;
    if (id.length > HelloCodec.MAX_BUILD_ID) {
      problems.add("build-id of %d bytes is longer than 32; left out".formatted(id.length));
      id = new byte[0];
    }
    byte[] cmd = cmdline.getBytes(StandardCharsets.UTF_8);
    long now = newestNs;
    if (now < 0) {
      problems.add(
          "newest record time %s ns is beyond 2^63; now_ns taken as 0"
              .formatted(Long.toUnsignedString(now)));
      now = 0;
    }
    return new Hello(
        WireConstants.PROTOCOL_MAJOR,
        WireConstants.PROTOCOL_MINOR,
        dir.ncpu(),
        dir.mode(),
        dir.pageSize(),
        dir.pagesPerCpu(),
        tscHz(layout, problems),
        now,
        groups,
        sampleHz,
        id,
        cmd.length <= HelloCodec.MAX_CMDLINE ? cmdline : "",
        layout.length <= HelloCodec.MAX_LAYOUT
            ? layout
            : Arrays.copyOf(layout, HelloCodec.MAX_LAYOUT));
  }

  /**
   * The layout block's {@code tsc_khz} x 1000 (what the stream hello sends), or 0 when the block is
   * not valid or the frequency is outside {@link #MIN_TSC_HZ}..{@link #MAX_TSC_HZ}.
   */
  static long tscHz(byte[] layout, ProblemLog problems) {
    ByteBuffer b = ByteBuffer.wrap(layout).order(ByteOrder.LITTLE_ENDIAN);
    if (layout.length < LAYOUT_TSC_KHZ + 8
        || !Arrays.equals(layout, 0, LAYOUT_MAGIC.length, LAYOUT_MAGIC, 0, LAYOUT_MAGIC.length)
        || b.getInt(LAYOUT_STATE) != 1) {
      problems.add("no valid layout block (magic, state 1); tsc_hz taken as 0 (unknown)");
      return 0;
    }
    long khz = b.getLong(LAYOUT_TSC_KHZ);
    if (khz < MIN_TSC_HZ / 1000 || khz > MAX_TSC_HZ / 1000) {
      problems.add(
          "the layout block's tsc_khz %s is outside 1 MHz..100 GHz; tsc_hz taken as 0 (unknown)"
              .formatted(Long.toUnsignedString(khz)));
      return 0;
    }
    return khz * 1000;
  }

  /**
   * The newest record time in the rings: per CPU, the last record of its newest page holding one
   * (of the {@link #NEWEST_PAGES} newest), the largest over the CPUs; 0 when there is none. Rings
   * that cannot be read or decoded here are left out (the page pass reports them).
   */
  static long newestRecordNs(
      GuestMemory mem,
      long dirAddress,
      DirectoryHeader dir,
      ByteBuffer metadata,
      ProblemLog problems)
      throws IOException {
    PageDecoder decoder;
    try {
      Metadata md = MetadataCodec.decode(metadata.duplicate());
      decoder = new PageDecoder(md, dir.pageSize(), dir.ncpu());
    } catch (MetadataException e) {
      problems.add("the metadata does not decode (" + e.getMessage() + "); now_ns taken as 0");
      return 0;
    }
    ByteBuffer desc =
        RingReader.readBytes(
            mem, dirAddress + RingReader.DIR_HEADER, RingReader.RING_DESC * dir.ncpu());
    long newest = 0;
    LastRecord last = new LastRecord();
    for (int cpu = 0; cpu < dir.ncpu(); cpu++) {
      int o = cpu * RingReader.RING_DESC;
      if (!RingReader.validDescriptor(desc, o, cpu)) {
        continue;
      }
      long base = desc.getLong(o + 8);
      long head = desc.getLong(o + 16);
      for (int k = 0;
          k < NEWEST_PAGES && k < dir.pagesPerCpu() && Long.compareUnsigned(k, head) < 0;
          k++) {
        long s = head - 1 - k;
        ByteBuffer page;
        try {
          page =
              RingReader.readBytes(
                  mem, base + (s & (dir.pagesPerCpu() - 1)) * dir.pageSize(), dir.pageSize());
        } catch (IOException unreadable) {
          break;
        }
        int commit = RingReader.committed(page, cpu, s, dir.pageSize());
        if (commit < 0) {
          continue;
        }
        last.found = false;
        decoder.decode(page.slice(0, RingReader.pageLength(commit)), last);
        if (last.found) {
          if (Long.compareUnsigned(last.time, newest) > 0) {
            newest = last.time;
          }
          break;
        }
      }
    }
    return newest;
  }

  /** The time of a page's last valid record. */
  private static final class LastRecord implements RecordSink {
    long base;
    long time;
    boolean found;

    @Override
    public void page(PageHeader header) {
      base = header.baseTs();
    }

    @Override
    public void record(int eventId, int offset, int size, int tsDelta) {
      time = base + Integer.toUnsignedLong(tsDelta);
      found = true;
    }
  }
}
