package dev.uniscope.core.symbols;

import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import dev.uniscope.core.symbols.dwarf.DebugSections;
import dev.uniscope.core.symbols.dwarf.LineTable;
import dev.uniscope.core.symbols.dwarf.SourceLocation;
import dev.uniscope.core.symbols.elf.BuildId;
import dev.uniscope.core.symbols.elf.ElfFile;
import dev.uniscope.core.symbols.elf.ElfSymbol;
import dev.uniscope.core.symbols.elf.SymbolBinding;
import dev.uniscope.core.symbols.elf.SymbolType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runtime address to function+offset and file:line, and symbol name to runtime address, for one
 * kernel ELF. Built once (symbols and line table are copied into sorted primitive arrays, the file
 * is not kept open); immutable and safe to share between threads.
 *
 * <p>Every method takes the {@link Slide} of the boot the address came from, so one symbolizer
 * serves every boot of the same build.
 */
public final class Symbolizer {
  private final String source;
  private final Optional<BuildId> buildId;
  private final FunctionTable functions;
  private final LineTable lines;
  private final Map<String, List<ElfSymbol>> byName;

  private Symbolizer(
      String source,
      Optional<BuildId> buildId,
      FunctionTable functions,
      LineTable lines,
      Map<String, List<ElfSymbol>> byName) {
    this.source = source;
    this.buildId = buildId;
    this.functions = functions;
    this.lines = lines;
    this.byName = byName;
  }

  /** Reads the ELF at {@code path} (symbols and {@code .debug_line}) and closes it. */
  public static Symbolizer load(Path path) throws IOException {
    try (ElfFile elf = ElfFile.open(path)) {
      return from(elf);
    }
  }

  public static Symbolizer from(ElfFile elf) throws MalformedBinaryException {
    return from(elf, FunctionTable.DEFAULT_MAX_UNSIZED_EXTENT);
  }

  /**
   * @param maxUnsizedExtent how far past a symbol without a size an address may lie and still be
   *     attributed to it
   */
  public static Symbolizer from(ElfFile elf, long maxUnsizedExtent)
      throws MalformedBinaryException {
    List<ElfSymbol> symbols = elf.symbols();
    FunctionTable functions = FunctionTable.build(symbols, elf.sections(), maxUnsizedExtent);
    LineTable lines = LineTable.read(DebugSections.of(elf));
    Map<String, List<ElfSymbol>> byName = new HashMap<>();
    for (ElfSymbol s : symbols) {
      if (s.isInSection()
          && !s.name().isEmpty()
          && s.type() != SymbolType.SECTION
          && s.type() != SymbolType.FILE) {
        byName.computeIfAbsent(s.name(), k -> new ArrayList<>(1)).add(s);
      }
    }
    byName.replaceAll((k, v) -> List.copyOf(v));
    return new Symbolizer(elf.source(), elf.buildId(), functions, lines, byName);
  }

  /** The file this was built from, for messages. */
  public String source() {
    return source;
  }

  /** To check against the build-id the running kernel reports before trusting any answer. */
  public Optional<BuildId> buildId() {
    return buildId;
  }

  public FunctionTable functions() {
    return functions;
  }

  public LineTable lines() {
    return lines;
  }

  /** Function and source line of a runtime address. */
  public SymbolizedAddress symbolize(long runtimeAddress, Slide slide) {
    long link = slide.toLink(runtimeAddress);
    int f = functions.indexOf(link);
    int row = lines.rowAt(link);
    return new SymbolizedAddress(
        runtimeAddress,
        link,
        f < 0 ? null : functions.name(f),
        f < 0 ? 0 : link - functions.start(f),
        row < 0 ? null : new SourceLocation(lines.file(row), lines.line(row)));
  }

  /**
   * The function range of a runtime address, or -1; the allocation-free path for profiles with
   * millions of samples ({@link FunctionTable#name(int)} gives the name).
   */
  public int functionIndex(long runtimeAddress, Slide slide) {
    return functions.indexOf(slide.toLink(runtimeAddress));
  }

  /**
   * The name of the function holding a runtime address, or null; allocation-free, e.g. {@code ip ->
   * symbolizer.functionName(ip, slide)} for a name lookup interface.
   */
  public String functionName(long runtimeAddress, Slide slide) {
    int f = functions.indexOf(slide.toLink(runtimeAddress));
    return f < 0 ? null : functions.name(f);
  }

  /**
   * The runtime address of a symbol. Where a name is defined more than once (static functions in
   * different files) a global definition is preferred, then a weak one, then the first local.
   */
  public Optional<SymbolInfo> resolve(String name, Slide slide) {
    List<ElfSymbol> all = byName.getOrDefault(name, List.of());
    ElfSymbol best = null;
    for (ElfSymbol s : all) {
      if (best == null || bindingRank(s.binding()) < bindingRank(best.binding())) {
        best = s;
      }
    }
    return Optional.ofNullable(best).map(s -> info(s, slide));
  }

  /** Every definition of a name, in symbol table order. */
  public List<SymbolInfo> resolveAll(String name, Slide slide) {
    return byName.getOrDefault(name, List.of()).stream().map(s -> info(s, slide)).toList();
  }

  private static SymbolInfo info(ElfSymbol s, Slide slide) {
    return new SymbolInfo(s.name(), slide.toRuntime(s.value()), s.size(), s.type(), s.binding());
  }

  private static int bindingRank(SymbolBinding b) {
    return switch (b) {
      case GLOBAL -> 0;
      case WEAK -> 1;
      default -> 2;
    };
  }
}
