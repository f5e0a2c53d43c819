package dev.uniscope.core.symbols;

import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import dev.uniscope.core.symbols.elf.BuildId;
import java.util.HexFormat;
import java.util.OptionalLong;

/**
 * The kernel's {@code VMCOREINFO} note text as QEMU appends it to a dump (docs/kaslr.md): {@code
 * key=value} lines giving the slide, the bases, the build-id and where the layout block is. Unknown
 * keys are ignored, as in Linux's format.
 *
 * @param slide {@code KERNELOFFSET} (hex without {@code 0x}, as Linux writes it)
 * @param buildId {@code BUILD-ID}, or null when absent
 */
public record VmcoreInfo(
    OptionalLong layoutAddress,
    OptionalLong slide,
    OptionalLong base,
    OptionalLong linkBase,
    BuildId buildId) {

  /** Parses the note's descriptor text (NUL padding allowed at the end). */
  public static VmcoreInfo parse(String text) throws MalformedBinaryException {
    OptionalLong layout = OptionalLong.empty();
    OptionalLong slide = OptionalLong.empty();
    OptionalLong base = OptionalLong.empty();
    OptionalLong link = OptionalLong.empty();
    BuildId buildId = null;
    int lineNumber = 0;
    for (String raw : text.split("\n", -1)) {
      lineNumber++;
      String line = raw.replace("\0", "").strip();
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = line.substring(0, eq);
      String value = line.substring(eq + 1);
      switch (key) {
        case "UNISCOPE_LAYOUT" -> layout = OptionalLong.of(hex(value, key, lineNumber));
        case "KERNELOFFSET" -> slide = OptionalLong.of(hex(value, key, lineNumber));
        case "UNISCOPE_BASE" -> base = OptionalLong.of(hex(value, key, lineNumber));
        case "UNISCOPE_LINK_BASE" -> link = OptionalLong.of(hex(value, key, lineNumber));
        case "BUILD-ID" -> {
          try {
            buildId = BuildId.ofHex(value);
          } catch (IllegalArgumentException e) {
            throw new MalformedBinaryException(
                "vmcoreinfo line %d: BUILD-ID %s is not hex".formatted(lineNumber, quote(value)));
          }
        }
        default -> {}
      }
    }
    return new VmcoreInfo(layout, slide, base, link, buildId);
  }

  /** The slide, if the note carries one. */
  public java.util.Optional<Slide> slide(Slide.Origin origin) {
    return slide.isPresent()
        ? java.util.Optional.of(Slide.of(slide.getAsLong(), origin))
        : java.util.Optional.empty();
  }

  private static long hex(String value, String key, int line) throws MalformedBinaryException {
    String digits = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
    if (digits.isEmpty() || digits.length() > 16 || !HexFormat.isHexDigit(digits.charAt(0))) {
      throw new MalformedBinaryException(
          "vmcoreinfo line %d: %s=%s is not a 64-bit hex number"
              .formatted(line, key, quote(value)));
    }
    try {
      return Long.parseUnsignedLong(digits, 16);
    } catch (NumberFormatException e) {
      throw new MalformedBinaryException(
          "vmcoreinfo line %d: %s=%s is not a 64-bit hex number"
              .formatted(line, key, quote(value)));
    }
  }

  /** Guest text in an error message: bounded and printable. */
  private static String quote(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
  }
}
