package dev.uniscope.core.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guest-physical RAM and ROM of a running QEMU, from the monitor's {@code info mtree -f}: the
 * flat view of the address space {@code "memory"}, keeping regions of type {@code ram}, {@code
 * rom}, {@code ramd} and {@code romd} (everything else is I/O or unassigned). Observed format (QEMU
 * 7.2):
 *
 * <pre>
 * FlatView #3
 *  AS "memory", root: system
 *  AS "cpu-memory-0", root: system
 *  Root memory region: system
 *   0000000000000000-000000000009ffff (prio 0, ram): pc.ram
 *   00000000000a0000-00000000000bffff (prio 1, i/o): vga-lowmem
 * </pre>
 */
public final class QemuMemoryTree {
  /** The monitor command whose output {@link #parse} reads. */
  public static final String COMMAND = "info mtree -f";

  private static final Pattern FLAT_VIEW = Pattern.compile("^FlatView #\\d+");
  private static final Pattern ADDRESS_SPACE = Pattern.compile("^\\s*AS \"([^\"]*)\"");
  private static final Pattern REGION =
      Pattern.compile(
          "^\\s*([0-9a-fA-F]{1,16})-([0-9a-fA-F]{1,16}) \\(prio -?\\d+, (ram|rom|ramd|romd)\\):");
  private static final int MAX_RANGES = 4096;

  private QemuMemoryTree() {}

  /**
   * @throws TargetAccessException when the text has no flat view for {@code "memory"} or no RAM
   */
  public static PhysicalMap parse(String text) throws TargetAccessException {
    List<PhysicalRange> ranges = new ArrayList<>();
    boolean inMemoryView = false;
    boolean found = false;
    for (String line : text.split("\r?\n")) {
      if (FLAT_VIEW.matcher(line).find()) {
        if (found) {
          break;
        }
        inMemoryView = false;
        continue;
      }
      Matcher as = ADDRESS_SPACE.matcher(line);
      if (as.find()) {
        if (as.group(1).equals("memory")) {
          inMemoryView = true;
          found = true;
        }
        continue;
      }
      Matcher m = REGION.matcher(line);
      if (inMemoryView && m.find()) {
        long start = Long.parseUnsignedLong(m.group(1), 16);
        long last = Long.parseUnsignedLong(m.group(2), 16);
        if (Long.compareUnsigned(last, start) >= 0 && last - start + 1 > 0) {
          if (ranges.size() == MAX_RANGES) {
            throw new TargetAccessException(
                "'info mtree -f' lists over " + MAX_RANGES + " RAM regions", null);
          }
          ranges.add(new PhysicalRange(start, last - start + 1));
        }
      }
    }
    if (ranges.isEmpty()) {
      throw new TargetAccessException(
          "no RAM in the flat view of address space \"memory\" in the output of '"
              + COMMAND
              + "' (is this QEMU?)",
          null);
    }
    return new PhysicalMap(ranges, "guest RAM/ROM ('" + COMMAND + "')");
  }
}
