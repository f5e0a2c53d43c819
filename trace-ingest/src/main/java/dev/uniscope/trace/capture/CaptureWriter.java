package dev.uniscope.trace.capture;

import dev.uniscope.trace.page.PageFormat;
import dev.uniscope.trace.store.PageSource;
import dev.uniscope.trace.wire.FrameEncoder;
import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.WireConstants;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Appends frames to a capture file (docs/capture-format.md): header (fixed part, then the hello and
 * metadata frames), every frame as received, then on {@link #close} the index and footer.
 *
 * <p>Frames arriving before the first hello + metadata pair are held in memory (at most {@link
 * #MAX_HELD_BYTES}) and written right after it, so the header always comes first. Each frame is
 * passed to the {@link Listener} once it has its file offset, in file order. Data reaches the OS at
 * every {@link #flush()} (the transport flushes after each socket read), so killing the process
 * loses at most the current read; the reader rebuilds the missing index and footer.
 */
public final class CaptureWriter implements Closeable, PageSource {
  public static final int MAX_HELD_BYTES = 16 << 20;
  private static final int BUFFER = 1 << 20;

  /** Sees each frame with its offset in the file. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param frame the whole frame (header + payload), valid only during the call
     */
    void written(long frameOffset, FrameType type, int seq, ByteBuffer frame);
  }

  private final FileChannel channel;
  private final int source;
  private final Listener listener;
  private final ByteBuffer buffer =
      ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
  private long flushed; // file bytes written to the channel
  private boolean started;
  private boolean closed;
  private ByteBuffer hello;
  private ByteBuffer metadata;
  private final List<ByteBuffer> held = new ArrayList<>();
  private long heldBytes;
  private long droppedBeforeHello;
  // Index, one entry per body frame.
  private long[] offsets = new long[1024];
  private long[] seqs = new long[1024];
  private long[] bases = new long[1024];
  private int[] meta = new int[1024]; // type | cpu << 8
  private int[] lengths = new int[1024];
  private int count;

  private CaptureWriter(FileChannel channel, int source, Listener listener) {
    this.channel = channel;
    this.source = source;
    this.listener = listener;
  }

  /** Creates (or truncates) a capture file. */
  public static CaptureWriter create(Path path, int source, Listener listener) throws IOException {
    FileChannel ch =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ);
    return new CaptureWriter(ch, source, listener);
  }

  /**
   * Appends one whole frame (header + payload, already validated by the frame decoder).
   *
   * @param frame position to limit; not modified
   */
  public synchronized void append(ByteBuffer frame) throws IOException {
    if (closed) {
      throw new IOException("capture already closed");
    }
    ByteBuffer f = frame.slice().order(ByteOrder.LITTLE_ENDIAN);
    FrameType type = FrameType.ofCode(f.get(4) & 0xFF);
    if (type == null || f.remaining() < WireConstants.FRAME_HEADER || type == FrameType.INDEX) {
      throw new IllegalArgumentException("not a frame that belongs in a capture body");
    }
    if (started) {
      write(f, type);
      return;
    }
    if (type == FrameType.HELLO) {
      hello = copy(f);
    } else if (type == FrameType.METADATA) {
      metadata = copy(f);
    } else if (heldBytes + f.remaining() <= MAX_HELD_BYTES) {
      held.add(copy(f));
      heldBytes += f.remaining();
    } else {
      droppedBeforeHello++;
    }
    if (hello != null && metadata != null) {
      start();
    }
  }

  /** Encodes and appends a frame (commands sent, captures built from guest memory). */
  public void append(FrameType type, int seq, ByteBuffer payload) throws IOException {
    append(FrameEncoder.encode(type, seq, payload));
  }

  /** Frames dropped because too many arrived before the first hello. */
  public synchronized long droppedBeforeHello() {
    return droppedBeforeHello;
  }

  /** Frames in the body so far. */
  public synchronized int frameCount() {
    return count;
  }

  private void start() throws IOException {
    started = true;
    ByteBuffer h = ByteBuffer.allocate(CaptureFormat.FILE_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    h.put(CaptureFormat.MAGIC);
    h.putShort((short) CaptureFormat.MAJOR).putShort((short) CaptureFormat.MINOR);
    h.putInt(CaptureFormat.FILE_HEADER).putLong(System.currentTimeMillis()).putInt(source);
    byte[] id = buildId(hello);
    h.putShort((short) id.length).putShort((short) 0).put(id);
    put(h.clear()); // the whole 64 bytes, unused ones zero
    if (hello != null) {
      write(hello, FrameType.HELLO);
    }
    if (metadata != null) {
      write(metadata, FrameType.METADATA);
    }
    for (ByteBuffer f : held) {
      write(f, FrameType.ofCode(f.get(4) & 0xFF));
    }
    held.clear();
    heldBytes = 0;
  }

  /** The build-id inside a HELLO frame, or none when the frame is too short to hold it. */
  private static byte[] buildId(ByteBuffer helloFrame) {
    if (helloFrame == null || helloFrame.remaining() < WireConstants.FRAME_HEADER + 80) {
      return new byte[0];
    }
    int p = WireConstants.FRAME_HEADER;
    int n = Math.min(32, helloFrame.getShort(p + 40) & 0xFFFF);
    byte[] id = new byte[n];
    helloFrame.get(p + 48, id);
    return id;
  }

  private void write(ByteBuffer f, FrameType type) throws IOException {
    long at = position();
    index(at, type, f);
    put(f.duplicate());
    if (listener != null) {
      listener.written(at, type, f.getShort(6) & 0xFFFF, f.duplicate());
    }
  }

  /** Adds the index entry of the frame {@code f} (header + payload, position 0) at {@code at}. */
  void index(long at, FrameType type, ByteBuffer f) {
    int length = f.getInt(8); // from the header: callers may pass only the start of the payload
    int cpu = CaptureFormat.NO_CPU;
    long seq = f.getShort(6) & 0xFFFF;
    long base = 0;
    if (type == FrameType.PAGE && f.limit() >= WireConstants.FRAME_HEADER + PageFormat.HEADER) {
      int p = WireConstants.FRAME_HEADER;
      cpu = f.getShort(p + PageFormat.OFF_CPU) & 0xFFFF;
      seq = f.getLong(p + PageFormat.OFF_SEQ);
      base = f.getLong(p + PageFormat.OFF_BASE_TS);
    }
    if (count == offsets.length) {
      int n = count * 2;
      offsets = Arrays.copyOf(offsets, n);
      seqs = Arrays.copyOf(seqs, n);
      bases = Arrays.copyOf(bases, n);
      meta = Arrays.copyOf(meta, n);
      lengths = Arrays.copyOf(lengths, n);
    }
    offsets[count] = at;
    seqs[count] = seq;
    bases[count] = base;
    meta[count] = type.code() | (cpu << 8);
    lengths[count] = length;
    count++;
  }

  /**
   * Reopens a capture for appending after its last valid frame (used by {@link CaptureRepair}): the
   * file is cut at {@code end}; the caller re-adds the index entries with {@link #index}.
   */
  static CaptureWriter resume(Path path, long end) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
    ch.truncate(end);
    CaptureWriter w = new CaptureWriter(ch, CaptureFormat.SOURCE_STREAM, null);
    w.flushed = end;
    w.started = true;
    return w;
  }

  private long position() {
    return flushed + buffer.position();
  }

  private void put(ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      if (!buffer.hasRemaining()) {
        flushBuffer();
      }
      int n = Math.min(src.remaining(), buffer.remaining());
      buffer.put(buffer.position(), src, src.position(), n);
      buffer.position(buffer.position() + n);
      src.position(src.position() + n);
    }
  }

  private void flushBuffer() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      flushed += channel.write(buffer, flushed);
    }
    buffer.clear();
  }

  /** Hands buffered bytes to the OS (they then survive a crash of this process). */
  public synchronized void flush() throws IOException {
    if (!closed) {
      flushBuffer();
    }
  }

  @Override
  public synchronized ByteBuffer page(long offset, int length) {
    if (closed) {
      throw new IllegalStateException(
          "capture closed; reopen it with CaptureReader to read payloads");
    }
    try {
      if (offset < 0 || length < 0 || offset + length > position()) {
        throw new IllegalArgumentException(
            "range " + offset + "+" + length + " is outside the capture");
      }
      if (offset + length > flushed) {
        flushBuffer();
      }
      ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        if (channel.read(b, offset + b.position()) < 0) {
          throw new IllegalArgumentException("capture ends before " + (offset + length));
        }
      }
      return b.flip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes anything still held, the index and the footer, and closes the file. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      if (!started) {
        start();
      }
      long indexOffset = position();
      ByteBuffer entries =
          ByteBuffer.allocate(CaptureFormat.INDEX_ENTRIES_PER_FRAME * CaptureFormat.INDEX_ENTRY)
              .order(ByteOrder.LITTLE_ENDIAN);
      int indexSeq = 0;
      for (int i = 0; i < count; i++) {
        entries.putLong(offsets[i]).put((byte) (meta[i] & 0xFF)).put((byte) 0);
        entries
            .putShort((short) (meta[i] >>> 8))
            .putInt(lengths[i])
            .putLong(seqs[i])
            .putLong(bases[i]);
        if (!entries.hasRemaining() || i == count - 1) {
          put(FrameEncoder.encode(FrameType.INDEX, indexSeq++, entries.flip()));
          entries.clear();
        }
      }
      ByteBuffer footer = ByteBuffer.allocate(CaptureFormat.FOOTER).order(ByteOrder.LITTLE_ENDIAN);
      footer.putLong(CaptureFormat.FOOTER_MAGIC).putLong(indexOffset).putLong(count).putInt(0);
      java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
      crc.update(footer.array(), 0, 28);
      footer.putInt((int) crc.getValue());
      put(footer.flip());
      flushBuffer();
      channel.force(true);
    } finally {
      closed = true;
      channel.close();
    }
  }

  private static ByteBuffer copy(ByteBuffer f) {
    ByteBuffer c = ByteBuffer.allocate(f.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    c.put(f.duplicate()).flip();
    return c;
  }
}
