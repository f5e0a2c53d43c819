package dev.uniscope.gdbstub.rsp;

/** Which addresses {@code m}/{@code M} use: QEMU's {@code Qqemu.PhyMemMode}. */
public enum AddressSpace {
  /** Guest-virtual, translated with the page tables of the selected ({@code Hg}) vCPU. */
  VIRTUAL,
  /** Guest-physical. */
  PHYSICAL
}
