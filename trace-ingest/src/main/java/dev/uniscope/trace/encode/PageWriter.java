package dev.uniscope.trace.encode;

import dev.uniscope.trace.page.PageFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * A Java model of one CPU's ring writer (docs/protocol.md sections 5, 9, 10): fills pages with
 * records and hands each closed page to a consumer. Used by tests, the fake kernel and the
 * benchmark generator; it follows the same rules the C writer must (W4, W6).
 */
public final class PageWriter {
  private final int cpu;
  private final int pageSize;
  private final Consumer<ByteBuffer> onPage;
  private ByteBuffer page;
  private long nextSeq;
  private long lostPending;
  private int commit;
  private long baseTs;

  /**
   * @param onPage receives each closed page, exactly {@code 32 + commit} bytes, little-endian
   */
  public PageWriter(int cpu, int pageSize, Consumer<ByteBuffer> onPage) {
    if (!PageFormat.validPageSize(pageSize)) {
      throw new IllegalArgumentException("invalid page size " + pageSize);
    }
    this.cpu = cpu;
    this.pageSize = pageSize;
    this.onPage = onPage;
  }

  /** Record size for a payload of {@code payloadLength} bytes (header + payload, 8-aligned). */
  public static int recordSize(int payloadLength) {
    return (PageFormat.RECORD_HEADER + payloadLength + 7) & ~7;
  }

  /** Counts records dropped (ring full, nesting): reported in the next page's {@code lost}. */
  public void drop(long records) {
    lostPending += records;
  }

  /**
   * Appends one record; starts a new page when it does not fit or its time delta would overflow.
   *
   * @param payload fixed part then dynamic data, position to limit (not modified)
   * @return false if the record can never fit a page (it is then counted as lost)
   */
  public boolean append(int eventId, long ts, ByteBuffer payload) {
    int size = recordSize(payload.remaining());
    if (size > pageSize - PageFormat.HEADER || size > 0xFFFF) {
      lostPending++;
      return false;
    }
    if (page == null
        || PageFormat.HEADER + commit + size > pageSize
        || ts - baseTs > 0xFFFFFFFFL
        || ts < baseTs) {
      boolean early = page != null && PageFormat.HEADER + commit + size <= pageSize;
      close(early ? PageFormat.FLAG_CLOSED_EARLY : 0);
      start(ts);
    }
    int at = PageFormat.HEADER + commit;
    page.putShort(at, (short) eventId);
    page.putShort(at + 2, (short) size);
    page.putInt(at + 4, (int) (ts - baseTs));
    page.put(at + PageFormat.RECORD_HEADER, payload, payload.position(), payload.remaining());
    commit += size;
    page.putInt(PageFormat.OFF_COMMIT, commit); // W3: commit last
    return true;
  }

  /** Closes the current page now (FLUSH); a no-op without one. */
  public void flush() {
    close(PageFormat.FLAG_CLOSED_EARLY);
  }

  private void start(long ts) {
    page = ByteBuffer.allocate(pageSize).order(ByteOrder.LITTLE_ENDIAN);
    page.putInt(PageFormat.OFF_MAGIC, PageFormat.MAGIC);
    page.putShort(PageFormat.OFF_CPU, (short) cpu);
    page.putLong(PageFormat.OFF_SEQ, nextSeq++);
    page.putLong(PageFormat.OFF_BASE_TS, ts);
    page.putInt(PageFormat.OFF_COMMIT, 0);
    page.putInt(PageFormat.OFF_LOST, (int) Math.min(lostPending, 0xFFFFFFFFL));
    lostPending = 0;
    commit = 0;
    baseTs = ts;
  }

  private void close(int flags) {
    if (page == null) {
      return;
    }
    page.putShort(PageFormat.OFF_FLAGS, (short) flags);
    onPage.accept(page.slice(0, PageFormat.HEADER + commit).order(ByteOrder.LITTLE_ENDIAN));
    page = null;
  }
}
