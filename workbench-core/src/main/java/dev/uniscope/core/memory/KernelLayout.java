package dev.uniscope.core.memory;

import dev.uniscope.core.symbols.LayoutBlock;
import dev.uniscope.core.symbols.Slide;
import dev.uniscope.core.symbols.VmcoreInfo;
import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import dev.uniscope.core.symbols.elf.BuildId;
import dev.uniscope.core.symbols.elf.ElfFile;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The layout of the boot behind a {@link TargetMemory}, found without symbols (docs/kaslr.md): the
 * layout block at the physical address the dump's VMCOREINFO note names, else at the fixed {@link
 * LayoutBlock#PHYSICAL_ADDRESS}. When the dump has a VMCOREINFO note, its slide and build-id must
 * agree with the block's.
 *
 * @param blockAddress the guest-physical address the block was read from
 * @param vmcoreInfo the dump's note, when there is one
 */
public record KernelLayout(
    LayoutBlock block, long blockAddress, Slide slide, Optional<VmcoreInfo> vmcoreInfo) {

  /** Version 1 is 896 bytes: the header and the whole region table. */
  static final int BLOCK_BYTES =
      LayoutBlock.HEADER_SIZE + LayoutBlock.MAX_REGIONS * LayoutBlock.REGION_SIZE;

  /** Reads and checks the layout block of the target. */
  public static KernelLayout find(TargetMemory memory)
      throws KernelLayoutException, MemoryAccessException {
    Optional<VmcoreInfo> info =
        switch (memory) {
          case DumpMemory d -> d.vmcoreInfo();
          case LiveMemory l -> Optional.empty();
        };
    Slide.Origin origin =
        switch (memory) {
          case DumpMemory d -> Slide.Origin.DUMP;
          case LiveMemory l -> Slide.Origin.LAYOUT_BLOCK;
        };
    long address =
        info.map(VmcoreInfo::layoutAddress)
            .filter(OptionalLong::isPresent)
            .map(OptionalLong::getAsLong)
            .orElse(LayoutBlock.PHYSICAL_ADDRESS);
    byte[] bytes = memory.physical().read(address, BLOCK_BYTES);
    LayoutBlock block;
    try {
      block = LayoutBlock.parse(bytes);
    } catch (MalformedBinaryException e) {
      throw new KernelLayoutException(
          "no valid layout block at phys 0x%x of the %s: %s"
              .formatted(address, memory.description(), e.getMessage()),
          e);
    }
    Slide slide =
        block
            .slide(origin)
            .orElseThrow(
                () ->
                    new KernelLayoutException(
                        "the layout block at phys 0x%x of the %s is not filled yet (state 0):"
                                .formatted(address, memory.description())
                            + " the kernel stopped before the end of its early boot"));
    if (info.isPresent()) {
      VmcoreInfo i = info.get();
      if (i.slide().isPresent() && i.slide().getAsLong() != slide.value()) {
        throw new KernelLayoutException(
            "VMCOREINFO KERNELOFFSET 0x%x disagrees with the layout block's slide 0x%x"
                .formatted(i.slide().getAsLong(), slide.value()));
      }
      if (i.buildId() != null && !i.buildId().equals(block.buildId())) {
        throw new KernelLayoutException(
            "VMCOREINFO BUILD-ID %s disagrees with the layout block's %s"
                .formatted(i.buildId().hex(), block.buildId().hex()));
      }
    }
    return new KernelLayout(block, address, slide, info);
  }

  public BuildId buildId() {
    return block.buildId();
  }

  /**
   * Checks that {@code elf} is the image that booted: a slide applied to another build gives
   * confident nonsense.
   */
  public void verify(ElfFile elf) throws KernelLayoutException {
    Optional<BuildId> id;
    try {
      id = elf.buildId();
    } catch (MalformedBinaryException e) {
      throw new KernelLayoutException(
          elf.source() + ": cannot read its build-id: " + e.getMessage(), e);
    }
    if (id.isEmpty()) {
      throw new KernelLayoutException(
          elf.source() + " has no GNU build-id, so it cannot be matched to this boot");
    }
    if (!id.get().equals(block.buildId())) {
      throw new KernelLayoutException(
          "%s has build-id %s but the target booted %s"
              .formatted(elf.source(), id.get().hex(), block.buildId().hex()));
    }
  }
}
