package dev.uniscope.core.symbols.binary;

import java.io.IOException;

/**
 * An ELF or DWARF input is inconsistent: an offset, size, index or encoding does not fit. The
 * message names the structure and the place (section, offset) so that a user can see what is wrong
 * with which file.
 */
public final class MalformedBinaryException extends IOException {
  private static final long serialVersionUID = 1L;

  public MalformedBinaryException(String message) {
    super(message);
  }
}
