package dev.uniscope.trace.store;

import dev.uniscope.trace.meta.EventDef;
import dev.uniscope.trace.meta.Metadata;
import dev.uniscope.trace.page.PageHeader;
import dev.uniscope.trace.page.RecordView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Columnar store of decoded events: per CPU, in time order, about 12 bytes per event plus a page
 * table; payloads are read in place from a {@link PageSource} (the memory-mapped capture file). Not
 * thread-safe: one writer (the ingest thread); readers after ingest or under the caller's lock.
 */
public final class EventStore {
  private static final int ARRAY_HEADER = 16;

  private final PageSource source;
  private final List<Metadata> metadata = new ArrayList<>();
  private CpuColumns[] cpus = new CpuColumns[0];
  // Page table.
  private long[] pageOffset = new long[1024];
  private long[] pageBase = new long[1024];
  private int[] pageLength = new int[1024];
  private short[] pageMeta = new short[1024];
  private int pages;
  private long events;

  public EventStore(PageSource source) {
    this.source = source;
  }

  /** Registers a metadata table; pages added afterwards use it. Returns its epoch number. */
  public int addMetadata(Metadata md) {
    if (metadata.size() >= Short.MAX_VALUE) {
      throw new IllegalStateException("too many metadata changes");
    }
    metadata.add(md);
    return metadata.size() - 1;
  }

  /**
   * Adds a page before its records.
   *
   * @param offset where the page bytes are in the page source
   * @return the page index to pass to {@link #addRecord}
   */
  public int addPage(PageHeader h, long offset, int length) {
    if (metadata.isEmpty()) {
      throw new IllegalStateException("no metadata");
    }
    if (pages == pageOffset.length) {
      int n = pages * 2;
      pageOffset = Arrays.copyOf(pageOffset, n);
      pageBase = Arrays.copyOf(pageBase, n);
      pageLength = Arrays.copyOf(pageLength, n);
      pageMeta = Arrays.copyOf(pageMeta, n);
    }
    pageOffset[pages] = offset;
    pageBase[pages] = h.baseTs();
    pageLength[pages] = length;
    pageMeta[pages] = (short) (metadata.size() - 1);
    return pages++;
  }

  public void addRecord(int cpu, int pageIndex, int recordOffset, int eventId, int tsDelta) {
    if (cpu >= cpus.length) {
      int old = cpus.length;
      cpus = Arrays.copyOf(cpus, cpu + 1);
      for (int i = old; i <= cpu; i++) {
        cpus[i] = new CpuColumns();
      }
    }
    cpus[cpu].add(pageIndex, tsDelta, recordOffset, eventId);
    events++;
  }

  public long eventCount() {
    return events;
  }

  public int pageCount() {
    return pages;
  }

  /** Number of CPUs that have events (CPU numbers 0..n-1). */
  public int cpuCount() {
    return cpus.length;
  }

  public long eventCount(int cpu) {
    return cpu < cpus.length ? cpus[cpu].size() : 0;
  }

  public long timestamp(int cpu, long i) {
    CpuColumns c = cpus[cpu];
    return pageBase[c.pageIndex(i)] + c.delta(i);
  }

  public int eventId(int cpu, long i) {
    return cpus[cpu].eventId(i);
  }

  /**
   * The definition of event {@code i} of {@code cpu}, from the metadata its page was decoded with.
   */
  public EventDef event(int cpu, long i) {
    CpuColumns c = cpus[cpu];
    return metadata.get(pageMeta[c.pageIndex(i)]).event(c.eventId(i));
  }

  /** A view of the event's fields, read in place from the page source. */
  public RecordView view(int cpu, long i) {
    CpuColumns c = cpus[cpu];
    int p = c.pageIndex(i);
    return new RecordView(
        source.page(pageOffset[p], pageLength[p]),
        c.recordOffset(i),
        metadata.get(pageMeta[p]).event(c.eventId(i)));
  }

  /** Visits every event in global time order (per-CPU order kept on ties, lower CPU first). */
  public void forEachInTimeOrder(EventVisitor visitor) {
    PriorityQueue<long[]> heads =
        new PriorityQueue<>(
            (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    for (int c = 0; c < cpus.length; c++) {
      if (cpus[c].size() > 0) {
        heads.add(new long[] {timestamp(c, 0), c, 0});
      }
    }
    while (!heads.isEmpty()) {
      long[] h = heads.poll();
      int cpu = (int) h[1];
      long i = h[2];
      if (!visitor.visit(cpu, i, h[0], eventId(cpu, i))) {
        return;
      }
      if (i + 1 < cpus[cpu].size()) {
        h[0] = timestamp(cpu, i + 1);
        h[2] = i + 1;
        heads.add(h);
      }
    }
  }

  /** Receives events; return false to stop. */
  @FunctionalInterface
  public interface EventVisitor {
    boolean visit(int cpu, long index, long timestamp, int eventId);
  }

  /** Bytes of heap this store holds for events and pages (excluding the metadata tables). */
  public long residentBytes() {
    long bytes = 4L * ARRAY_HEADER + (long) pageOffset.length * (8 + 8 + 4 + 2);
    for (CpuColumns c : cpus) {
      bytes += c.residentBytes();
    }
    return bytes;
  }
}
