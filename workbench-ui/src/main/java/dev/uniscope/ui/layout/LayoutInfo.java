package dev.uniscope.ui.layout;

import dev.uniscope.core.symbols.LayoutBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The KASLR layout of one boot as the pane shows it.
 *
 * @param source where it came from ("layout block (hello)", "console lines")
 * @param slide runtime base minus link base, or null when unknown
 * @param base the kernel's runtime base, or null
 * @param link the link base, or null
 * @param kaslr "on", "off", or "" when unknown
 * @param seed the seed and its source as the kernel printed them, or ""
 * @param buildId hex, or ""
 * @param cpus CPUs online, or 0 when unknown
 * @param regions the region table
 */
public record LayoutInfo(
    String source,
    Long slide,
    Long base,
    Long link,
    String kaslr,
    String seed,
    String buildId,
    int cpus,
    List<RegionRow> regions) {

  /** One region: addresses as the kernel reported them; {@code size} 0 when not given. */
  public record RegionRow(
      String name, String kind, long start, long size, String perms, long phys) {
    public String startHex() {
      return hex(start);
    }

    public String endHex() {
      return size == 0 ? "" : hex(start + size);
    }

    public String sizeText() {
      return size == 0 ? "" : bytes(size);
    }

    public String physHex() {
      return phys == 0 ? "" : hex(phys);
    }
  }

  public static final LayoutInfo EMPTY =
      new LayoutInfo("", null, null, null, "", "", "", 0, List.of());

  public LayoutInfo {
    regions = List.copyOf(regions);
  }

  public static LayoutInfo of(LayoutBlock b) {
    List<RegionRow> rows = new ArrayList<>();
    for (LayoutBlock.Region r : b.regions()) {
      String perms =
          (r.readable() ? "r" : "-") + (r.writable() ? "w" : "-") + (r.executable() ? "x" : "-");
      rows.add(
          new RegionRow(clean(r.name()), kindName(r.kind()), r.start(), r.size(), perms, r.phys()));
    }
    String seed = b.kaslrEnabled() ? hex(b.kaslrSeed()) + " (" + b.seedSourceName() + ")" : "none";
    return new LayoutInfo(
        "layout block (hello record)",
        b.slide(),
        b.virtBase(),
        b.linkBase(),
        b.kaslrEnabled() ? "on" : "off",
        seed,
        b.buildId() == null ? "" : b.buildId().hex(),
        b.cpus(),
        rows);
  }

  /** This layout with gaps filled from {@code other} (the block wins over console lines). */
  public LayoutInfo orElse(LayoutInfo other) {
    return new LayoutInfo(
        source.isEmpty() ? other.source : source,
        slide != null ? slide : other.slide,
        base != null ? base : other.base,
        link != null ? link : other.link,
        kaslr.isEmpty() ? other.kaslr : kaslr,
        seed.isEmpty() ? other.seed : seed,
        buildId.isEmpty() ? other.buildId : buildId,
        cpus != 0 ? cpus : other.cpus,
        regions.isEmpty() ? other.regions : regions);
  }

  public boolean known() {
    return slide != null;
  }

  public static String hex(long v) {
    return String.format(Locale.ROOT, "0x%016x", v);
  }

  public static String bytes(long n) {
    if (n >= 1L << 30 && n % (1L << 30) == 0) {
      return (n >> 30) + " GiB";
    }
    if (n >= 1L << 20 && n % (1L << 20) == 0) {
      return (n >> 20) + " MiB";
    }
    if (n >= 1L << 10) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    return n + " B";
  }

  static String kindName(int kind) {
    return switch (kind) {
      case LayoutBlock.Region.TEXT -> "text";
      case LayoutBlock.Region.RODATA -> "rodata";
      case LayoutBlock.Region.DATA -> "data";
      case LayoutBlock.Region.BSS -> "bss";
      case LayoutBlock.Region.HEAP -> "heap";
      case LayoutBlock.Region.PERCPU -> "percpu";
      case LayoutBlock.Region.STACKS -> "stacks";
      case LayoutBlock.Region.MMIO -> "mmio";
      case LayoutBlock.Region.DIRECTMAP -> "directmap";
      case LayoutBlock.Region.KSYMS -> "ksyms";
      default -> "kind " + kind;
    };
  }

  /** Region names come from guest memory: printable ASCII only, at most 16 characters. */
  private static String clean(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 16; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
