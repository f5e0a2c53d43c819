package dev.uniscope.core.memory;

import dev.uniscope.core.symbols.VmcoreInfo;
import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The memory of a QEMU {@code dump-guest-memory} ELF core (docs/memory.md): the file is mapped
 * read-only, physical reads copy from the {@code PT_LOAD} that holds the address, and virtual reads
 * walk the page tables from the first vCPU's CR3 (QEMU's note). Immutable after opening; reads may
 * run on any thread until {@link #close()}.
 */
public final class DumpMemory implements TargetMemory {
  private static final long CR0_PG = 1L << 31;
  private static final long CR4_LA57 = 1L << 12;

  /** QEMU refuses larger guest notes (docs/specs/vmcoreinfo.rst), so a larger one is not real. */
  private static final long MAX_VMCOREINFO = 1 << 20;

  private final String name;
  private final Arena arena;
  private final MemorySegment file;
  private final ElfCore core;
  private final List<CpuState> cpus;
  private final Optional<VmcoreInfo> vmcoreInfo;
  private final Optional<String> vmcoreInfoText;
  private final List<String> warnings;
  private final PhysicalMap map;
  private final MemoryReader physical = this::readPhysical;
  private final VirtualReader virtual;

  private DumpMemory(String name, Arena arena, MemorySegment file) throws MalformedDumpException {
    this.name = name;
    this.arena = arena;
    this.file = file;
    this.core = ElfCore.parse(file, name);
    this.cpus = CpuNotes.decode(file, core.notes());
    List<String> problems = new ArrayList<>();
    String text = null;
    VmcoreInfo info = null;
    for (ElfCore.Note n : core.notes()) {
      if (n.name().equals("VMCOREINFO") && text == null && n.descSize() > MAX_VMCOREINFO) {
        problems.add(
            "%s: VMCOREINFO note ignored: 0x%x bytes, QEMU accepts less than 0x%x"
                .formatted(name, n.descSize(), MAX_VMCOREINFO));
      } else if (n.name().equals("VMCOREINFO") && text == null) {
        byte[] raw = file.asSlice(n.descOffset(), n.descSize()).toArray(ValueLayout.JAVA_BYTE);
        text = new String(raw, StandardCharsets.ISO_8859_1);
        try {
          info = VmcoreInfo.parse(text);
        } catch (MalformedBinaryException e) {
          // A bad note must not cost the user the rest of the dump.
          problems.add(name + ": VMCOREINFO note ignored: " + e.getMessage());
        }
      }
    }
    this.vmcoreInfoText = Optional.ofNullable(text);
    this.vmcoreInfo = Optional.ofNullable(info);
    this.warnings = List.copyOf(problems);
    List<PhysicalRange> ranges = new ArrayList<>();
    for (ElfCore.Extent e : core.extents()) {
      ranges.add(new PhysicalRange(e.start(), e.last() - e.start() + 1));
    }
    this.map = new PhysicalMap(ranges, "the dump " + name);
    this.virtual = new VirtualReader(physical, this::pageTableRoot);
  }

  /** Maps and parses a dump file; {@link #close()} unmaps it. */
  public static DumpMemory open(Path path) throws IOException {
    Arena arena = Arena.ofShared();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
      return new DumpMemory(path.toString(), arena, data);
    } catch (IOException | RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /** Parses a dump already in memory (tests, dumps received over a connection). */
  public static DumpMemory of(MemorySegment bytes, String name) throws MalformedDumpException {
    return new DumpMemory(name, null, bytes);
  }

  /** {@code EM_X86_64} (62) when the first vCPU was in long mode, else {@code EM_386} (3). */
  public int machine() {
    return core.machine();
  }

  public List<DumpSegment> segments() {
    return core.segments();
  }

  /** Registers of each vCPU, in note order. */
  public List<CpuState> cpus() {
    return cpus;
  }

  /** The kernel's VMCOREINFO note, parsed, when the dump has one and it is well-formed. */
  public Optional<VmcoreInfo> vmcoreInfo() {
    return vmcoreInfo;
  }

  /** The VMCOREINFO note's raw text, even if it did not parse. */
  public Optional<String> vmcoreInfoText() {
    return vmcoreInfoText;
  }

  /** Parts of the dump that were ignored, with the reason (the dump itself is still usable). */
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public MemoryReader physical() {
    return physical;
  }

  @Override
  public MemoryReader virtual() {
    return virtual;
  }

  /** Virtual reads through another page-table root (another address space, or a CR3 of choice). */
  public MemoryReader virtual(long cr3) {
    return new VirtualReader(physical, () -> cr3);
  }

  @Override
  public Translation translate(long virtualAddress) throws MemoryAccessException {
    return virtual.translate(virtualAddress);
  }

  /**
   * CR3 of the first vCPU whose QEMU note has one, after checking that it uses 4-level paging.
   *
   * @throws MalformedDumpException when no vCPU note carries CR3 or paging is not 4-level
   */
  @Override
  public long pageTableRoot() throws MalformedDumpException {
    for (CpuState cpu : cpus) {
      if (cpu.cr3().isPresent()) {
        long cr0 = cpu.get("cr0").orElse(CR0_PG);
        long cr4 = cpu.get("cr4").orElse(0);
        if ((cr0 & CR0_PG) == 0) {
          throw new MalformedDumpException(
              name + ": vCPU " + cpu.index() + " has paging off (CR0.PG = 0): no virtual memory");
        }
        if ((cr4 & CR4_LA57) != 0) {
          throw new MalformedDumpException(
              name + ": vCPU " + cpu.index() + " uses 5-level paging (CR4.LA57), not supported");
        }
        return cpu.cr3().getAsLong();
      }
    }
    throw new MalformedDumpException(
        name + ": no QEMU CPU note with CR3, so the page-table root is unknown; use virtual(cr3)");
  }

  @Override
  public PhysicalMap physicalMap() {
    return map;
  }

  @Override
  public String description() {
    return "dump " + name;
  }

  private void readPhysical(long address, byte[] dst, int offset, int length)
      throws MemoryAccessException {
    MemoryReader.checkRange(address, length);
    Objects.checkFromIndexSize(offset, length, dst.length);
    List<ElfCore.Extent> extents = core.extents();
    long done = 0;
    while (done < length) {
      long at = address + done;
      ElfCore.Extent e = find(extents, at);
      if (e == null) {
        throw new AbsentMemoryException(at, "no PT_LOAD of the dump " + name + " holds it");
      }
      long n = Math.min(length - done, e.last() - at + 1);
      if (n <= 0) {
        n = length - done; // the extent ends at 2^64 - 1
      }
      MemorySegment.copy(
          file, ValueLayout.JAVA_BYTE, at + e.fileDelta(), dst, offset + (int) done, (int) n);
      done += n;
    }
  }

  private static ElfCore.Extent find(List<ElfCore.Extent> extents, long address) {
    int lo = 0;
    int hi = extents.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      ElfCore.Extent e = extents.get(mid);
      if (Long.compareUnsigned(address, e.start()) < 0) {
        hi = mid - 1;
      } else if (Long.compareUnsigned(address, e.last()) > 0) {
        lo = mid + 1;
      } else {
        return e;
      }
    }
    return null;
  }

  @Override
  public void close() {
    if (arena != null) {
      arena.close();
    }
  }
}
