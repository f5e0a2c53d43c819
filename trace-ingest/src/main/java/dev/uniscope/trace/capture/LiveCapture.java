package dev.uniscope.trace.capture;

import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.store.EventStore;
import dev.uniscope.trace.wire.FrameProblem;
import dev.uniscope.trace.wire.WireConstants;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A capture being recorded: every valid frame is appended to the file and, once it has its file
 * offset, decoded into the session's store (whose payloads are read back from the file). Any source
 * (transport, guest memory, dump) drives it the same way, so they all give the same file. Not
 * thread-safe: one feeding thread.
 */
public final class LiveCapture implements Closeable {
  private final CaptureWriter writer;
  private final TraceSession session;
  private long reportedDrops;

  private LiveCapture(Path path, int source, ProblemLog problems) throws IOException {
    TraceSession[] s = new TraceSession[1];
    writer =
        CaptureWriter.create(
            path,
            source,
            (offset, type, seq, frame) ->
                s[0].onFrame(
                    type,
                    seq,
                    frame
                        .slice(
                            WireConstants.FRAME_HEADER,
                            frame.remaining() - WireConstants.FRAME_HEADER)
                        .order(ByteOrder.LITTLE_ENDIAN),
                    offset + WireConstants.FRAME_HEADER));
    session = new TraceSession(new EventStore(writer), writer, problems);
    s[0] = session;
  }

  /** Creates the file; {@code source} is one of the {@link CaptureFormat} SOURCE_ constants. */
  public static LiveCapture create(Path path, int source, ProblemLog problems) throws IOException {
    return new LiveCapture(path, source, problems);
  }

  /** One whole, CRC-checked frame as received. */
  public void frame(ByteBuffer frame) throws IOException {
    writer.append(frame);
    long dropped = writer.droppedBeforeHello();
    if (dropped != reportedDrops) {
      reportedDrops = dropped;
      session
          .problems()
          .add(
              "no hello + metadata yet and "
                  + (CaptureWriter.MAX_HELD_BYTES >> 20)
                  + " MiB of frames held: dropped "
                  + dropped
                  + " frame(s) so far");
    }
  }

  public void problem(FrameProblem p) {
    session.onProblem(p);
  }

  public void flush() throws IOException {
    writer.flush();
  }

  public TraceSession session() {
    return session;
  }

  public CaptureWriter writer() {
    return writer;
  }

  /** Writes the index and footer. The session's payloads must be re-read with a CaptureReader. */
  @Override
  public void close() throws IOException {
    writer.close();
  }
}
