package dev.uniscope.gdbstub.rsp;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The registers of one vCPU from a {@code g} reply, looked up by name. Little-endian (x86). */
public record RegisterValues(TargetDescription layout, ThreadId thread, byte[] raw) {

  public RegisterValues {
    raw = raw.clone();
  }

  /** Whether the {@code g} reply covered this register. */
  public boolean has(String name) {
    var r = layout.register(name);
    return r.isPresent() && r.get().offset() + r.get().byteSize() <= raw.length;
  }

  public byte[] bytes(String name) {
    RegisterInfo r = layout.require(name);
    if (r.offset() + r.byteSize() > raw.length) {
      throw new IllegalArgumentException("register '" + name + "' is not in the g reply");
    }
    return Arrays.copyOfRange(raw, r.offset(), r.offset() + r.byteSize());
  }

  /** The low 64 bits of the register. */
  public long get(String name) {
    return littleEndian(bytes(name));
  }

  /** Every register of at most 64 bits that the reply covered. */
  public Map<String, Long> scalars() {
    var m = new LinkedHashMap<String, Long>();
    for (RegisterInfo r : layout.registers()) {
      if (r.bitSize() <= 64 && has(r.name())) {
        m.put(r.name(), get(r.name()));
      }
    }
    return m;
  }

  static long littleEndian(byte[] b) {
    long v = 0;
    for (int i = Math.min(8, b.length) - 1; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }
}
