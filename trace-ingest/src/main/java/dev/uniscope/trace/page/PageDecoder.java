package dev.uniscope.trace.page;

import dev.uniscope.trace.meta.Metadata;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes pages driven by the kernel's metadata (docs/protocol.md section 5). Zero-copy: it reads
 * the caller's buffer in place and reports record positions to a {@link RecordSink}. Every length
 * and offset is checked against the page; a bad record ends the page with a {@link PageProblem}
 * while the records before it are kept.
 */
public final class PageDecoder {
  private final Metadata metadata;
  private final int pageSize;
  private final int ncpu;

  public PageDecoder(Metadata metadata, int pageSize, int ncpu) {
    if (!PageFormat.validPageSize(pageSize)) {
      throw new IllegalArgumentException("invalid page size " + pageSize);
    }
    this.metadata = metadata;
    this.pageSize = pageSize;
    this.ncpu = ncpu;
  }

  public Metadata metadata() {
    return metadata;
  }

  /**
   * Reads just the header of a page.
   *
   * @param page bytes from position to limit: the page as received (may be truncated to its commit)
   * @return the header, or a {@link PageProblem.BadHeader} wrapped in an outcome
   */
  public PageOutcome header(ByteBuffer page) {
    ByteBuffer p = page.slice().order(ByteOrder.LITTLE_ENDIAN);
    int length = p.remaining();
    if (length < PageFormat.HEADER) {
      return bad("page of " + length + " bytes is shorter than its header");
    }
    if (length > pageSize) {
      return bad("page of " + length + " bytes exceeds page_size " + pageSize);
    }
    if (p.getInt(PageFormat.OFF_MAGIC) != PageFormat.MAGIC) {
      return bad(String.format("bad magic 0x%08x", p.getInt(PageFormat.OFF_MAGIC)));
    }
    int cpu = p.getShort(PageFormat.OFF_CPU) & 0xFFFF;
    if (cpu >= ncpu) {
      return bad("cpu " + cpu + " >= ncpu " + ncpu);
    }
    long commit = Integer.toUnsignedLong(p.getInt(PageFormat.OFF_COMMIT));
    if (commit % PageFormat.ALIGN != 0 || commit > pageSize - PageFormat.HEADER) {
      return bad("commit " + commit + " not a multiple of 8 or larger than the page");
    }
    if (PageFormat.HEADER + commit > length) {
      return bad("commit " + commit + " beyond the " + length + " bytes received");
    }
    PageHeader h =
        new PageHeader(
            cpu,
            p.getShort(PageFormat.OFF_FLAGS) & 0xFFFF,
            p.getLong(PageFormat.OFF_SEQ),
            p.getLong(PageFormat.OFF_BASE_TS),
            (int) commit,
            Integer.toUnsignedLong(p.getInt(PageFormat.OFF_LOST)));
    return new PageOutcome(h, 0, null);
  }

  /** Decodes a page: header, then every record up to {@code commit}, into {@code sink}. */
  public PageOutcome decode(ByteBuffer page, RecordSink sink) {
    PageOutcome head = header(page);
    if (!head.ok()) {
      return head;
    }
    PageHeader h = head.header();
    sink.page(h);
    ByteBuffer p = page.slice().order(ByteOrder.LITTLE_ENDIAN);
    int end = PageFormat.HEADER + h.commit();
    int off = PageFormat.HEADER;
    int count = 0;
    while (off < end) {
      if (end - off < PageFormat.RECORD_HEADER) {
        return badRecord(h, off, count, "record header crosses commit");
      }
      int id = p.getShort(off) & 0xFFFF;
      int size = p.getShort(off + 2) & 0xFFFF;
      if (size < PageFormat.RECORD_HEADER || (size & (PageFormat.ALIGN - 1)) != 0) {
        return badRecord(h, off, count, "record size " + size + " not a multiple of 8 >= 8");
      }
      if (size > end - off) {
        return badRecord(h, off, count, "record of " + size + " bytes crosses commit");
      }
      if (id != PageFormat.PADDING_ID) {
        String why = checkPayload(p, off, id, size);
        if (why != null) {
          return badRecord(h, off, count, why);
        }
        sink.record(id, off, size, p.getInt(off + 4));
        count++;
      }
      off += size;
    }
    return new PageOutcome(h, count, null);
  }

  /** Null when the record's payload matches its metadata, else the reason. */
  private String checkPayload(ByteBuffer p, int off, int id, int size) {
    int fixed = metadata.fixedSize(id);
    if (fixed < 0) {
      return "event id " + id + " is not in the metadata";
    }
    int payload = size - PageFormat.RECORD_HEADER;
    if (payload < fixed) {
      return "payload of " + payload + " bytes is shorter than the fixed part (" + fixed + ")";
    }
    for (int fieldOff : metadata.dynamicOffsets(id)) {
      int loc = p.getInt(off + PageFormat.RECORD_HEADER + fieldOff);
      int dataOff = loc & 0xFFFF;
      int dataLen = loc >>> 16;
      if (dataLen != 0 && (dataOff < fixed || dataOff + dataLen > payload)) {
        return "dynamic field at payload offset " + fieldOff + " points outside the record";
      }
    }
    return null;
  }

  private static PageOutcome bad(String reason) {
    return new PageOutcome(null, 0, new PageProblem.BadHeader(reason));
  }

  private static PageOutcome badRecord(PageHeader h, int off, int count, String reason) {
    return new PageOutcome(h, count, new PageProblem.BadRecord(h.cpu(), h.seq(), off, reason));
  }
}
