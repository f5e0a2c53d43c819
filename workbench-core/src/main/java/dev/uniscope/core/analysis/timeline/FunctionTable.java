package dev.uniscope.core.analysis.timeline;

import java.util.HashMap;
import java.util.Map;

/**
 * A two-way table between function names and addresses. Text formats carry names, the event model
 * carries addresses: an importer interns each name to a synthetic address in a reserved range (or
 * to the address itself when the name is {@code 0x<hex>}), and exporters print the names back.
 */
public final class FunctionTable implements FunctionNames {
  /**
   * Synthetic addresses live in the non-canonical x86-64 hole, so no real code address collides.
   */
  public static final long SYNTHETIC_BASE = 0x0000_9000_0000_0000L;

  private static final int MAX_NAMES = 1 << 22;

  private final Map<String, Long> byName = new HashMap<>();
  private final Map<Long, String> byIp = new HashMap<>();

  /** The address for {@code name}, interning it if new. */
  public long intern(String name) {
    Long ip = byName.get(name);
    if (ip != null) {
      return ip;
    }
    long v = parseHex(name);
    if (v == -1) {
      if (byName.size() >= MAX_NAMES) {
        throw new IllegalStateException("more than " + MAX_NAMES + " distinct function names");
      }
      v = SYNTHETIC_BASE + 16L * byName.size();
    }
    byName.put(name, v);
    byIp.putIfAbsent(v, name);
    return v;
  }

  /** Records a real symbol (from the kernel's symbol table). */
  public void define(long ip, String name) {
    byIp.put(ip, name);
    byName.putIfAbsent(name, ip);
  }

  @Override
  public String nameOf(long ip) {
    return byIp.get(ip);
  }

  public int size() {
    return byIp.size();
  }

  private static long parseHex(String s) {
    if (s.length() < 3 || s.length() > 18 || !s.startsWith("0x")) {
      return -1;
    }
    long v = 0;
    for (int i = 2; i < s.length(); i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0 || Character.isUpperCase(s.charAt(i))) {
        return -1;
      }
      v = (v << 4) | d;
    }
    // Only canonical spellings map to themselves, so the name prints back identically.
    return ("0x" + Long.toHexString(v)).equals(s) && v != -1 ? v : -1;
  }
}
