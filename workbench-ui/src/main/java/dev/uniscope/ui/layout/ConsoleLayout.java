package dev.uniscope.ui.layout;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layout as far as the boot lines tell it (docs/app-api.md "Console lines"): the banner's
 * build-id, {@code kaslr: slide=...} and {@code kaslr: heap=...}. Used before the hello arrives and
 * when there is no data channel. Not thread safe: feed it from one thread.
 */
public final class ConsoleLayout {
  private static final Pattern BANNER =
      Pattern.compile("^uniscope: kernel \\S+ booting build-id=([0-9a-fA-F]{1,64})");
  private static final Pattern KASLR =
      Pattern.compile(
          "^kaslr: slide=0x([0-9a-fA-F]{1,16}) base=0x([0-9a-fA-F]{1,16})"
              + " link=0x([0-9a-fA-F]{1,16}) (on|off) seed=0x([0-9a-fA-F]{1,16})"
              + " source=([\\w+-]{1,32})");
  private static final Pattern SPANS =
      Pattern.compile(
          "^kaslr: heap=0x([0-9a-fA-F]{1,16}) stacks=0x([0-9a-fA-F]{1,16})"
              + " directmap=0x([0-9a-fA-F]{1,16})");
  private static final Pattern SMP = Pattern.compile("^smp: (\\d{1,4}) cpus online");

  private LayoutInfo info = LayoutInfo.EMPTY;

  /** Takes one console line; returns true when it changed the layout. */
  public boolean accept(String line) {
    Matcher m;
    if ((m = BANNER.matcher(line)).find()) {
      info = with(m.group(1).toLowerCase(java.util.Locale.ROOT), null, null, null, "", "", 0, null);
      return true;
    }
    if ((m = KASLR.matcher(line)).find()) {
      info =
          with(
              null,
              hex(m.group(1)),
              hex(m.group(2)),
              hex(m.group(3)),
              m.group(4),
              "0x" + m.group(5) + " (" + m.group(6) + ")",
              0,
              null);
      return true;
    }
    if ((m = SPANS.matcher(line)).find()) {
      List<LayoutInfo.RegionRow> rows = new ArrayList<>();
      rows.add(new LayoutInfo.RegionRow("heap", "heap", hex(m.group(1)), 64L << 30, "rw-", 0));
      rows.add(new LayoutInfo.RegionRow("stacks", "stacks", hex(m.group(2)), 64L << 30, "rw-", 0));
      rows.add(new LayoutInfo.RegionRow("directmap", "directmap", hex(m.group(3)), 0, "rw-", 0));
      info = with(null, null, null, null, "", "", 0, rows);
      return true;
    }
    if ((m = SMP.matcher(line)).find()) {
      info = with(null, null, null, null, "", "", Integer.parseInt(m.group(1)), null);
      return true;
    }
    return false;
  }

  public LayoutInfo info() {
    return info;
  }

  private LayoutInfo with(
      String buildId,
      Long slide,
      Long base,
      Long link,
      String kaslr,
      String seed,
      int cpus,
      List<LayoutInfo.RegionRow> regions) {
    List<LayoutInfo.RegionRow> r = info.regions();
    if (regions != null) {
      // The image itself, known from base and link once the first kaslr line arrived.
      r = new ArrayList<>(regions);
      if (info.base() != null) {
        r.addFirst(new LayoutInfo.RegionRow("image", "text..bss", info.base(), 0, "", 0x200000L));
      }
    }
    return new LayoutInfo(
        "console lines",
        slide != null ? slide : info.slide(),
        base != null ? base : info.base(),
        link != null ? link : info.link(),
        kaslr.isEmpty() ? info.kaslr() : kaslr,
        seed.isEmpty() ? info.seed() : seed,
        buildId != null ? buildId : info.buildId(),
        cpus != 0 ? cpus : info.cpus(),
        r);
  }

  private static long hex(String digits) {
    return Long.parseUnsignedLong(digits, 16);
  }
}
