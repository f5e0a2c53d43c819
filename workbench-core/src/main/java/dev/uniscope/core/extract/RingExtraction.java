package dev.uniscope.core.extract;

import dev.uniscope.core.memory.AbsentMemoryException;
import dev.uniscope.core.memory.KernelLayout;
import dev.uniscope.core.memory.MemoryAccessException;
import dev.uniscope.core.memory.ReadLimitException;
import dev.uniscope.core.memory.TargetMemory;
import dev.uniscope.core.memory.UnmappedAddressException;
import dev.uniscope.core.symbols.LayoutBlock;
import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.memory.MemoryHello;
import dev.uniscope.trace.memory.RingReader;
import dev.uniscope.trace.session.HelloCodec;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.wire.FrameEncoder;
import dev.uniscope.trace.wire.FrameType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads the kernel's trace rings out of a {@link TargetMemory} (a stopped live VM, or a dump) into
 * a capture, as a transport would have delivered them: the hello of trace-ingest's {@link
 * MemoryHello}, the metadata, then each CPU's pages oldest first (docs/protocol.md section 11).
 *
 * <p>Extraction can be repeated ({@link #pass}): each pass appends, per CPU, only the pages whose
 * sequence number is above the last one taken, so a capture grows like a streamed one. A pass that
 * leaves out the current (still filling) page takes it in a later pass once it has closed. The
 * target must not run during a pass: the caller stops a live VM around it.
 *
 * <p>One pass with the current page gives the same frames as trace-ingest's {@link
 * RingReader#read}; this class adds the incremental cursor, bulk reads of contiguous slots, and
 * per-CPU recovery from unreadable rings.
 */
public final class RingExtraction {
  /** Largest single read of ring slots. */
  static final int CHUNK = 4 << 20;

  private final TargetMemory memory;
  private final TargetGuestMemory virtual;
  private final RingDirectory directory;
  private final LiveCapture capture;
  private final long[] next;
  private int frameSeq;

  /**
   * What one pass appended.
   *
   * @param pages pages appended
   * @param pageBytes bytes of those pages as framed ({@code 32 + commit} each)
   * @param bytesRead bytes of ring slots read from the target
   * @param skippedSlots slots without the expected page (being rewritten, or unreadable)
   * @param nanos time the pass took
   */
  public record Pass(long pages, long pageBytes, long bytesRead, long skippedSlots, long nanos) {}

  private RingExtraction(
      TargetMemory memory, RingDirectory directory, LiveCapture capture, int frameSeq) {
    this.memory = memory;
    this.virtual = TargetGuestMemory.virtual(memory);
    this.directory = directory;
    this.capture = capture;
    this.next = new long[directory.ncpu()];
    this.frameSeq = frameSeq;
  }

  /**
   * Finds the layout block and the ring directory and writes the hello and the metadata.
   *
   * @param cmdline the kernel command line for the hello, or empty when unknown
   */
  public static RingExtraction start(TargetMemory memory, LiveCapture capture, String cmdline)
      throws IOException {
    return start(memory, KernelLayout.find(memory), capture, cmdline);
  }

  /** As {@link #start(TargetMemory, LiveCapture, String)} with a layout already found. */
  public static RingExtraction start(
      TargetMemory memory, KernelLayout layout, LiveCapture capture, String cmdline)
      throws IOException {
    LayoutBlock block = layout.block();
    RingDirectory dir = RingDirectory.find(memory, block);
    int layoutLength = Math.min(Math.max(block.size(), 0), HelloCodec.MAX_LAYOUT);
    byte[] layoutBytes = memory.physical().read(layout.blockAddress(), layoutLength);
    MemoryHello.record(
        TargetGuestMemory.virtual(memory),
        dir.address(),
        dir.header(),
        block.buildId().bytes(),
        cmdline,
        layoutBytes,
        capture);
    return new RingExtraction(memory, dir, capture, 2);
  }

  public RingDirectory directory() {
    return directory;
  }

  /** Per CPU, the first page sequence number not taken yet. */
  public long[] nextSequences() {
    return next.clone();
  }

  /**
   * Appends every CPU's pages not taken yet, oldest first.
   *
   * @param includeCurrent also take each CPU's current page ({@code seq = head - 1}) as it is now;
   *     later passes never take it again, so pass true only for the last pass (or a single one)
   */
  public Pass pass(boolean includeCurrent) throws IOException {
    long t0 = System.nanoTime();
    long pages = 0;
    long pageBytes = 0;
    long read = 0;
    long skipped = 0;
    ProblemLog problems = capture.session().problems();
    int ncpu = directory.ncpu();
    ByteBuffer desc =
        ByteBuffer.wrap(
                memory.virtual().read(directory.descriptorAddress(0), RingReader.RING_DESC * ncpu))
            .order(ByteOrder.LITTLE_ENDIAN);
    long perCpu = directory.pagesPerCpu();
    int pageSize = directory.pageSize();
    for (int cpu = 0; cpu < ncpu; cpu++) {
      int o = cpu * RingReader.RING_DESC;
      if (!RingReader.validDescriptor(desc, o, cpu)) {
        problems.add(RingReader.badDescriptor(cpu, directory.descriptorAddress(cpu)));
        continue;
      }
      long base = desc.getLong(o + 8);
      long head = desc.getLong(o + 16);
      if (Long.compareUnsigned(head, next[cpu]) < 0) {
        problems.add(
            "cpu %d: ring head went back from %d to %d (guest rebooted?); reading it again"
                .formatted(cpu, next[cpu], head));
        next[cpu] = 0;
      }
      long limit = includeCurrent || head == 0 ? head : head - 1;
      long oldest = Long.compareUnsigned(head, perCpu) > 0 ? head - perCpu : 0;
      long from = Long.compareUnsigned(next[cpu], oldest) > 0 ? next[cpu] : oldest;
      // At most pagesPerCpu slots per CPU, whatever head says.
      long s = from;
      while (Long.compareUnsigned(s, limit) < 0) {
        long slot = s & (perCpu - 1);
        long run = Math.min(Math.min(limit - s, perCpu - slot), CHUNK / pageSize);
        long address = base + slot * pageSize;
        byte[] bytes;
        try {
          bytes = memory.virtual().read(address, (int) (run * pageSize));
        } catch (UnmappedAddressException | AbsentMemoryException | ReadLimitException e) {
          long lost = limit - s;
          skipped += lost;
          problems.add(
              "cpu %d: ring slots at 0x%x unreadable (%s); %d page(s) from %d skipped"
                  .formatted(cpu, address, e.getMessage(), lost, s));
          break;
        }
        read += bytes.length;
        ByteBuffer chunk = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < run; i++, s++) {
          ByteBuffer page = chunk.slice(i * pageSize, pageSize).order(ByteOrder.LITTLE_ENDIAN);
          int commit = RingReader.committed(page, cpu, s, pageSize);
          if (commit < 0) {
            skipped++;
            problems.add(RingReader.invalidSlot(cpu, s, perCpu));
            continue;
          }
          int length = RingReader.pageLength(commit);
          capture.frame(
              FrameEncoder.encode(FrameType.PAGE, frameSeq++ & 0xFFFF, page.slice(0, length)));
          pages++;
          pageBytes += length;
        }
      }
      next[cpu] = limit;
    }
    capture.flush();
    return new Pass(pages, pageBytes, read, skipped, System.nanoTime() - t0);
  }

  @Override
  public String toString() {
    return "RingExtraction[" + directory + ", next=" + Arrays.toString(next) + "]";
  }

  /** Reads the kernel command line through the {@code kernel_cmdline} pointer, bounded. */
  public static String commandLine(TargetMemory memory, long kernelCmdlinePointer)
      throws MemoryAccessException {
    long p = memory.virtual().u64(kernelCmdlinePointer);
    return memory.virtual().cString(p, HelloCodec.MAX_CMDLINE);
  }
}
