package dev.uniscope.core.memory;

/**
 * A dump file is not a usable ELF core: the message names the file, the structure and the offset
 * that is wrong (e.g. {@code vm.core: program header 3: p_offset 0x... + p_filesz 0x... exceeds the
 * file size 0x...}).
 */
public final class MalformedDumpException extends MemoryAccessException {
  private static final long serialVersionUID = 1L;

  public MalformedDumpException(String message) {
    super(message);
  }
}
