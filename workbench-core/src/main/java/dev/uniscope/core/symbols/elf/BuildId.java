package dev.uniscope.core.symbols.elf;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The GNU build-id ({@code NT_GNU_BUILD_ID} note): identifies the exact binary a running kernel or
 * dump came from, so the workbench can refuse to symbolize with the wrong ELF.
 */
public final class BuildId {
  private final byte[] bytes;

  public BuildId(byte[] bytes) {
    this.bytes = bytes.clone();
  }

  public static BuildId ofHex(String hex) {
    return new BuildId(HexFormat.of().parseHex(hex));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BuildId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
