package dev.uniscope.core.memory;

/**
 * The memory of one target, the same way whether it is a live VM (through the gdb stub) or a dump
 * file: physical reads, virtual reads through the target's own page tables (CR3), and the physical
 * map that says which addresses exist. Every memory-based analysis is written against this, so it
 * runs unchanged on a live VM and on a dump (the drgn model).
 *
 * <pre>{@code
 * try (TargetMemory mem = DumpMemory.open(Path.of("vm.core"))) {   // or LiveMemory.attach(rsp)
 *   KernelLayout layout = KernelLayout.find(mem);                  // slide and build-id, no symbols
 *   long v = mem.virtual().u64(symbols.resolve("ticks", layout.slide()).orElseThrow().address());
 * }
 * }</pre>
 */
public sealed interface TargetMemory extends AutoCloseable permits LiveMemory, DumpMemory {
  /** The longest single read: lengths often come from guest data and must not size allocations. */
  int MAX_READ = 64 << 20;

  /** Guest-physical memory; holes and MMIO raise {@link AbsentMemoryException}. */
  MemoryReader physical();

  /** Guest-virtual memory, translated through the page tables at {@link #pageTableRoot()}. */
  MemoryReader virtual();

  /** The page-table root (CR3) virtual reads walk from. */
  long pageTableRoot() throws MemoryAccessException;

  /** Which physical addresses exist. */
  PhysicalMap physicalMap();

  /** Translates one virtual address through the page tables. */
  Translation translate(long virtualAddress) throws MemoryAccessException;

  /** What this is, for messages: the dump's path, or the stub's endpoint. */
  String description();

  @Override
  void close();
}
