package dev.uniscope.core.symbols.elf;

import dev.uniscope.core.symbols.binary.ByteCursor;
import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of an ELF64 little-endian file (x86_64 kernels and test binaries): headers,
 * sections, segments, symbol tables, the build-id note and the bytes at a link-time address.
 *
 * <p>The file is memory-mapped, not read: a kernel with full debug info can be large and most of it
 * is never touched. Every offset, size and index taken from the file is checked when the headers
 * are parsed, so later accessors cannot run off the mapping.
 */
public final class ElfFile implements AutoCloseable {
  public static final int ET_EXEC = 2;
  public static final int ET_DYN = 3;
  public static final int ET_CORE = 4;

  private static final int EHDR_SIZE = 64;
  private static final int PHDR_SIZE = 56;
  private static final int SHDR_SIZE = 64;
  private static final int SYM_SIZE = 24;
  private static final int NT_GNU_BUILD_ID = 3;
  private static final MemorySegment EMPTY = MemorySegment.ofArray(new byte[0]).asReadOnly();

  private final String source;
  private final Arena arena;
  private final MemorySegment data;
  private final int type;
  private final int machine;
  private final long entry;
  private final List<ElfSection> sections;
  private final List<ElfSegment> segments;

  private ElfFile(String source, Arena arena, MemorySegment data) throws MalformedBinaryException {
    this.source = source;
    this.arena = arena;
    this.data = data;
    ByteCursor header = new ByteCursor(data, source);
    if (data.byteSize() < EHDR_SIZE) {
      throw fail("file is 0x%x bytes, shorter than the 64-byte ELF header", data.byteSize());
    }
    if (header.u32() != 0x464c457fL) {
      throw fail("not an ELF file (bad magic)");
    }
    int elfClass = header.u8();
    int encoding = header.u8();
    if (elfClass != 2) {
      throw fail("ELF class %d is not supported (only ELF64)", elfClass);
    }
    if (encoding != 1) {
      throw fail("ELF data encoding %d is not supported (only little-endian)", encoding);
    }
    header.seek(16);
    this.type = header.u16();
    this.machine = header.u16();
    header.u32(); // e_version
    this.entry = header.u64();
    long phoff = header.u64AsSize("e_phoff");
    long shoff = header.u64AsSize("e_shoff");
    header.u32(); // e_flags
    header.u16(); // e_ehsize
    int phentsize = header.u16();
    int phnum = header.u16();
    int shentsize = header.u16();
    int shnum = header.u16();
    int shstrndx = header.u16();

    this.segments = parseSegments(phoff, phentsize, phnum);
    this.sections = parseSections(shoff, shentsize, shnum, shstrndx);
  }

