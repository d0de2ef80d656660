package linkdupes.group;

import java.util.Arrays;
import linkdupes.scan.FileTable;

/** Sorts rows of a {@link FileTable} by size, ties in row order, with no object per row. */
final class RowSort {
  private static final int ROW_BITS = 24;
  private static final long MAX_PACKED_SIZE = (1L << (63 - ROW_BITS)) - 1;

  private RowSort() {}

  static void bySize(int[] rows, FileTable table) {
    int n = rows.length;
    if (n < (1 << ROW_BITS) && maxRow(rows) < (1 << ROW_BITS) && maxSize(rows, table)
        <= MAX_PACKED_SIZE) {
      // the common case: size and row packed in one long, sorted as primitives
      long[] packed = new long[n];
      for (int i = 0; i < n; i++) {
        packed[i] = table.size(rows[i]) << ROW_BITS | rows[i];
      }
      Arrays.sort(packed);
      for (int i = 0; i < n; i++) {
        rows[i] = (int) (packed[i] & ((1 << ROW_BITS) - 1));
      }
      return;
    }
    mergeSort(rows, new int[n], 0, n, table);
  }

  private static int maxRow(int[] rows) {
    int max = 0;
    for (int r : rows) {
      max = Math.max(max, r);
    }
    return max;
  }

  private static long maxSize(int[] rows, FileTable table) {
    long max = 0;
    for (int r : rows) {
      max = Math.max(max, table.size(r));
    }
    return max;
  }

  /** Stable: rows of one size keep their order. */
  private static void mergeSort(int[] a, int[] tmp, int from, int to, FileTable t) {
    if (to - from < 2) {
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(a, tmp, from, mid, t);
    mergeSort(a, tmp, mid, to, t);
    int i = from;
    int j = mid;
    int k = from;
    while (i < mid && j < to) {
      tmp[k++] = t.size(a[j]) < t.size(a[i]) ? a[j++] : a[i++];
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
