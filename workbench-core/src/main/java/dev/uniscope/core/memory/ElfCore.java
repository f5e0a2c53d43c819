package dev.uniscope.core.memory;

import dev.uniscope.core.symbols.binary.ByteCursor;
import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The structure of a QEMU {@code dump-guest-memory} ELF core (reference/qemu-elf-dump.md, checked
 * with readelf against QEMU 7.2): ELF64 little-endian {@code ET_CORE}, {@code PT_LOAD}s of
 * guest-physical memory, and {@code PT_NOTE}s. Every offset and size is checked against the file;
 * nothing is allocated in proportion to a count the file states.
 *
 * @param extents the file bytes behind each physical address: sorted, disjoint
 */
record ElfCore(int machine, List<DumpSegment> segments, List<Note> notes, List<Extent> extents) {
  static final int EM_386 = 3;
  static final int EM_X86_64 = 62;
  private static final int PT_LOAD = 1;
  private static final int PT_NOTE = 4;
  private static final int PN_XNUM = 0xffff;
  private static final int PHDR_SIZE = 56;

  /** More notes than any real dump has (two or three per vCPU); bounds work on hostile files. */
  static final int MAX_NOTES = 4096;

  /** One note: name without its NUL, type, and where its descriptor lies in the file. */
  record Note(String name, long type, long descOffset, long descSize) {}

  /**
   * Physical {@code [start, last]} is backed by the file at {@code start + fileDelta}: segments
   * that overlap physically are merged when they map to the same file bytes.
   */
  record Extent(long start, long last, long fileDelta) {}

  static ElfCore parse(MemorySegment file, String name) throws MalformedDumpException {
    try {
      return parseChecked(file, name);
    } catch (MalformedBinaryException e) {
      throw new MalformedDumpException(name + ": " + e.getMessage());
    }
  }

  private static ElfCore parseChecked(MemorySegment file, String name)
      throws MalformedBinaryException, MalformedDumpException {
    long size = file.byteSize();
    ByteCursor h = new ByteCursor(file, "ELF header");
    if (size < 64) {
      throw bad(name, "0x%x bytes, shorter than an ELF64 header (0x40)", size);
    }
    if (h.u8() != 0x7f || h.u8() != 'E' || h.u8() != 'L' || h.u8() != 'F') {
      throw bad(name, "not an ELF file (bad magic)");
    }
    int elfClass = h.u8();
    int data = h.u8();
    if (elfClass == 1) {
      throw bad(
          name,
          "ELFCLASS32 core: QEMU writes these only for a guest outside long mode with all memory"
              + " below 4 GiB; not supported");
    }
    if (elfClass != 2) {
      throw bad(name, "unknown ELF class %d", elfClass);
    }
    if (data != 1) {
      throw bad(name, "not little-endian (EI_DATA %d)", data);
    }
    h.seek(16);
    int type = h.u16();
    int machine = h.u16();
    if (type != 4) {
      throw bad(name, "e_type %d is not ET_CORE (4): not a memory dump", type);
    }
    if (machine != EM_X86_64 && machine != EM_386) {
      throw bad(name, "e_machine %d is neither EM_X86_64 nor EM_386", machine);
    }
    h.seek(32);
    long phoff = h.u64AsSize("e_phoff");
    long shoff = h.u64AsSize("e_shoff");
    h.seek(54);
    int phentsize = h.u16();
    long phnum = h.u16();
    int shentsize = h.u16();
    // e_ehsize is not checked: QEMU 7.2 writes 8 there.
    if (phnum == PN_XNUM) {
      // Extended numbering: the real count is section header 0's sh_info.
      if (shoff == 0 || shentsize < 64) {
        throw bad(name, "e_phnum is PN_XNUM but there is no section header 0 to hold the count");
      }
      ByteCursor sh0 = new ByteCursor(file, "section header 0").seek(shoff);
      sh0.skip(44);
      phnum = sh0.u32();
    }
    if (phnum == 0) {
      throw bad(name, "no program headers: no memory and no notes");
    }
    if (phentsize != PHDR_SIZE) {
      throw bad(name, "e_phentsize %d is not %d", phentsize, PHDR_SIZE);
    }
    if (phoff > size || phnum > (size - phoff) / PHDR_SIZE) {
      throw bad(
          name,
          "%d program headers at 0x%x do not fit in the file of 0x%x bytes",
          phnum,
          phoff,
          size);
    }
    List<DumpSegment> segments = new ArrayList<>();
    List<Note> notes = new ArrayList<>();
    ByteCursor ph = new ByteCursor(file, "program headers");
    for (int i = 0; i < phnum; i++) {
      ph.seek(phoff + (long) i * PHDR_SIZE);
      long ptype = ph.u32();
      ph.u32(); // p_flags
      long offset = ph.u64();
      long vaddr = ph.u64();
      long paddr = ph.u64();
      long filesz = ph.u64();
      long memsz = ph.u64();
      if (ptype != PT_LOAD && ptype != PT_NOTE) {
        continue;
      }
      if (offset < 0 || filesz < 0 || offset > size || filesz > size - offset) {
        throw bad(
            name,
            "program header %d: p_offset 0x%s + p_filesz 0x%s exceeds the file size 0x%x",
            i,
            Long.toUnsignedString(offset, 16),
            Long.toUnsignedString(filesz, 16),
            size);
      }
      if (ptype == PT_NOTE) {
        readNotes(file, name, i, offset, filesz, notes);
        continue;
      }
      if (Long.compareUnsigned(filesz, memsz) > 0) {
        throw bad(
            name,
            "program header %d: p_filesz 0x%x exceeds p_memsz 0x%s",
            i,
            filesz,
            Long.toUnsignedString(memsz, 16));
      }
      if (filesz > 0 && Long.compareUnsigned(paddr + filesz - 1, paddr) < 0) {
        throw bad(
            name,
            "program header %d: p_paddr 0x%s + p_filesz 0x%x wraps around",
            i,
            Long.toUnsignedString(paddr, 16),
            filesz);
      }
      segments.add(new DumpSegment(i, paddr, vaddr, offset, filesz, memsz));
    }
    return new ElfCore(machine, List.copyOf(segments), List.copyOf(notes), extents(name, segments));
  }

