package dev.uniscope.trace.capture;

import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.store.EventStore;
import dev.uniscope.trace.store.PageSource;
import dev.uniscope.trace.wire.FrameProblem;
import dev.uniscope.trace.wire.FrameSync;
import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.WireConstants;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Opens a capture file by memory-mapping it (docs/capture-format.md). With a valid footer it uses
 * the index; without one (the writer was killed, the file was cut or damaged) it rebuilds the index
 * by scanning the frames, resynchronizing after damage. Problems are reported with file offsets;
 * only a file that is not a capture at all (wrong magic or major version) is refused.
 */
public final class CaptureReader implements Closeable, PageSource {
  private static final int SCAN_WINDOW = 8 << 20;

  private final Arena arena;
  private final MemorySegment file;
  private final CaptureHeader header;
  private final ProblemLog problems;
  private boolean footerRebuilt;
  // The index: one entry per body frame.
  private long[] offsets = new long[256];
  private int[] lengths = new int[256];
  private byte[] types = new byte[256];
  private int count;

  private CaptureReader(Arena arena, MemorySegment file, ProblemLog problems)
      throws CaptureException {
    this.arena = arena;
    this.file = file;
    this.problems = problems;
    this.header = readHeader();
    if (!readIndex()) {
      footerRebuilt = true;
      scan();
    }
  }

