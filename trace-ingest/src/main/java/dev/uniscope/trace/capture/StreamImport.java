package dev.uniscope.trace.capture;

import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.wire.FrameProblem;
import dev.uniscope.trace.wire.FrameSync;
import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.WireConstants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Turns a raw data-channel recording (QEMU {@code -chardev file,path=com2.bin}, or bytes saved from
 * a socket) into a capture: the same frames, resynchronized, as a live connection would have
 * recorded. Also a quick conformance check for the kernel side: {@code java ... StreamImport
 * com2.bin out.ucap} prints the hello, the decoded counts and every problem.
 */
public final class StreamImport {
  private static final int CHUNK = 1 << 20;

  private StreamImport() {}

  /** Imports {@code raw} into a new capture at {@code capture}; returns the (closed) session. */
  public static TraceSession importStream(Path raw, Path capture, ProblemLog problems)
      throws IOException {
    try (FileChannel in = FileChannel.open(raw, StandardOpenOption.READ);
        LiveCapture out = LiveCapture.create(capture, CaptureFormat.SOURCE_STREAM, problems)) {
      FrameSync sync = new FrameSync();
      FrameSync.Listener listener =
          new FrameSync.Listener() {
            @Override
            public void frame(
                long off, FrameType type, int seq, ByteBuffer w, int start, int length) {
              try {
                out.frame(w.slice(start, WireConstants.FRAME_HEADER + length));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }

            @Override
            public void problem(FrameProblem p) {
              out.problem(p);
            }
          };
      // Window = unconsumed bytes + the next chunk; never more than a chunk plus one frame.
      ByteBuffer window =
          ByteBuffer.allocate(CHUNK + WireConstants.FRAME_HEADER + WireConstants.MAX_PAYLOAD);
      boolean eof = false;
      while (!eof) {
        while (window.hasRemaining()) {
          if (in.read(window) < 0) {
            eof = true;
            break;
          }
        }
        window.flip();
        try {
          int used = sync.feed(window, eof, listener);
          window.position(window.position() + used);
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
        window.compact();
      }
      return out.session();
    }
  }

  /** {@code StreamImport RAW CAPTURE}: imports and prints a summary. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: StreamImport RAW_STREAM_FILE CAPTURE_FILE");
      System.exit(2);
    }
    ProblemLog problems = new ProblemLog();
    TraceSession s = importStream(Path.of(args[0]), Path.of(args[1]), problems);
    System.out.println("hello:    " + s.hello());
    System.out.println(
        "metadata: " + (s.metadata() == null ? "none" : s.metadata().events().size() + " events"));
    System.out.println("stats:    " + s.stats());
    for (int cpu = 0; cpu < s.store().cpuCount(); cpu++) {
      System.out.println("cpu " + cpu + ": " + s.store().eventCount(cpu) + " events");
    }
    System.out.println(problems.total() + " problem(s)");
    for (String p : problems.first()) {
      System.out.println("  " + p);
    }
    System.exit(problems.total() == 0 ? 0 : 1);
  }
}