  /** Maps the file read-only; {@link #close()} unmaps it. */
  public static ElfFile open(Path path) throws IOException {
    Arena arena = Arena.ofShared();
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
      return new ElfFile(path.toString(), arena, data);
    } catch (IOException | RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /** Parses bytes already in memory (tests, images read out of a dump). */
  public static ElfFile of(MemorySegment bytes, String source) throws MalformedBinaryException {
    return new ElfFile(source, null, bytes);
  }

  public String source() {
    return source;
  }

  /** {@link #ET_EXEC}, {@link #ET_DYN} (PIE and static-PIE), ... */
  public int type() {
    return type;
  }

  /** {@code e_machine}: 62 for x86_64. */
  public int machine() {
    return machine;
  }

  public long entry() {
    return entry;
  }

  public long fileSize() {
    return data.byteSize();
  }

  public List<ElfSection> sections() {
    return sections;
  }

  public List<ElfSegment> segments() {
    return segments;
  }

  public Optional<ElfSection> section(String name) {
    for (ElfSection s : sections) {
      if (s.name().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The allocated section holding a link-time address, if any. */
  public Optional<ElfSection> sectionAt(long linkAddress) {
    for (ElfSection s : sections) {
      if (s.size() > 0 && s.containsAddress(linkAddress)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The PT_LOAD segment holding a link-time address, if any. */
  public Optional<ElfSegment> loadSegmentAt(long linkAddress) {
    for (ElfSegment s : segments) {
      if (s.type() == ElfSegment.PT_LOAD && s.containsAddress(linkAddress)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * The file bytes of a section, read-only. Empty for sections without file bytes (NOBITS).
   *
   * @throws MalformedBinaryException for a compressed section (SHF_COMPRESSED), which needs
   *     inflating first and is not supported
   */
  public MemorySegment contents(ElfSection section) throws MalformedBinaryException {
    if (!section.hasFileBytes()) {
      return EMPTY;
    }
    if ((section.flags() & ElfSection.SHF_COMPRESSED) != 0) {
      throw fail(
          "section %d (%s) is compressed (SHF_COMPRESSED); relink without"
              + " --compress-debug-sections",
          section.index(), section.name());
    }
    return data.asSlice(section.offset(), section.size()).asReadOnly();
  }

  /**
   * The bytes of the loaded image at a link-time address, as the loader would place them: file
   * bytes of the PT_LOAD segment, zeros past its file size (.bss).
   *
   * @throws MalformedBinaryException if the range is not inside one PT_LOAD segment
   */
  public byte[] read(long linkAddress, int length) throws MalformedBinaryException {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    for (ElfSegment s : segments) {
      if (s.type() != ElfSegment.PT_LOAD || !s.containsAddress(linkAddress)) {
        continue;
      }
      long start = linkAddress - s.virtualAddress();
      if (length > s.memorySize() - start) {
        throw fail(
            "0x%x bytes at 0x%x run past the end of segment %d (0x%x..0x%x)",
            length,
            linkAddress,
            s.index(),
            s.virtualAddress(),
            s.virtualAddress() + s.memorySize());
      }
      byte[] out = new byte[length];
      long inFile = Math.max(0, Math.min(length, s.fileSize() - start));
      if (inFile > 0) {
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, s.offset() + start, out, 0, (int) inFile);
      }
      return out;
    }
    throw fail("address 0x%x is not in any PT_LOAD segment", linkAddress);
  }

  /**
   * The symbols of {@code .symtab}, or of {@code .dynsym} when the file is stripped. Entry 0 (the
   * null symbol) is left out.
   */
  public List<ElfSymbol> symbols() throws MalformedBinaryException {
    ElfSection table = null;
    for (ElfSection s : sections) {
      if (s.type() == ElfSection.SHT_SYMTAB) {
        table = s;
        break;
      }
    }
    if (table == null) {
      for (ElfSection s : sections) {
        if (s.type() == ElfSection.SHT_DYNSYM) {
          table = s;
          break;
        }
      }
    }
    return table == null ? List.of() : symbols(table);
  }

  /** The symbols of one SYMTAB or DYNSYM section. */
  public List<ElfSymbol> symbols(ElfSection table) throws MalformedBinaryException {
    if (table.entrySize() != SYM_SIZE) {
      throw fail(
          "section %d (%s): sh_entsize 0x%x is not the ELF64 symbol size 0x18",
          table.index(), table.name(), table.entrySize());
    }
    if (table.link() <= 0 || table.link() >= sections.size()) {
      throw fail(
          "section %d (%s): sh_link %d is not a valid string table index (%d sections)",
          table.index(), table.name(), table.link(), sections.size());
    }
    ElfSection strtab = sections.get(table.link());
    if (strtab.type() != ElfSection.SHT_STRTAB) {
      throw fail(
          "section %d (%s): sh_link %d names section type %d, not a string table",
          table.index(), table.name(), table.link(), strtab.type());
    }
    MemorySegment strings = contents(strtab);
    String stringsName = "section " + strtab.index() + " (" + strtab.name() + ")";
    ByteCursor in = new ByteCursor(contents(table), source + " " + table.name());
    long count = table.size() / SYM_SIZE;
    List<ElfSymbol> out = new ArrayList<>((int) Math.min(count, 1 << 16));
    in.skip(Math.min(SYM_SIZE, table.size()));
    for (long i = 1; i < count; i++) {
      long nameOffset = in.u32();
      int info = in.u8();
      in.u8(); // st_other
      int shndx = in.u16();
      long value = in.u64();
      long size = in.u64();
      String name;
      try {
        name = nameOffset == 0 ? "" : ByteCursor.cStringAt(strings, nameOffset, stringsName);
      } catch (MalformedBinaryException e) {
        throw fail("%s symbol %d: %s", table.name(), i, e.getMessage());
      }
      out.add(
          new ElfSymbol(
              name, value, size, SymbolType.of(info & 0xf), SymbolBinding.of(info >>> 4), shndx));
    }
    return Collections.unmodifiableList(out);
  }

  /** The GNU build-id from a NOTE section, else from a PT_NOTE segment. */
  public Optional<BuildId> buildId() throws MalformedBinaryException {
    for (ElfSection s : sections) {
      if (s.type() == ElfSection.SHT_NOTE) {
        Optional<BuildId> id =
            buildIdIn(
                contents(s), s.addressAlign(), "section " + s.index() + " (" + s.name() + ")");
        if (id.isPresent()) {
          return id;
        }
      }
    }
    for (ElfSegment p : segments) {
      if (p.type() == ElfSegment.PT_NOTE) {
        Optional<BuildId> id =
            buildIdIn(data.asSlice(p.offset(), p.fileSize()), p.align(), "segment " + p.index());
        if (id.isPresent()) {
          return id;
        }
      }
    }
    return Optional.empty();
  }

  private Optional<BuildId> buildIdIn(MemorySegment notes, long align, String where)
      throws MalformedBinaryException {
    // Notes are 4-byte aligned, except in 8-aligned note sections (gABI allows both).
    int pad = align == 8 ? 8 : 4;
    ByteCursor in = new ByteCursor(notes, source + " " + where);
    while (in.remaining() >= 12) {
      long namesz = in.u32();
      long descsz = in.u32();
      long noteType = in.u32();
      long nameStart = in.position();
      in.skip(namesz);
      in.seek(Math.min(in.size(), alignUp(in.position(), pad)));
      long descStart = in.position();
      in.skip(descsz);
      if (noteType == NT_GNU_BUILD_ID && namesz == 4 && isGnu(notes, nameStart)) {
        return Optional.of(
            new BuildId(notes.asSlice(descStart, descsz).toArray(ValueLayout.JAVA_BYTE)));
      }
      in.seek(Math.min(in.size(), alignUp(in.position(), pad)));
    }
    return Optional.empty();
  }

  private static boolean isGnu(MemorySegment notes, long at) {
    return notes.get(ValueLayout.JAVA_BYTE, at) == 'G'
        && notes.get(ValueLayout.JAVA_BYTE, at + 1) == 'N'
        && notes.get(ValueLayout.JAVA_BYTE, at + 2) == 'U'
        && notes.get(ValueLayout.JAVA_BYTE, at + 3) == 0;
  }

  private static long alignUp(long value, int alignment) {
    return (value + alignment - 1) & -alignment;
  }

  private List<ElfSegment> parseSegments(long phoff, int phentsize, int phnum)
      throws MalformedBinaryException {
    if (phnum == 0) {
      return List.of();
    }
    checkTable("program header table", "e_phoff", phoff, phentsize, PHDR_SIZE, phnum);
    List<ElfSegment> out = new ArrayList<>(phnum);
    for (int i = 0; i < phnum; i++) {
      ByteCursor in = new ByteCursor(data, source).seek(phoff + (long) i * phentsize);
      int pType = (int) in.u32();
      int pFlags = (int) in.u32();
      long offset = in.u64AsSize("program header " + i + " p_offset");
      long vaddr = in.u64();
      long paddr = in.u64();
      long filesz = in.u64AsSize("program header " + i + " p_filesz");
      long memsz = in.u64AsSize("program header " + i + " p_memsz");
      long align = in.u64();
      if (pType == ElfSegment.PT_LOAD || pType == ElfSegment.PT_NOTE) {
        checkRange("program header " + i, "p_offset", offset, "p_filesz", filesz);
        if (pType == ElfSegment.PT_LOAD && filesz > memsz) {
          throw fail(
              "program header %d: p_filesz 0x%x is larger than p_memsz 0x%x", i, filesz, memsz);
        }
      }
      out.add(new ElfSegment(i, pType, pFlags, offset, vaddr, paddr, filesz, memsz, align));
    }
    return List.copyOf(out);
  }

  private List<ElfSection> parseSections(long shoff, int shentsize, int shnum, int shstrndx)
      throws MalformedBinaryException {
    if (shoff == 0) {
      return List.of();
    }
    if (shentsize < SHDR_SIZE) {
      throw fail("e_shentsize %d is smaller than the ELF64 section header size 64", shentsize);
    }
    if (shoff > data.byteSize() || SHDR_SIZE > data.byteSize() - shoff) {
      throw fail("e_shoff 0x%x: section header 0 exceeds file size 0x%x", shoff, data.byteSize());
    }
    // Extended numbering: counts that do not fit 16 bits live in section header 0.
    ByteCursor first = new ByteCursor(data, source).seek(shoff);
    first.skip(32);
    long count = shnum;
    long firstSize = first.u64();
    int firstLink = (int) first.u32();
    if (shnum == 0) {
      count = firstSize;
    }
    long strIndex = shstrndx == ElfSymbol.SHN_XINDEX ? Integer.toUnsignedLong(firstLink) : shstrndx;
    checkTable("section header table", "e_shoff", shoff, shentsize, SHDR_SIZE, count);
    if (count == 0) {
      return List.of();
    }
    if (strIndex >= count) {
      throw fail("e_shstrndx %d is not below the section count %d", strIndex, count);
    }
    int n = (int) count; // checkTable bounds count by the file size
    long[][] raw = new long[n][];
    for (int i = 0; i < n; i++) {
      ByteCursor in = new ByteCursor(data, source).seek(shoff + (long) i * shentsize);
      String where = "section header " + i;
      long nameOffset = in.u32();
      long type = in.u32();
      long flags = in.u64();
      long addr = in.u64();
      long offset = in.u64AsSize(where + " sh_offset");
      long size = in.u64AsSize(where + " sh_size");
      long link = in.u32();
      long info = in.u32();
      long align = in.u64();
      long entsize = in.u64();
      if (type != ElfSection.SHT_NOBITS && type != ElfSection.SHT_NULL) {
        checkRange(where, "sh_offset", offset, "sh_size", size);
      }
      raw[i] = new long[] {nameOffset, type, flags, addr, offset, size, link, info, align, entsize};
    }
    MemorySegment names = null;
    String namesWhere = "section " + strIndex + " (section names)";
    if (strIndex != 0) {
      long[] s = raw[(int) strIndex];
      if (s[1] == ElfSection.SHT_NOBITS || s[1] == ElfSection.SHT_NULL) {
        throw fail("e_shstrndx %d names a section without file bytes (type %d)", strIndex, s[1]);
      }
      checkRange("section header " + strIndex, "sh_offset", s[4], "sh_size", s[5]);
      names = data.asSlice(s[4], s[5]);
    }
    List<ElfSection> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long[] s = raw[i];
      String name = "";
      if (names != null && i > 0) {
        try {
          name = ByteCursor.cStringAt(names, s[0], namesWhere);
        } catch (MalformedBinaryException e) {
          throw fail("section header %d sh_name: %s", i, e.getMessage());
        }
      }
      out.add(
          new ElfSection(
              i, name, (int) s[1], s[2], s[3], s[4], s[5], (int) s[6], (int) s[7], s[8], s[9]));
    }
    return List.copyOf(out);
  }

  private void checkTable(
      String what, String field, long offset, int entrySize, int minEntrySize, long count)
      throws MalformedBinaryException {
    if (entrySize < minEntrySize) {
      throw fail("%s: entry size %d is smaller than %d", what, entrySize, minEntrySize);
    }
    long fileSize = data.byteSize();
    if (offset > fileSize || count > (fileSize - offset) / entrySize) {
      throw fail(
          "%s: %s 0x%x + %d entries of %d bytes exceeds file size 0x%x",
          what, field, offset, count, entrySize, fileSize);
    }
  }

  private void checkRange(
      String where, String offsetField, long offset, String sizeField, long size)
      throws MalformedBinaryException {
    long fileSize = data.byteSize();
    if (offset > fileSize || size > fileSize - offset) {
      throw fail(
          "%s: %s 0x%x + %s 0x%x exceeds file size 0x%x",
          where, offsetField, offset, sizeField, size, fileSize);
    }
  }

  private MalformedBinaryException fail(String format, Object... args) {
    return new MalformedBinaryException(source + ": " + format.formatted(args));
  }

  @Override
  public void close() {
    if (arena != null) {
      arena.close();
    }
  }
}
