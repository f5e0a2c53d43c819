package dev.uniscope.core.analysis.timeline;

/** Stable merge sort of an index array by a primitive comparator (no boxing). */
final class IndexSort {
  @FunctionalInterface
  interface IndexComparator {
    int compare(int a, int b);
  }

  private IndexSort() {}

  static void sort(int[] a, IndexComparator cmp) {
    sort(a, new int[a.length], 0, a.length, cmp);
  }

  private static void sort(int[] a, int[] tmp, int from, int to, IndexComparator cmp) {
    if (to - from <= 16) {
      for (int i = from + 1; i < to; i++) {
        int v = a[i];
        int j = i - 1;
        while (j >= from && cmp.compare(a[j], v) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    sort(a, tmp, from, mid, cmp);
    sort(a, tmp, mid, to, cmp);
    if (cmp.compare(a[mid - 1], a[mid]) <= 0) {
      return;
    }
    int i = from;
    int j = mid;
    int k = from;
    while (i < mid && j < to) {
      tmp[k++] = cmp.compare(a[i], a[j]) <= 0 ? a[i++] : a[j++];
    }
    while (i < mid) {
      tmp[k++] = a[i++];
    }
    while (j < to) {
      tmp[k++] = a[j++];
    }
    System.arraycopy(tmp, from, a, from, to - from);
  }
}
