package dev.uniscope.trace.session;

import dev.uniscope.trace.meta.Metadata;
import dev.uniscope.trace.meta.MetadataCodec;
import dev.uniscope.trace.meta.MetadataException;
import dev.uniscope.trace.page.PageDecoder;
import dev.uniscope.trace.page.PageHeader;
import dev.uniscope.trace.page.PageOutcome;
import dev.uniscope.trace.page.RecordSink;
import dev.uniscope.trace.store.EventStore;
import dev.uniscope.trace.store.PageSource;
import dev.uniscope.trace.wire.FrameProblem;
import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.PayloadException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Turns frames into events: the hello and metadata configure the page decoder, pages go into the
 * {@link EventStore}. Source-agnostic: the Netty transport, the capture reader and the guest-memory
 * reader all feed it frames. Problems are logged, never thrown; nothing decoded is dropped.
 *
 * <p>Per CPU, pages are expected in {@code seq} order: gaps are reported as missing pages, and a
 * page whose {@code seq} is not newer than the last one is reported and not decoded (its bytes stay
 * in the capture).
 */
public final class TraceSession {
  /** Pages held (as offsets) while waiting for the first hello + metadata. */
  public static final int MAX_PENDING_PAGES = 1 << 20;

  private final EventStore store;
  private final PageSource source;
  private final ProblemLog problems;
  private Hello hello;
  private Metadata metadata;
  private byte[] metadataBytes;
  private PageDecoder decoder;
  private long[] lastSeq = new long[0];
  private long[] pending = new long[0]; // pairs: offset, length
  private int pendingCount;
  private long pendingDropped;
  private final Stats stats = new Stats();
  private final Sink sink = new Sink();

  /** Counters; {@link #stats()} hands out copies. */
  private static final class Stats {
    long frames;
    long pages;
    long records;
    long lostRecords;
    long missingPages;
    long badPages;
    long garbageBytes;
    long crcErrors;

    Snapshot snapshot() {
      return new Snapshot(
          frames, pages, records, lostRecords, missingPages, badPages, garbageBytes, crcErrors);
    }
  }

  /**
   * @param lostRecords sum of the pages' {@code lost} fields (records the kernel dropped)
   * @param missingPages pages absent from per-CPU sequences (lost in transit or overwritten)
   */
  public record Snapshot(
      long frames,
      long pages,
      long records,
      long lostRecords,
      long missingPages,
      long badPages,
      long garbageBytes,
      long crcErrors) {}

  public TraceSession(EventStore store, PageSource source, ProblemLog problems) {
    this.store = store;
    this.source = source;
    this.problems = problems;
  }

  public Hello hello() {
    return hello;
  }

  public Metadata metadata() {
    return metadata;
  }

  public EventStore store() {
    return store;
  }

  public ProblemLog problems() {
    return problems;
  }

  public Snapshot stats() {
    return stats.snapshot();
  }

  /** Reports a framing problem from the transport or file scanner. */
  public void onProblem(FrameProblem p) {
    switch (p) {
      case FrameProblem.Garbage g -> stats.garbageBytes += g.length();
      case FrameProblem.CrcMismatch c -> stats.crcErrors++;
      case FrameProblem.Truncated t -> {}
      case FrameProblem.BadPayload b -> {}
    }
    problems.add(p.describe());
  }

  /**
   * One valid frame.
   *
   * @param payload the payload bytes (only read during this call)
   * @param payloadOffset where the same payload bytes are in the page source, for pages
   */
  public void onFrame(FrameType type, int seq, ByteBuffer payload, long payloadOffset) {
    stats.frames++;
    switch (type) {
      case HELLO -> onHello(payload, payloadOffset);
      case METADATA -> onMetadata(payload, payloadOffset);
      case PAGE -> onPage(payload, payloadOffset);
      case COMMAND, REPLY, INDEX -> {}
    }
  }

  private void onHello(ByteBuffer payload, long at) {
    try {
      Hello h = HelloCodec.decode(payload);
      if (hello != null && Long.compareUnsigned(h.nowNs(), hello.nowNs()) < 0) {
        // The clock went back: a new boot, so page sequence numbers start again.
        lastSeq = new long[0];
      }
      hello = h;
      decoder = null;
    } catch (PayloadException e) {
      problems.add(e.getMessage() + " (frame payload at offset " + at + ")");
    }
  }