  /** Maps and indexes a capture; frame-level problems go to {@code problems}. */
  public static CaptureReader open(Path path, ProblemLog problems) throws IOException {
    Arena arena = Arena.ofShared();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
      return new CaptureReader(arena, seg, problems);
    } catch (IOException | RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  public CaptureHeader header() {
    return header;
  }

  /** True when the footer or index was missing or damaged and the index was rebuilt by scanning. */
  public boolean footerRebuilt() {
    return footerRebuilt;
  }

  public ProblemLog problems() {
    return problems;
  }

  /** Frames in the body (hello, metadata, pages, replies, commands). */
  public int frameCount() {
    return count;
  }

  public FrameType frameType(int i) {
    return FrameType.ofCode(types[i] & 0xFF);
  }

  /** File offset of frame {@code i}'s header. */
  public long frameOffset(int i) {
    return offsets[i];
  }

  /** Payload bytes of frame {@code i}, read in place from the mapping. */
  public ByteBuffer payload(int i) {
    return page(offsets[i] + WireConstants.FRAME_HEADER, lengths[i]);
  }

  @Override
  public ByteBuffer page(long offset, int length) {
    if (offset < 0 || length < 0 || offset + length > file.byteSize()) {
      throw new IllegalArgumentException(
          "range " + offset + "+" + length + " is outside the capture");
    }
    return file.asSlice(offset, length).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Decodes every frame into a new store whose payloads stay in this mapping. */
  public TraceSession load() {
    TraceSession session = new TraceSession(new EventStore(this), this, problems);
    replay(session);
    return session;
  }

  /**
   * Feeds every frame to {@code session} in file order, checking each frame's CRC again (the index
   * may point at damaged bytes).
   */
  public void replay(TraceSession session) {
    for (int i = 0; i < count; i++) {
      long at = offsets[i];
      int total = WireConstants.FRAME_HEADER + lengths[i];
      ByteBuffer frame = page(at, total);
      FrameSync one = new FrameSync(at);
      one.feed(
          frame,
          true,
          new FrameSync.Listener() {
            @Override
            public void frame(
                long off, FrameType type, int seq, ByteBuffer w, int start, int length) {
              if (off == at) {
                session.onFrame(
                    type,
                    seq,
                    w.slice(start + WireConstants.FRAME_HEADER, length)
                        .order(ByteOrder.LITTLE_ENDIAN),
                    off + WireConstants.FRAME_HEADER);
              }
            }

            @Override
            public void problem(FrameProblem p) {
              session.onProblem(p);
            }
          });
    }
  }

  private CaptureHeader readHeader() throws CaptureException {
    if (file.byteSize() < CaptureFormat.FILE_HEADER) {
      throw new CaptureException(
          "not a capture: " + file.byteSize() + " bytes is shorter than the header");
    }
    ByteBuffer h = page(0, CaptureFormat.FILE_HEADER);
    byte[] magic = new byte[8];
    h.get(0, magic);
    if (!Arrays.equals(magic, CaptureFormat.MAGIC)) {
      throw new CaptureException("not a capture: bad magic at offset 0");
    }
    int major = h.getShort(8) & 0xFFFF;
    if (major != CaptureFormat.MAJOR) {
      throw new CaptureException(
          "capture format "
              + major
              + " is not supported (this reader: "
              + CaptureFormat.MAJOR
              + ")");
    }
    int headerSize = h.getInt(12);
    if (headerSize != CaptureFormat.FILE_HEADER) {
      throw new CaptureException(
          "header size " + headerSize + " at offset 12 is not " + CaptureFormat.FILE_HEADER);
    }
    int idLen = Math.min(32, h.getShort(28) & 0xFFFF);
    byte[] id = new byte[idLen];
    h.get(32, id);
    return new CaptureHeader(
        major, h.getShort(10) & 0xFFFF, h.getLong(16), h.getInt(24), CaptureHeader.hex(id));
  }

  /** Uses the footer's index; false (with a problem logged) if anything about it is off. */
  private boolean readIndex() {
    long size = file.byteSize();
    if (size < CaptureFormat.FILE_HEADER + CaptureFormat.FOOTER) {
      problems.add("no footer (file of " + size + " bytes); index rebuilt by scanning");
      return false;
    }
    ByteBuffer f = page(size - CaptureFormat.FOOTER, CaptureFormat.FOOTER);
    CRC32C crc = new CRC32C();
    crc.update(f.slice(0, 28));
    if (f.getLong(0) != CaptureFormat.FOOTER_MAGIC || f.getInt(28) != (int) crc.getValue()) {
      problems.add(
          "no valid footer at offset "
              + (size - CaptureFormat.FOOTER)
              + " (capture not closed?); index rebuilt by scanning");
      return false;
    }
    long indexOffset = f.getLong(8);
    long frames = f.getLong(16);
    long indexEnd = size - CaptureFormat.FOOTER;
    if (indexOffset < CaptureFormat.FILE_HEADER
        || indexOffset > indexEnd
        || frames < 0
        || frames > (indexOffset - CaptureFormat.FILE_HEADER) / WireConstants.FRAME_HEADER) {
      problems.add(
          "footer index offset "
              + indexOffset
              + " or frame count "
              + frames
              + " out of range; index rebuilt by scanning");
      return false;
    }
    int n = (int) frames;
    long[] offs = new long[n];
    int[] lens = new int[n];
    byte[] tys = new byte[n];
    int[] got = {0};
    boolean[] bad = {false};
    FrameSync sync = new FrameSync(indexOffset);
    sync.feed(
        page(indexOffset, (int) Math.min(Integer.MAX_VALUE, indexEnd - indexOffset)),
        true,
        new FrameSync.Listener() {
          @Override
          public void frame(
              long off, FrameType type, int seq, ByteBuffer w, int start, int length) {
            ByteBuffer e =
                w.slice(start + WireConstants.FRAME_HEADER, length).order(ByteOrder.LITTLE_ENDIAN);
            if (type != FrameType.INDEX || length % CaptureFormat.INDEX_ENTRY != 0) {
              bad[0] = true;
              return;
            }
            for (int p = 0; p < length; p += CaptureFormat.INDEX_ENTRY) {
              long fo = e.getLong(p);
              long len = Integer.toUnsignedLong(e.getInt(p + 12));
              if (got[0] >= n
                  || fo < CaptureFormat.FILE_HEADER
                  || len > WireConstants.MAX_PAYLOAD
                  || fo + WireConstants.FRAME_HEADER + len > indexOffset) {
                bad[0] = true;
                return;
              }
              offs[got[0]] = fo;
              lens[got[0]] = (int) len;
              tys[got[0]] = e.get(p + 8);
              got[0]++;
            }
          }

          @Override
          public void problem(FrameProblem p) {
            bad[0] = true;
          }
        });
    if (bad[0] || got[0] != n) {
      problems.add("index at offset " + indexOffset + " is damaged; index rebuilt by scanning");
      return false;
    }
    offsets = offs;
    lengths = lens;
    types = tys;
    count = n;
    return true;
  }

  /** Rebuilds the index from the frames themselves; stops at the footer if there is a valid one. */
  private void scan() {
    long end = file.byteSize();
    FrameSync sync = new FrameSync(CaptureFormat.FILE_HEADER);
    FrameSync.Listener listener =
        new FrameSync.Listener() {
          @Override
          public void frame(
              long off, FrameType type, int seq, ByteBuffer w, int start, int length) {
            if (type == FrameType.INDEX) {
              return;
            }
            if (count == offsets.length) {
              offsets = Arrays.copyOf(offsets, count * 2);
              lengths = Arrays.copyOf(lengths, count * 2);
              types = Arrays.copyOf(types, count * 2);
            }
            offsets[count] = off;
            lengths[count] = length;
            types[count] = (byte) type.code();
            count++;
          }

          @Override
          public void problem(FrameProblem p) {
            problems.add(p.describe());
          }
        };
    long pos = CaptureFormat.FILE_HEADER;
    while (pos < end) {
      int len = (int) Math.min(SCAN_WINDOW, end - pos);
      boolean last = pos + len == end;
      int used = sync.feed(page(pos, len), last, listener);
      if (used == 0 && !last) {
        problems.add("scan made no progress at offset " + pos + "; stopped");
        break;
      }
      pos += used;
      if (last) {
        break;
      }
    }
  }

  @Override
  public void close() {
    arena.close();
  }
}
