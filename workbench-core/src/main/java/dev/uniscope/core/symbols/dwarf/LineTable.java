package dev.uniscope.core.symbols.dwarf;

import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import java.util.Arrays;

/**
 * Address to file:line, from every line program in {@code .debug_line}, flattened into sorted
 * primitive arrays: a lookup is one binary search and allocates nothing.
 *
 * <p>Rows are the DWARF line-table rows of all sequences, ordered by address; each sequence ends
 * with a marker row (file -1) so that addresses between sequences resolve to nothing. Where several
 * rows share an address in a sequence the last one wins, as in binutils' addr2line. Addresses are
 * link-time addresses.
 */
public final class LineTable {
  /** Addresses with the sign bit flipped, so signed comparison orders them as unsigned. */
  private final long[] keys;

  private final int[] files;
  private final int[] lines;
  private final String[] fileNames;

  LineTable(long[] keys, int[] files, int[] lines, String[] fileNames) {
    this.keys = keys;
    this.files = files;
    this.lines = lines;
    this.fileNames = fileNames;
  }

  /** Reads every line program of {@code .debug_line}. */
  public static LineTable read(DebugSections sections) throws MalformedBinaryException {
    return LineProgramReader.read(sections);
  }

  public static LineTable empty() {
    return new LineTable(new long[0], new int[0], new int[0], new String[0]);
  }

  /** Number of rows, end-of-sequence markers included. */
  public int rowCount() {
    return keys.length;
  }

  /** The row covering a link-time address, or -1. */
  public int rowAt(long linkAddress) {
    long key = linkAddress ^ Long.MIN_VALUE;
    int lo = 0;
    int hi = keys.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (keys[mid] <= key) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found >= 0 && files[found] >= 0 ? found : -1;
  }

  /** The file of a row from {@link #rowAt}. */
  public String file(int row) {
    return fileNames[files[row]];
  }

  /** The line of a row from {@link #rowAt}; 0 when the compiler gave none. */
  public int line(int row) {
    return lines[row];
  }

  /** The link-time address where a row starts. */
  public long address(int row) {
    return keys[row] ^ Long.MIN_VALUE;
  }

  /** The source position of a link-time address, or null. */
  public SourceLocation lookup(long linkAddress) {
    int row = rowAt(linkAddress);
    return row < 0 ? null : new SourceLocation(fileNames[files[row]], lines[row]);
  }

  /** Every distinct file path the table names. */
  public String[] fileNames() {
    return Arrays.copyOf(fileNames, fileNames.length);
  }
}
