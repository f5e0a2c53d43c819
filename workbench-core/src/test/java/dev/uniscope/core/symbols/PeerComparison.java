package dev.uniscope.core.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@link Symbolizer} against nm (function names and offsets) and addr2line (file:line) on
 * the same binary, at every function start and at sampled addresses inside functions.
 */
final class PeerComparison {
  private final Path elf;
  private final Symbolizer symbolizer;
  private final Slide slide;
  private final List<PeerTools.NmSymbol> sized = new ArrayList<>();
  private final Map<Long, Set<String>> namesAt = new HashMap<>();
  private final long[] codeStarts;

  PeerComparison(Path elf, Symbolizer symbolizer, Slide slide) throws IOException {
    this.elf = elf;
    this.symbolizer = symbolizer;
    this.slide = slide;
    List<Long> starts = new ArrayList<>();
    for (PeerTools.NmSymbol s : PeerTools.nm(elf)) {
      if (!s.isCode()) {
        continue;
      }
      namesAt.computeIfAbsent(s.address(), k -> new HashSet<>()).add(s.name());
      starts.add(s.address());
      if (s.size() > 0) {
        sized.add(s);
      }
    }
    // Sorted in unsigned order (kernel addresses have the top bit set).
    codeStarts =
        starts.stream()
            .mapToLong(a -> a ^ Long.MIN_VALUE)
            .distinct()
            .sorted()
            .map(a -> a ^ Long.MIN_VALUE)
            .toArray();
  }

  /** Sized code symbols nm reports (the ones whose extent nm and the ELF agree on). */
  int sizedFunctionCount() {
    return sized.size();
  }

  /**
   * Link addresses to check: every sized function start, plus up to {@code samples} evenly spaced
   * offsets inside each (all offsets when the function is smaller).
   */
  long[] addresses(int samples) {
    List<Long> out = new ArrayList<>();
    for (PeerTools.NmSymbol s : sized) {
      out.add(s.address());
      long step = Math.max(1, s.size() / samples);
      for (long off = 1; off < s.size(); off += step) {
        out.add(s.address() + off);
      }
      out.add(s.address() + s.size() - 1);
    }
    return out.stream().mapToLong(Long::longValue).distinct().toArray();
  }

  /** Every checked address gives a name nm has at the enclosing start, and the right offset. */
  void checkFunctions(long[] linkAddresses) {
    Map<Long, PeerTools.NmSymbol> enclosing = new HashMap<>();
    for (PeerTools.NmSymbol s : sized) {
      enclosing.putIfAbsent(s.address(), s);
    }
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (long link : linkAddresses) {
      long start = startAtOrBefore(link);
      PeerTools.NmSymbol s = enclosing.get(start);
      if (s == null || Long.compareUnsigned(link - start, s.size()) >= 0) {
        continue; // not inside a sized function, or another symbol starts in between
      }
      long runtime = slide.toRuntime(link);
      SymbolizedAddress got = symbolizer.symbolize(runtime, slide);
      checked++;
      if (got.linkAddress() != link
          || got.function() == null
          || !namesAt.get(start).contains(got.function())
          || got.offset() != link - start) {
        failures.add(
            "0x%x: got %s, nm has %s+0x%x"
                .formatted(link, got.label(), namesAt.get(start), link - start));
      }
    }
    System.out.printf(
        "symbols: %s (slide %s): %d addresses agree with nm%n",
        elf, slide, checked - failures.size());
    assertThat(failures).as("function mismatches against nm on %s", elf).isEmpty();
    assertThat(checked).as("addresses checked against nm").isGreaterThan(0);
  }

  /** file:line equals addr2line's at every address, "no line" included. Returns lines found. */
  int checkLines(long[] linkAddresses) throws IOException {
    List<String> expected = PeerTools.addr2line(elf, linkAddresses);
    List<String> failures = new ArrayList<>();
    int withLine = 0;
    for (int i = 0; i < linkAddresses.length; i++) {
      SymbolizedAddress got = symbolizer.symbolize(slide.toRuntime(linkAddresses[i]), slide);
      String mine = got.source() == null ? null : got.source().toString();
      if (expected.get(i) != null) {
        withLine++;
      }
      if (!java.util.Objects.equals(mine, expected.get(i))) {
        failures.add(
            "0x%x (%s): got %s, addr2line %s"
                .formatted(linkAddresses[i], got.label(), mine, expected.get(i)));
      }
    }
    System.out.printf(
        "symbols: %s (slide %s): %d of %d addresses agree with addr2line, %d of them with a line%n",
        elf, slide, linkAddresses.length - failures.size(), linkAddresses.length, withLine);
    assertThat(failures)
        .as(
            "file:line mismatches against addr2line on %s (%d addresses)",
            elf, linkAddresses.length)
        .isEmpty();
    return withLine;
  }

  /**
   * {@link #checkFunctions} and {@link #checkLines} at {@code samples} addresses per function, and
   * every global function's name resolves to its link address plus the slide.
   */
  void checkAll(int samples) throws IOException {
    long[] addresses = addresses(samples);
    checkFunctions(addresses);
    checkLines(addresses);
    for (PeerTools.NmSymbol s : PeerTools.nm(elf)) {
      if (s.type() == 'T') {
        assertThat(symbolizer.resolve(s.name(), slide))
            .as("resolve %s", s.name())
            .hasValueSatisfying(
                i -> assertThat(i.runtimeAddress()).isEqualTo(s.address() + slide.value()));
      }
    }
  }

  private long startAtOrBefore(long link) {
    // Binary search in unsigned order: kernel addresses have the top bit set.
    int lo = 0;
    int hi = codeStarts.length - 1;
    long found = 0;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(codeStarts[mid], link) <= 0) {
        found = codeStarts[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
