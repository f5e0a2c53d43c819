package dev.uniscope.core.analysis.timeline;

import java.util.Arrays;

/** Growable primitive columns of point events, kept in arrival order. */
final class PointBuffer {
  int size;
  long[] ts = new long[16];
  int[] cpu = new int[16];
  int[] tid = new int[16];
  byte[] kind = new byte[16];
  long[] key = new long[16];
  long[] value = new long[16];
  long[] aux = new long[16];

  void add(long t, int c, int th, int k, long ky, long v, long a) {
    if (size == ts.length) {
      int n = size * 2;
      ts = Arrays.copyOf(ts, n);
      cpu = Arrays.copyOf(cpu, n);
      tid = Arrays.copyOf(tid, n);
      kind = Arrays.copyOf(kind, n);
      key = Arrays.copyOf(key, n);
      value = Arrays.copyOf(value, n);
      aux = Arrays.copyOf(aux, n);
    }
    ts[size] = t;
    cpu[size] = c;
    tid[size] = th;
    kind[size] = (byte) k;
    key[size] = ky;
    value[size] = v;
    aux[size] = a;
    size++;
  }

  /** Indices sorted by (group, ts), stable, where group is e.g. the tid or the counter name. */
  int[] orderBy(long[] groupColumnOrNull, int[] intGroupOrNull) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    IndexSort.sort(
        order,
        (a, b) -> {
          int c = 0;
          if (groupColumnOrNull != null) {
            c = Long.compare(groupColumnOrNull[a], groupColumnOrNull[b]);
          } else if (intGroupOrNull != null) {
            c = Integer.compare(intGroupOrNull[a], intGroupOrNull[b]);
          }
          return c != 0 ? c : Long.compare(ts[a], ts[b]);
        });
    return order;
  }
}
