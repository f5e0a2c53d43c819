package dev.uniscope.core.symbols;

import dev.uniscope.core.symbols.elf.ElfSection;
import dev.uniscope.core.symbols.elf.ElfSymbol;
import dev.uniscope.core.symbols.elf.SymbolBinding;
import dev.uniscope.core.symbols.elf.SymbolType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Link address to function: sorted, non-overlapping ranges in primitive arrays, one binary search
 * per lookup.
 *
 * <p>Rules: a sized {@code FUNC}/{@code IFUNC} symbol covers {@code [value, value + size)}. Symbols
 * without a size (assembly entry points, {@code NOTYPE} labels in executable sections) cover from
 * their address up to the next symbol, the end of their section, or {@code maxUnsizedExtent} bytes,
 * whichever is first — the nearest-preceding fallback, bounded so that a stray address far past the
 * last label is not blamed on it. Unsized labels inside a sized function are ignored (the function
 * is the better answer). Where several symbols share an address, the sized one, then the {@code
 * FUNC} one, then the global over the weak over the local, then the lexically smallest name is
 * shown.
 */
public final class FunctionTable {
  /** Default bound for the extent of symbols without a size. */
  public static final long DEFAULT_MAX_UNSIZED_EXTENT = 0x1000;

  private final long[] startKeys;
  private final long[] endKeys;
  private final String[] names;

  private FunctionTable(long[] startKeys, long[] endKeys, String[] names) {
    this.startKeys = startKeys;
    this.endKeys = endKeys;
    this.names = names;
  }

  /** Candidate symbol with its section's end, for ordering and extent. */
  private record Candidate(ElfSymbol symbol, long sectionEnd) {
    boolean sized() {
      return symbol.size() != 0;
    }

    long start() {
      return symbol.value();
    }

    int rank() {
      int r = sized() ? 0 : 8;
      r += symbol.type() == SymbolType.NOTYPE ? 4 : 0;
      r +=
          switch (symbol.binding()) {
            case GLOBAL -> 0;
            case WEAK -> 1;
            default -> 2;
          };
      return r;
    }
  }

  private static final Comparator<Candidate> ORDER =
      Comparator.<Candidate>comparingLong(c -> c.start() ^ Long.MIN_VALUE)
          .thenComparingInt(Candidate::rank)
          .thenComparing(c -> c.symbol().name());

  public static FunctionTable build(
      List<ElfSymbol> symbols, List<ElfSection> sections, long maxUnsizedExtent) {
    List<Candidate> candidates = new ArrayList<>();
    for (ElfSymbol s : symbols) {
      if (!s.isInSection() || s.sectionIndex() >= sections.size() || s.name().isEmpty()) {
        continue;
      }
      ElfSection section = sections.get(s.sectionIndex());
      boolean code =
          s.type() == SymbolType.FUNC
              || s.type() == SymbolType.IFUNC
              || (s.type() == SymbolType.NOTYPE
                  && section.isExecutable()
                  && s.binding() != SymbolBinding.OTHER);
      if (!code || !section.isAllocated()) {
        continue;
      }
      long sectionEnd = section.address() + section.size();
      candidates.add(new Candidate(s, sectionEnd));
    }
    candidates.sort(ORDER);

    int n = candidates.size();
    long[] starts = new long[n];
    long[] ends = new long[n];
    String[] names = new String[n];
    int count = 0;
    long sizedEnd = 0; // end of the last sized function kept, as an unsigned address
    boolean haveSized = false;
    for (int i = 0; i < n; i++) {
      Candidate c = candidates.get(i);
      long start = c.start();
      if (count > 0 && start == (starts[count - 1] ^ Long.MIN_VALUE)) {
        continue; // an alias at the same address, ranked lower
      }
      if (!c.sized() && haveSized && Long.compareUnsigned(start, sizedEnd) < 0) {
        continue; // a label inside a sized function
      }
      long end;
      if (c.sized()) {
        end = start + c.symbol().size();
        sizedEnd = end;
        haveSized = true;
      } else {
        end = minUnsigned(c.sectionEnd(), saturatingAdd(start, maxUnsizedExtent));
      }
      if (Long.compareUnsigned(end, start) <= 0) {
        continue; // empty, or wrapped around the top of the address space
      }
      // The next range starts where this one ends at the latest.
      if (count > 0 && Long.compareUnsigned(ends[count - 1] ^ Long.MIN_VALUE, start) > 0) {
        ends[count - 1] = start ^ Long.MIN_VALUE;
      }
      starts[count] = start ^ Long.MIN_VALUE;
      ends[count] = end ^ Long.MIN_VALUE;
      names[count] = c.symbol().name();
      count++;
    }
    return new FunctionTable(
        Arrays.copyOf(starts, count), Arrays.copyOf(ends, count), Arrays.copyOf(names, count));
  }

  private static long saturatingAdd(long unsignedValue, long increment) {
    long sum = unsignedValue + increment;
    return Long.compareUnsigned(sum, unsignedValue) < 0 ? -1L : sum;
  }

  private static long minUnsigned(long a, long b) {
    return Long.compareUnsigned(a, b) <= 0 ? a : b;
  }

  /** Number of function ranges. */
  public int size() {
    return names.length;
  }

  /** The range holding a link address, or -1. */
  public int indexOf(long linkAddress) {
    long key = linkAddress ^ Long.MIN_VALUE;
    int lo = 0;
    int hi = startKeys.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (startKeys[mid] <= key) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found >= 0 && key < endKeys[found] ? found : -1;
  }

  public String name(int index) {
    return names[index];
  }

  /** Link address where range {@code index} starts. */
  public long start(int index) {
    return startKeys[index] ^ Long.MIN_VALUE;
  }

  /** Link address one past the end of range {@code index}. */
  public long end(int index) {
    return endKeys[index] ^ Long.MIN_VALUE;
  }
}
