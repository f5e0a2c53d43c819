package dev.uniscope.core.analysis.timeline;

/** An immutable list of point events in time order, in primitive columns. */
public final class Instants {
  private final int size;
  private final long[] ts;
  private final int[] cpu;
  private final int[] tid;
  private final byte[] kind;
  private final long[] key;
  private final long[] value;
  private final long[] aux;

  Instants(PointBuffer b) {
    int[] order = b.orderBy(null, null);
    size = b.size;
    ts = new long[size];
    cpu = new int[size];
    tid = new int[size];
    kind = new byte[size];
    key = new long[size];
    value = new long[size];
    aux = new long[size];
    for (int i = 0; i < size; i++) {
      int j = order[i];
      ts[i] = b.ts[j];
      cpu[i] = b.cpu[j];
      tid[i] = b.tid[j];
      kind[i] = b.kind[j];
      key[i] = b.key[j];
      value[i] = b.value[j];
      aux[i] = b.aux[j];
    }
  }

  public int size() {
    return size;
  }

  public long ts(int i) {
    return ts[i];
  }

  public int cpu(int i) {
    return cpu[i];
  }

  /** The thread: the marking thread, or the thread running on the CPU (-1 when unknown). */
  public int tid(int i) {
    return tid[i];
  }

  public InstantKind kind(int i) {
    return InstantKind.VALUES[kind[i]];
  }

  public long key(int i) {
    return key[i];
  }

  public long value(int i) {
    return value[i];
  }

  public long aux(int i) {
    return aux[i];
  }
}
