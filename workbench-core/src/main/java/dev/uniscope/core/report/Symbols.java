package dev.uniscope.core.report;

import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.core.symbols.Slide;
import dev.uniscope.core.symbols.Symbolizer;
import java.nio.file.Path;

/**
 * Address names for one capture: the kernel ELF's symbols with this boot's slide (from the hello's
 * layout block), or hex when there is no ELF.
 *
 * @param symbolizer null when no ELF could be read
 * @param elf the ELF named by the user, or null
 * @param buildIdMatches whether the ELF's build-id equals the capture's (null: unknown)
 * @param problem why there are no symbols, or empty
 */
public record Symbols(
    Symbolizer symbolizer, Slide slide, Path elf, Boolean buildIdMatches, String problem)
    implements FunctionNames {

  @Override
  public String nameOf(long ip) {
    return symbolizer == null ? null : symbolizer.functionName(ip, slide);
  }

  /** {@code function+0xoff} or hex. */
  public String label(long ip) {
    return symbolizer == null
        ? "0x" + Long.toHexString(ip)
        : symbolizer.symbolize(ip, slide).label();
  }
}