  private void onMetadata(ByteBuffer payload, long at) {
    byte[] bytes = new byte[payload.remaining()];
    payload.duplicate().get(bytes);
    if (Arrays.equals(bytes, metadataBytes)) {
      drainPending(); // the kernel repeats its metadata with every hello
      return;
    }
    try {
      Metadata md = MetadataCodec.decode(payload);
      store.addMetadata(md);
      metadata = md;
      metadataBytes = bytes;
      decoder = null;
    } catch (IllegalStateException e) {
      problems.add("metadata at offset " + at + " ignored: " + e.getMessage());
    } catch (MetadataException e) {
      problems.add(
          e.getMessage() + " (frame payload at offset " + at + "); previous metadata kept");
    }
    drainPending();
  }

  private boolean ready() {
    if (decoder == null && hello != null && metadata != null) {
      decoder = new PageDecoder(metadata, hello.pageSize(), hello.ncpu());
    }
    return decoder != null;
  }

  private void onPage(ByteBuffer payload, long at) {
    if (!ready()) {
      if (pendingCount == MAX_PENDING_PAGES) {
        pendingDropped++;
        problems.add(
            "page at offset " + at + " arrived before any hello; too many such pages to hold");
        return;
      }
      if (pendingCount * 2 == pending.length) {
        pending = Arrays.copyOf(pending, Math.max(64, pending.length * 2));
      }
      pending[pendingCount * 2] = at;
      pending[pendingCount * 2 + 1] = payload.remaining();
      pendingCount++;
      return;
    }
    decodePage(payload, at);
  }

  private void drainPending() {
    if (pendingCount == 0 || !ready()) {
      return;
    }
    for (int i = 0; i < pendingCount; i++) {
      long at = pending[i * 2];
      try {
        decodePage(source.page(at, (int) pending[i * 2 + 1]), at);
      } catch (IllegalArgumentException e) {
        problems.add("page at offset " + at + " could not be re-read: " + e.getMessage());
      }
    }
    pendingCount = 0;
    pending = new long[0];
  }

  private void decodePage(ByteBuffer payload, long at) {
    PageOutcome head = decoder.header(payload);
    if (!head.ok()) {
      stats.badPages++;
      problems.add(head.problem().describe() + " (page at offset " + at + ")");
      return;
    }
    PageHeader h = head.header();
    if (!checkSequence(h, at)) {
      return;
    }
    stats.pages++;
    stats.lostRecords += h.lost();
    if (h.lost() > 0) {
      problems.add(
          "cpu " + h.cpu() + ": kernel dropped " + h.lost() + " record(s) before page " + h.seq());
    }
    sink.at = at;
    sink.length = payload.remaining();
    PageOutcome out = decoder.decode(payload, sink);
    stats.records += out.records();
    if (!out.ok()) {
      stats.badPages++;
      problems.add(out.problem().describe() + " (page at offset " + at + ")");
    }
  }

  private boolean checkSequence(PageHeader h, long at) {
    int cpu = h.cpu();
    if (cpu >= lastSeq.length) {
      int old = lastSeq.length;
      lastSeq = Arrays.copyOf(lastSeq, cpu + 1);
      Arrays.fill(lastSeq, old, cpu + 1, -1);
    }
    long last = lastSeq[cpu];
    if (last >= 0 && Long.compareUnsigned(h.seq(), last) <= 0) {
      stats.badPages++;
      problems.add(
          "cpu "
              + cpu
              + ": page "
              + h.seq()
              + " at offset "
              + at
              + " is not newer than page "
              + last
              + "; not decoded");
      return false;
    }
    if (last >= 0 && h.seq() != last + 1) {
      long missing = h.seq() - last - 1;
      stats.missingPages += missing;
      problems.add(
          "cpu "
              + cpu
              + ": "
              + missing
              + " page(s) missing, seq "
              + (last + 1)
              + ".."
              + (h.seq() - 1));
    }
    lastSeq[cpu] = h.seq();
    return true;
  }

  /** Pages that could not be held while waiting for a hello. */
  public long pendingDropped() {
    return pendingDropped;
  }

  private final class Sink implements RecordSink {
    long at;
    int length;
    int cpu;
    int pageIndex;

    @Override
    public void page(PageHeader header) {
      cpu = header.cpu();
      pageIndex = store.addPage(header, at, length);
    }

    @Override
    public void record(int eventId, int offset, int size, int tsDelta) {
      store.addRecord(cpu, pageIndex, offset, eventId, tsDelta);
    }
  }
}
