package io.finality.engine;

import io.finality.engine.model.Payment;

/**
 * Sorts candidate payments into tracking order ({@link Payment#serial()}), in place and allocating nothing.
 *
 * <p>Candidate lists are usually 0 or 1 long, and insertion sort is the cheapest there. But dropping or
 * double-spending a transaction whose N outputs pay invoices makes N candidates, and they arrive from an index chain
 * that is newest first: insertion sort's worst case, N^2/2 moves. So above {@value #INSERTION_THRESHOLD} it heapsorts
 * (N log N whatever the order; {@link java.util.Arrays#sort(Object[], int, int, java.util.Comparator)} would allocate
 * its merge buffer).
 *
 * <p>Stateless; the engine calls it from the state-engine thread.
 */
final class SerialSort {
    static final int INSERTION_THRESHOLD = 24;

    private SerialSort() {
    }

    /** Sort {@code a[0, count)} by ascending serial. */
    static void sort(final Payment[] a, final int count) {
        if (count <= INSERTION_THRESHOLD) {
            insertionSort(a, count);
        } else {
            heapSort(a, count);
        }
    }

    private static void insertionSort(final Payment[] a, final int count) {
        for (int i = 1; i < count; i++) {
            final Payment p = a[i];
            int k = i - 1;
            while (k >= 0 && a[k].serial() > p.serial()) {
                a[k + 1] = a[k];
                k--;
            }
            a[k + 1] = p;
        }
    }

    private static void heapSort(final Payment[] a, final int count) {
        for (int i = count / 2 - 1; i >= 0; i--) {
            siftDown(a, i, count);
        }
        for (int end = count - 1; end > 0; end--) {
            final Payment top = a[0];
            a[0] = a[end];
            a[end] = top;
            siftDown(a, 0, end);
        }
    }

    private static void siftDown(final Payment[] a, final int start, final int size) {
        final Payment p = a[start];
        int i = start;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && a[child + 1].serial() > a[child].serial()) {
                child++;
            }
            if (a[child].serial() <= p.serial()) {
                break;
            }
            a[i] = a[child];
            i = child;
        }
        a[i] = p;
    }
}
