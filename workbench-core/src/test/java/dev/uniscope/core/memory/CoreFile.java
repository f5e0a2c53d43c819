package dev.uniscope.core.memory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes ELF cores the way QEMU 7.2's {@code dump-guest-memory} does (docs/memory.md): ELF64 LE
 * {@code ET_CORE}, one {@code PT_NOTE} first, then {@code PT_LOAD}s whose data follows the notes
 * without alignment.
 */
final class CoreFile {
  record Load(long paddr, long vaddr, byte[] data, long memsz) {}

  record Note(String name, int type, byte[] desc) {}

  final List<Load> loads = new ArrayList<>();
  final List<Note> notes = new ArrayList<>();
  int machine = 62;

  CoreFile load(long paddr, byte[] data) {
    loads.add(new Load(paddr, paddr, data, data.length));
    return this;
  }

  CoreFile note(String name, int type, byte[] desc) {
    notes.add(new Note(name, type, desc));
    return this;
  }

  /** A vCPU as QEMU writes it: NT_PRSTATUS (x86-64) and a 440-byte QEMU note. */
  CoreFile cpu(int index, long rip, long rsp, long cr0, long cr3, long cr4) {
    ByteBuffer pr = le(336);
    pr.putInt(32, index + 1);
    pr.putLong(112 + 8 * 16, rip); // rip is the 17th register
    pr.putLong(112 + 8 * 19, rsp);
    note("CORE", 1, pr.array());
    ByteBuffer q = le(440);
    q.putInt(0, 1).putInt(4, 440);
    q.putLong(8 + 8 * 6, rsp).putLong(136, rip);
    q.putLong(392, cr0).putLong(416, cr3).putLong(424, cr4);
    q.putLong(344 + 16, 0xffffffff80001000L).putInt(344 + 4, 0x7f); // gdt base, limit
    note("QEMU", 0, q.array());
    return this;
  }

  byte[] build() {
    ByteArrayOutputStream noteBytes = new ByteArrayOutputStream();
    for (Note n : notes) {
      byte[] name = (n.name() + "\0").getBytes(StandardCharsets.ISO_8859_1);
      ByteBuffer h = le(12);
      h.putInt(0, name.length).putInt(4, n.desc().length).putInt(8, n.type());
      noteBytes.writeBytes(h.array());
      noteBytes.writeBytes(pad(name));
      noteBytes.writeBytes(pad(n.desc()));
    }
    int phnum = 1 + loads.size();
    long noteOffset = 64 + 56L * phnum;
    long dataOffset = noteOffset + noteBytes.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer eh = le(64);
    eh.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    eh.putShort(16, (short) 4).putShort(18, (short) machine).putInt(20, 1);
    eh.putLong(32, 64).putShort(52, (short) 8); // e_ehsize 8, as QEMU 7.2 writes it
    eh.putShort(54, (short) 56).putShort(56, (short) phnum);
    out.writeBytes(eh.array());
    out.writeBytes(phdr(4, noteOffset, 0, 0, noteBytes.size(), noteBytes.size()));
    long at = dataOffset;
    for (Load l : loads) {
      out.writeBytes(phdr(1, at, l.vaddr(), l.paddr(), l.data().length, l.memsz()));
      at += l.data().length;
    }
    out.writeBytes(noteBytes.toByteArray());
    for (Load l : loads) {
      out.writeBytes(l.data());
    }
    return out.toByteArray();
  }

  static byte[] phdr(int type, long offset, long vaddr, long paddr, long filesz, long memsz) {
    ByteBuffer p = le(56);
    p.putInt(0, type).putLong(8, offset).putLong(16, vaddr).putLong(24, paddr);
    p.putLong(32, filesz).putLong(40, memsz);
    return p.array();
  }

  static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] pad(byte[] b) {
    return java.util.Arrays.copyOf(b, (b.length + 3) & ~3);
  }
}
