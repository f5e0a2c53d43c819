package dev.uniscope.core.extract;

import dev.uniscope.core.memory.AbsentMemoryException;
import dev.uniscope.core.memory.MemoryAccessException;
import dev.uniscope.core.memory.PhysicalRange;
import dev.uniscope.core.memory.TargetMemory;
import dev.uniscope.core.memory.Translation;
import dev.uniscope.core.memory.UnmappedAddressException;
import dev.uniscope.core.symbols.LayoutBlock;
import dev.uniscope.trace.memory.DirectoryException;
import dev.uniscope.trace.memory.DirectoryHeader;
import dev.uniscope.trace.memory.RingReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The kernel's ring directory ({@code struct trace_dir}, docs/protocol.md section 11), checked: the
 * header by trace-ingest's {@link DirectoryHeader}, and the rings it describes fit in the target's
 * memory.
 *
 * @param address virtual address (the directory's pointers are virtual)
 * @param physical its physical address
 * @param found how it was located
 */
public record RingDirectory(long address, long physical, Found found, DirectoryHeader header) {

  /** Layout-block region kind of the directory (docs/protocol.md section 11; docs/kaslr.md). */
  public static final int REGION_TRACE = 11;

  /** How the directory was located. */
  public enum Found {
    /** The layout block's region of kind 11 ({@code trace}). */
    LAYOUT_REGION,
    /** A scan of physical memory for the magic, reached through the direct map. */
    SCAN
  }

  public int ncpu() {
    return header.ncpu();
  }

  public int pageSize() {
    return header.pageSize();
  }

  public int pagesPerCpu() {
    return header.pagesPerCpu();
  }

  public long metadataAddress() {
    return header.metadataAddress();
  }

  public int metadataLength() {
    return header.metadataLength();
  }

  /** 0 streaming, 1 flight recorder. */
  public int mode() {
    return header.mode();
  }

  /** Bytes of ring pages per CPU. */
  public long ringBytes() {
    return header.ringBytes();
  }

  /** Virtual address of CPU {@code cpu}'s ring descriptor. */
  public long descriptorAddress(int cpu) {
    return address + RingReader.DIR_HEADER + (long) cpu * RingReader.RING_DESC;
  }

  /**
   * Finds the directory of the boot behind {@code memory}: the layout block's {@code trace} region,
   * else a scan of physical memory (docs/protocol.md section 11).
   *
   * @throws ExtractionException naming what was searched when there is none, or when it is invalid
   */
  public static RingDirectory find(TargetMemory memory, LayoutBlock block)
      throws ExtractionException, MemoryAccessException {
    Optional<LayoutBlock.Region> region =
        block.regions().stream().filter(r -> r.kind() == REGION_TRACE).findFirst();
    if (region.isPresent()) {
      LayoutBlock.Region r = region.get();
      RingDirectory d =
          parse(
              ByteBuffer.wrap(memory.virtual().read(r.start(), RingReader.DIR_HEADER)),
              r.start(),
              r.phys(),
              Found.LAYOUT_REGION,
              memory.physicalMap().totalBytes());
      long size = RingReader.DIR_HEADER + (long) RingReader.RING_DESC * d.ncpu();
      if (Long.compareUnsigned(r.size(), size) < 0) {
        throw new ExtractionException(
            "the layout block's trace region at 0x%x is 0x%x bytes, too small for %d ring descriptors"
                .formatted(r.start(), r.size(), d.ncpu()));
      }
      return d;
    }
    return scan(memory, block);
  }

  /**
   * The fallback of {@link #find} on its own: scans every physical range for the directory magic at
   * 64-byte alignment and reaches a hit through the block's direct map (region kind 9). Slow on a
   * live target (it reads all of memory); public so the region can be cross-checked.
   */
  public static RingDirectory scan(TargetMemory memory, LayoutBlock block)
      throws ExtractionException, MemoryAccessException {
    String regions =
        block.regions().stream()
            .map(r -> r.kind() + " " + r.name())
            .collect(Collectors.joining(", ", "[", "]"));
    Optional<LayoutBlock.Region> directMap =
        block.regions().stream().filter(r -> r.kind() == LayoutBlock.Region.DIRECTMAP).findFirst();
    if (directMap.isEmpty()) {
      throw new ExtractionException(
          "no trace ring directory: the layout block has no region of kind 11 (trace) and no"
              + " direct map (kind 9) to reach a scanned one; its regions are "
              + regions);
    }
    long hhdm = directMap.get().start();
    TargetGuestMemory physical = TargetGuestMemory.physical(memory);
    long scanned = 0;
    for (PhysicalRange range : memory.physicalMap().ranges()) {
      long at = range.start();
      long end = range.start() + range.size();
      while (Long.compareUnsigned(at, end) < 0) {
        long hit = RingReader.findDirectory(physical, at, end - at);
        if (hit < 0) {
          break;
        }
        Optional<RingDirectory> d = candidate(memory, hhdm, hit);
        if (d.isPresent()) {
          return d.get();
        }
        at = hit + 64;
      }
      scanned += range.size();
    }
    throw new ExtractionException(
        ("no trace ring directory: the layout block has no region of kind 11 (trace) (its regions"
                + " are %s), and scanning %d MiB of guest-physical memory %s at 64-byte alignment"
                + " found no 'UTRD' directory of version 1 with valid ring descriptors. Is the"
                + " kernel built with tracing, and past trace_init?")
            .formatted(regions, scanned >> 20, memory.physicalMap().ranges()));
  }

  /** A scan hit, accepted when it parses and every ring descriptor has its magic and CPU. */
  private static Optional<RingDirectory> candidate(TargetMemory memory, long hhdm, long phys)
      throws MemoryAccessException {
    try {
      long va = hhdm + phys;
      Translation t = memory.translate(va);
      if (t.physicalAddress() != phys) {
        return Optional.empty();
      }
      RingDirectory d =
          parse(
              ByteBuffer.wrap(memory.physical().read(phys, RingReader.DIR_HEADER)),
              va,
              phys,
              Found.SCAN,
              memory.physicalMap().totalBytes());
      ByteBuffer rings =
          ByteBuffer.wrap(
                  memory
                      .physical()
                      .read(phys + RingReader.DIR_HEADER, RingReader.RING_DESC * d.ncpu()))
              .order(ByteOrder.LITTLE_ENDIAN);
      for (int cpu = 0; cpu < d.ncpu(); cpu++) {
        int o = cpu * RingReader.RING_DESC;
        if (!RingReader.validDescriptor(rings, o, cpu)) {
          return Optional.empty();
        }
      }
      return Optional.of(d);
    } catch (ExtractionException | UnmappedAddressException | AbsentMemoryException e) {
      return Optional.empty(); // not the directory: keep scanning
    }
  }

  /**
   * Checks a directory header (64 bytes at {@code address}).
   *
   * @param memoryBytes the target's memory: rings larger than that are refused
   */
  static RingDirectory parse(
      ByteBuffer header, long address, long physical, Found found, long memoryBytes)
      throws ExtractionException {
    DirectoryHeader h;
    try {
      h = DirectoryHeader.parse(header, address);
    } catch (DirectoryException e) {
      throw new ExtractionException(e.getMessage());
    }
    long rings = h.ncpu() * h.ringBytes(); // at most 2^8 * 2^18 * 2^16: no overflow
    if (rings > memoryBytes) {
      throw new ExtractionException(
          "trace directory at 0x%x: %d rings of %d x %d bytes (%d MiB) exceed the target's %d MiB of memory"
              .formatted(
                  address,
                  h.ncpu(),
                  h.pagesPerCpu(),
                  h.pageSize(),
                  rings >> 20,
                  memoryBytes >> 20));
    }
    return new RingDirectory(address, physical, found, h);
  }
}
