package dev.uniscope.core.imports;

import java.util.Map;

/** One parsed Trace Event Format entry, with timestamps already in nanoseconds. */
record ChromeEvent(
    int index,
    char ph,
    String name,
    String cat,
    long ts,
    long dur,
    long pid,
    long tid,
    Map<String, Object> args) {

  long argLong(String key, long otherwise) {
    Object v = args.get(key);
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
      return Math.round(d);
    }
    if (v instanceof String s) {
      return ChromeJsonImporter.parseAddress(s, otherwise);
    }
    return otherwise;
  }

  boolean argTrue(String key) {
    return Boolean.TRUE.equals(args.get(key));
  }

  String argString(String key) {
    return args.get(key) instanceof String s ? s : null;
  }
}
