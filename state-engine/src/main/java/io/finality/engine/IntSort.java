package io.finality.engine;

/**
 * An allocation-free ascending sort of an {@code int[]} range, for the engine's slot lists.
 *
 * <p>Why not {@link java.util.Arrays#sort(int[], int, int)}: since JDK 14 it merges runs through a
 * freshly allocated buffer when the input is made of long sorted runs (the awaiting list is exactly
 * that: a sorted prefix plus the slots appended since), and on JDK 22+ each partition step returns its
 * pivots in a new {@code int[2]}. The pipeline measured ~324 B per block on the engine thread from
 * those alone.
 *
 * <p>Introsort: median-of-three quicksort, insertion sort below {@value #INSERTION_THRESHOLD}
 * elements, heapsort when the recursion gets deeper than {@code 2 log2 n} (bounded stack, n log n
 * worst case). The recursion is on the smaller side only, so the stack depth is at most log2 n.
 *
 * <p>Stateless; any thread (the engine calls it from the state-engine thread).
 */
final class IntSort {
    static final int INSERTION_THRESHOLD = 24;

    private IntSort() {
    }

    /** Sort {@code a[from, to)} ascending, in place; allocates nothing. */
    static void sort(final int[] a, final int from, final int to) {
        if (to - from < 2) {
            return;
        }
        if (isSorted(a, from, to)) {
            return;
        }
        introsort(a, from, to, 2 * (31 - Integer.numberOfLeadingZeros(to - from)));
    }

    private static boolean isSorted(final int[] a, final int from, final int to) {
        for (int i = from + 1; i < to; i++) {
            if (a[i - 1] > a[i]) {
                return false;
            }
        }
        return true;
    }

    private static void introsort(final int[] a, final int fromIndex, final int toIndex, final int depthLimit) {
        int from = fromIndex;
        int to = toIndex;
        int depth = depthLimit;
        while (to - from > INSERTION_THRESHOLD) {
            if (depth-- == 0) {
                heapsort(a, from, to);
                return;
            }
            final int split = partition(a, from, to);
            // recurse into the smaller part, loop on the larger: stack depth stays within log2 n
            if (split - from < to - split) {
                introsort(a, from, split, depth);
                from = split;
            } else {
                introsort(a, split, to, depth);
                to = split;
            }
        }
        insertionSort(a, from, to);
    }

    /**
     * Hoare partition around the median of the first, middle and last elements.
     *
     * @return s with from &lt; s &lt; to, every element of [from, s) &lt;= every element of [s, to).
     */
    private static int partition(final int[] a, final int from, final int to) {
        final int mid = (from + to) >>> 1;
        final int last = to - 1;
        // order a[from] <= a[mid] <= a[last]: the pivot a[mid], with sentinels at both ends
        if (a[mid] < a[from]) {
            swap(a, mid, from);
        }
        if (a[last] < a[mid]) {
            swap(a, last, mid);
            if (a[mid] < a[from]) {
                swap(a, mid, from);
            }
        }
        final int pivot = a[mid];
        int i = from;
        int j = last;
        while (true) {
            do {
                i++;
            } while (a[i] < pivot);
            do {
                j--;
            } while (a[j] > pivot);
            if (i >= j) {
                return j + 1;
            }
            swap(a, i, j);
        }
    }

    private static void insertionSort(final int[] a, final int from, final int to) {
        for (int i = from + 1; i < to; i++) {
            final int v = a[i];
            int j = i - 1;
            while (j >= from && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    private static void heapsort(final int[] a, final int from, final int to) {
        final int n = to - from;
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(a, from, i, n);
        }
        for (int end = n - 1; end > 0; end--) {
            swap(a, from, from + end);
            siftDown(a, from, 0, end);
        }
    }

    private static void siftDown(final int[] a, final int base, final int root, final int n) {
        int parent = root;
        final int v = a[base + parent];
        while (true) {
            int child = 2 * parent + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && a[base + child + 1] > a[base + child]) {
                child++;
            }
            if (a[base + child] <= v) {
                break;
            }
            a[base + parent] = a[base + child];
            parent = child;
        }
        a[base + parent] = v;
    }

    private static void swap(final int[] a, final int i, final int j) {
        final int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
