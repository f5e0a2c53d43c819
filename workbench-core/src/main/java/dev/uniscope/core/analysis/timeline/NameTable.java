package dev.uniscope.core.analysis.timeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Interned marker and counter names: events keep an int id, not a String per event. */
final class NameTable {
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> names = new ArrayList<>();

  int intern(String name) {
    Integer id = ids.get(name);
    if (id != null) {
      return id;
    }
    int n = names.size();
    ids.put(name, n);
    names.add(name);
    return n;
  }

  String name(int id) {
    return id >= 0 && id < names.size() ? names.get(id) : null;
  }

  int size() {
    return names.size();
  }
}
