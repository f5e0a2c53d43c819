package dev.uniscope.cli.report;

import dev.uniscope.trace.capture.CaptureFormat;
import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.encode.PageWriter;
import dev.uniscope.trace.encode.RecordEncoder;
import dev.uniscope.trace.meta.CoreEvents;
import dev.uniscope.trace.meta.Metadata;
import dev.uniscope.trace.meta.MetadataCodec;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.HelloCodec;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.wire.FrameEncoder;
import dev.uniscope.trace.wire.FrameType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small captures written with the trace-ingest encoder, as the kernel would send them. */
final class CaptureFixture {
  static final long FN = 0xffffffff81001000L;

  private CaptureFixture() {}

  /**
   * @param leaks leaked objects in the one complete scan (-1: no scan at all)
   * @param lost records reported dropped
   */
  static Path write(Path file, int samples, int leaks, int lost) throws Exception {
    Metadata md = CoreEvents.metadata();
    RecordEncoder enc = new RecordEncoder();
    List<ByteBuffer> pages = new ArrayList<>();
    PageWriter w = new PageWriter(0, 4096, pages::add);
    long t = 1_000_000;
    w.drop(lost);
    for (int i = 0; i < samples; i++) {
      enc.reset(md.event("profile_sample"))
          .set("rip", FN + i)
          .set("tid", 3)
          .set("stack", new long[] {FN + 0x2000})
          .set("idle", 0);
      w.append(CoreEvents.PROFILE_SAMPLE, t += 1_000_000, enc.payload());
    }
    if (leaks >= 0) {
      enc.reset(md.event("stack_def")).set("stack_id", 1).set("stack", new long[] {FN + 0x3000});
      w.append(CoreEvents.STACK_DEF, t += 10, enc.payload());
      for (int i = 0; i < leaks; i++) {
        enc.reset(md.event("leak"))
            .set("ptr", 0x1000L * (i + 1))
            .set("size", 64)
            .set("alloc_stack", 1)
            .set("scan_id", 1);
        w.append(CoreEvents.LEAK, t += 10, enc.payload());
      }
      enc.reset(md.event("leak_scan_done"))
          .set("scan_id", 1)
          .set("leaks", leaks)
          .set("leaked_bytes", 64L * leaks);
      w.append(CoreEvents.LEAK_SCAN_DONE, t += 10, enc.payload());
    }
    w.flush();
    Hello h =
        new Hello(
            1,
            0,
            1,
            0,
            4096,
            256,
            1_000_000_000L,
            0,
            1 << 8,
            997,
            new byte[] {1, 2},
            "app=test <b>",
            new byte[0]);
    try (LiveCapture c = LiveCapture.create(file, CaptureFormat.SOURCE_STREAM, new ProblemLog())) {
      int seq = 0;
      c.frame(FrameEncoder.encode(FrameType.HELLO, seq++, HelloCodec.encode(h)));
      c.frame(FrameEncoder.encode(FrameType.METADATA, seq++, MetadataCodec.encode(md)));
      for (ByteBuffer p : pages) {
        c.frame(FrameEncoder.encode(FrameType.PAGE, seq++, p));
      }
    }
    return file;
  }
}
