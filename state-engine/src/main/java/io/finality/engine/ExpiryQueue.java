package io.finality.engine;

import java.util.Arrays;

/**
 * A binary min-heap of (close time, invoice slot), ordered by close time then slot, so that a
 * tick closes invoices in a deterministic order without scanning every invoice.
 *
 * <p>Owned by the state-engine thread. Grows by doubling; never shrinks.
 */
final class ExpiryQueue {
    private long[] closeAt = new long[1024];
    private int[] slots = new int[1024];
    private int size;

    int size() {
        return size;
    }

    void add(final long closeAtMs, final int slot) {
        if (size == slots.length) {
            closeAt = Arrays.copyOf(closeAt, size * 2);
            slots = Arrays.copyOf(slots, size * 2);
        }
        int i = size++;
        while (i > 0) {
            final int parent = (i - 1) >>> 1;
            if (!less(closeAtMs, slot, closeAt[parent], slots[parent])) {
                break;
            }
            closeAt[i] = closeAt[parent];
            slots[i] = slots[parent];
            i = parent;
        }
        closeAt[i] = closeAtMs;
        slots[i] = slot;
    }

    /** True if the earliest entry closes at or before {@code nowMs}. */
    boolean due(final long nowMs) {
        return size > 0 && closeAt[0] <= nowMs;
    }

    /** Remove and return the slot of the earliest entry. */
    int poll() {
        final int top = slots[0];
        final int last = --size;
        final long lastClose = closeAt[last];
        final int lastSlot = slots[last];
        int i = 0;
        while (true) {
            final int left = 2 * i + 1;
            if (left >= last) {
                break;
            }
            int child = left;
            final int right = left + 1;
            if (right < last && less(closeAt[right], slots[right], closeAt[left], slots[left])) {
                child = right;
            }
            if (!less(closeAt[child], slots[child], lastClose, lastSlot)) {
                break;
            }
            closeAt[i] = closeAt[child];
            slots[i] = slots[child];
            i = child;
        }
        if (last > 0) {
            closeAt[i] = lastClose;
            slots[i] = lastSlot;
        }
        return top;
    }

    private static boolean less(final long aClose, final int aSlot, final long bClose, final int bSlot) {
        return aClose < bClose || (aClose == bClose && aSlot < bSlot);
    }
}
