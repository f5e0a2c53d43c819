package dev.uniscope.core.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the per-vCPU notes of a QEMU dump (reference/qemu-elf-dump.md §3): {@code CORE}/{@code
 * NT_PRSTATUS} (general registers; x86-64 or i386 layout by descriptor size) and {@code QEMU}
 * ({@code QEMUCPUState}: control registers, descriptor tables; fields read only as far as its
 * {@code size} and the descriptor reach). The n-th note of each kind belongs to the n-th vCPU.
 */
final class CpuNotes {
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong U64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  static final int NT_PRSTATUS = 1;
  private static final int PRSTATUS_X86_64 = 336;
  private static final int PRSTATUS_I386 = 144;

  /** x86-64 {@code user_regs_struct} order, from offset 112 of the prstatus. */
  private static final String[] PRSTATUS64 = {
    "r15",
    "r14",
    "r13",
    "r12",
    "rbp",
    "rbx",
    "r11",
    "r10",
    "r9",
    "r8",
    "rax",
    "rcx",
    "rdx",
    "rsi",
    "rdi",
    "orig_rax",
    "rip",
    "cs",
    "eflags",
    "rsp",
    "ss",
    "fs_base",
    "gs_base",
    "ds",
    "es",
    "fs",
    "gs"
  };

  /** i386 registers, 4 bytes each from offset 72. */
  private static final String[] PRSTATUS32 = {
    "ebx",
    "ecx",
    "edx",
    "esi",
    "edi",
    "ebp",
    "eax",
    "ds",
    "es",
    "fs",
    "gs",
    "orig_eax",
    "eip",
    "cs",
    "eflags",
    "esp",
    "ss"
  };

  /** QEMUCPUState: 8-byte registers from offset 8. */
  private static final String[] QEMU_GPRS = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8", "r9", "r10", "r11", "r12", "r13",
    "r14", "r15", "rip", "eflags"
  };

  /** QEMUCPUState segments (24 bytes each) from offset 152. */
  private static final String[] QEMU_SEGMENTS = {
    "cs", "ds", "es", "fs", "gs", "ss", "ldt", "tr", "gdt", "idt"
  };

  private CpuNotes() {}

  static List<CpuState> decode(MemorySegment file, List<ElfCore.Note> notes) {
    List<Map<String, Long>> prstatus = new ArrayList<>();
    List<Map<String, Long>> qemu = new ArrayList<>();
    for (ElfCore.Note n : notes) {
      MemorySegment d = file.asSlice(n.descOffset(), n.descSize());
      if (n.name().equals("CORE") && n.type() == NT_PRSTATUS) {
        prstatus.add(prstatus(d));
      } else if (n.name().equals("QEMU") && n.type() == 0) {
        qemu.add(qemuCpuState(d));
      }
    }
    List<CpuState> cpus = new ArrayList<>();
    int count = Math.max(prstatus.size(), qemu.size());
    for (int i = 0; i < count; i++) {
      Map<String, Long> regs = new LinkedHashMap<>();
      if (i < prstatus.size()) {
        regs.putAll(prstatus.get(i));
      }
      if (i < qemu.size()) {
        qemu.get(i).forEach(regs::putIfAbsent);
      }
      cpus.add(new CpuState(i, regs));
    }
    return List.copyOf(cpus);
  }

  private static Map<String, Long> prstatus(MemorySegment d) {
    Map<String, Long> r = new LinkedHashMap<>();
    if (d.byteSize() >= PRSTATUS_X86_64) {
      r.put("pr_pid", u32(d, 32));
      for (int i = 0; i < PRSTATUS64.length; i++) {
        r.put(PRSTATUS64[i], d.get(U64, 112 + 8L * i));
      }
    } else if (d.byteSize() >= PRSTATUS_I386) {
      r.put("pr_pid", u32(d, 24));
      for (int i = 0; i < PRSTATUS32.length; i++) {
        r.put(PRSTATUS32[i], u32(d, 72 + 4L * i));
      }
    }
    return r;
  }

  private static Map<String, Long> qemuCpuState(MemorySegment d) {
    Map<String, Long> r = new LinkedHashMap<>();
    if (d.byteSize() < 8) {
      return r;
    }
    // Fields beyond min(size, descriptor) are not there; newer QEMUs only append.
    long end = Math.min(u32(d, 4), d.byteSize());
    for (int i = 0; i < QEMU_GPRS.length; i++) {
      putU64(r, QEMU_GPRS[i], d, 8 + 8L * i, end);
    }
    for (int i = 0; i < QEMU_SEGMENTS.length; i++) {
      long at = 152 + 24L * i;
      if (at + 24 <= end) {
        String s = QEMU_SEGMENTS[i];
        boolean table = s.equals("gdt") || s.equals("idt");
        if (!table) {
          r.put(s + "_selector", u32(d, at));
        }
        r.put(s + "_limit", u32(d, at + 4));
        r.put(s + "_base", d.get(U64, at + 16));
      }
    }
    for (int i = 0; i <= 4; i++) {
      putU64(r, "cr" + i, d, 392 + 8L * i, end);
    }
    return r;
  }

  private static void putU64(Map<String, Long> r, String name, MemorySegment d, long at, long end) {
    if (at + 8 <= end) {
      r.put(name, d.get(U64, at));
    }
  }

  private static long u32(MemorySegment d, long at) {
    return Integer.toUnsignedLong(d.get(U32, at));
  }
}
