package dev.uniscope.core.memory;

import java.util.Map;
import java.util.OptionalLong;

/**
 * One vCPU's registers as a dump recorded them, by gdb's names ({@code rip}, {@code rsp}, {@code
 * eflags}, {@code cr3}, {@code fs_base}, ...). NT_PRSTATUS gives the general registers and
 * selectors; QEMU's own note adds the control registers and descriptor tables.
 *
 * @param index the vCPU's position among the dump's notes (0 = the first vCPU)
 */
public record CpuState(int index, Map<String, Long> registers) {
  public CpuState {
    registers = Map.copyOf(registers);
  }

  public OptionalLong get(String name) {
    Long v = registers.get(name);
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }

  /** The page-table root, when QEMU's note for this vCPU was present. */
  public OptionalLong cr3() {
    return get("cr3");
  }
}