  /** Sorted disjoint extents; physically overlapping segments must agree on the file bytes. */
  private static List<Extent> extents(String name, List<DumpSegment> segments)
      throws MalformedDumpException {
    List<DumpSegment> sorted = new ArrayList<>();
    for (DumpSegment s : segments) {
      if (s.fileSize() > 0) {
        sorted.add(s);
      }
    }
    sorted.sort(Comparator.comparing(DumpSegment::physicalAddress, Long::compareUnsigned));
    List<Extent> out = new ArrayList<>();
    DumpSegment widest = null;
    for (DumpSegment s : sorted) {
      long last = s.physicalAddress() + s.fileSize() - 1;
      long delta = s.fileOffset() - s.physicalAddress();
      Extent prev = out.isEmpty() ? null : out.getLast();
      if (prev != null && Long.compareUnsigned(s.physicalAddress(), prev.last()) <= 0) {
        // Overlap: every earlier segment covering this start shares the widest one's delta.
        if (delta != prev.fileDelta()) {
          throw bad(
              name,
              "program headers %d and %d both hold physical 0x%x but at different file offsets",
              widest.index(),
              s.index(),
              s.physicalAddress());
        }
        if (Long.compareUnsigned(last, prev.last()) > 0) {
          out.set(out.size() - 1, new Extent(prev.start(), last, delta));
          widest = s;
        }
        continue;
      }
      out.add(new Extent(s.physicalAddress(), last, delta));
      widest = s;
    }
    return List.copyOf(out);
  }

  private static void readNotes(
      MemorySegment file, String name, int header, long offset, long length, List<Note> out)
      throws MalformedBinaryException, MalformedDumpException {
    ByteCursor n = new ByteCursor(file.asSlice(offset, length), "PT_NOTE " + header);
    while (n.remaining() >= 12) {
      long at = n.position();
      long namesz = n.u32();
      long descsz = n.u32();
      long type = n.u32();
      long namePadded = (namesz + 3) & ~3L;
      long descPadded = (descsz + 3) & ~3L;
      if (namePadded > n.remaining() || descsz > n.remaining() - namePadded) {
        throw bad(
            name,
            "note at file offset 0x%x: name 0x%x + descriptor 0x%x bytes exceed its PT_NOTE"
                + " (program header %d)",
            offset + at,
            namesz,
            descsz,
            header);
      }
      byte[] raw = new byte[(int) namesz];
      for (int i = 0; i < raw.length; i++) {
        raw[i] = (byte) n.u8();
      }
      n.skip(namePadded - namesz);
      int nameLength = 0;
      while (nameLength < raw.length && raw[nameLength] != 0) {
        nameLength++;
      }
      String noteName = new String(raw, 0, nameLength, StandardCharsets.ISO_8859_1);
      if (out.size() == MAX_NOTES) {
        throw bad(name, "more than %d notes", MAX_NOTES);
      }
      out.add(new Note(noteName, type, offset + n.position(), descsz));
      n.skip(Math.min(descPadded, n.remaining()));
    }
  }

  private static MalformedDumpException bad(String file, String format, Object... args) {
    return new MalformedDumpException(file + ": " + format.formatted(args));
  }
}
