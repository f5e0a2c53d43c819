package dev.uniscope.core.symbols;

/**
 * The KASLR slide of one boot: {@code runtime address = link address + value}, in wrapping 64-bit
 * arithmetic (kernel addresses sit at the top of the address space). The kernel computes it as
 * {@code virt_base - KERNEL_LINK}; the workbench learns it from one of the {@link Origin}s.
 */
public record Slide(long value, Origin origin) {
  /** No relocation: runtime and link addresses coincide ({@code nokaslr}, or a plain ELF). */
  public static final Slide NONE = new Slide(0, Origin.NONE);

  /** Where the slide was learned, so reports can say how much to trust it. */
  public enum Origin {
    NONE,
    /** The hello record the kernel sends on the data channel at boot. */
    HELLO_RECORD,
    /** The layout block read from guest memory through the gdb stub. */
    LAYOUT_BLOCK,
    /** The layout block found in a memory dump ({@code vmcoreinfo}). */
    DUMP,
    /** Given by the user (command line, UI). */
    USER
  }

  public Slide {
    if (origin == null) {
      throw new IllegalArgumentException("origin is required");
    }
  }

  public static Slide of(long value, Origin origin) {
    return new Slide(value, origin);
  }

  /** The slide that moves {@code linkBase} to {@code runtimeBase}. */
  public static Slide between(long linkBase, long runtimeBase, Origin origin) {
    return new Slide(runtimeBase - linkBase, origin);
  }

  public long toRuntime(long linkAddress) {
    return linkAddress + value;
  }

  public long toLink(long runtimeAddress) {
    return runtimeAddress - value;
  }

  @Override
  public String toString() {
    return (value < 0 ? "-0x" + Long.toHexString(-value) : "0x" + Long.toHexString(value))
        + " ("
        + origin.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + ")";
  }
}
