package dev.uniscope.trace.capture;

import dev.uniscope.trace.page.PageFormat;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.WireConstants;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes a capture whose writer died (no footer, torn last frame) whole again: cuts the torn tail
 * after the last valid frame and appends the index and footer, so later opens need no scan. A
 * capture with a valid footer is left untouched. Frames in the file are never rewritten.
 */
public final class CaptureRepair {
  private CaptureRepair() {}

  /**
   * @param repaired false when the capture already had a valid index
   * @param cutBytes bytes removed from the end (torn frame, garbage)
   * @param frames frames indexed
   */
  public record Result(boolean repaired, long cutBytes, int frames) {}

  public static Result repair(Path path, ProblemLog problems) throws IOException {
    long size = Files.size(path);
    long end = CaptureFormat.FILE_HEADER;
    int frames;
    long[] offsets;
    FrameType[] types;
    ByteBuffer[] heads; // frame header + start of the payload: all the index needs
    try (CaptureReader r = CaptureReader.open(path, problems)) {
      frames = r.frameCount();
      if (!r.footerRebuilt()) {
        return new Result(false, 0, frames);
      }
      offsets = new long[frames];
      types = new FrameType[frames];
      heads = new ByteBuffer[frames];
      for (int i = 0; i < frames; i++) {
        int length = r.payload(i).remaining();
        offsets[i] = r.frameOffset(i);
        types[i] = r.frameType(i);
        end = Math.max(end, offsets[i] + WireConstants.FRAME_HEADER + length);
        int keep = WireConstants.FRAME_HEADER + Math.min(length, PageFormat.HEADER);
        ByteBuffer h = ByteBuffer.allocate(keep).order(ByteOrder.LITTLE_ENDIAN);
        h.put(r.page(offsets[i], keep)).flip();
        heads[i] = h;
      }
    }
    // The mapping is closed before the file is cut.
    CaptureWriter writer = CaptureWriter.resume(path, end);
    for (int i = 0; i < frames; i++) {
      writer.index(offsets[i], types[i], heads[i]);
    }
    writer.close();
    return new Result(true, size - end, frames);
  }
}
