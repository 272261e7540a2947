package io.finality.engine;

import java.util.Arrays;

/**
 * A growable list of invoice slots that can be sorted in place (Agrona's IntArrayList cannot
 * without copying). Owned by the state-engine thread.
 */
final class SlotList {
    private int[] slots = new int[64];
    private int size;

    int size() {
        return size;
    }

    int get(final int i) {
        return slots[i];
    }

    void add(final int slot) {
        if (size == slots.length) {
            slots = Arrays.copyOf(slots, size * 2);
        }
        slots[size++] = slot;
    }

    void set(final int i, final int slot) {
        slots[i] = slot;
    }

    void truncate(final int n) {
        size = n;
    }

    /** Ascending, in place, allocation-free ({@link IntSort}, not {@code Arrays.sort}). */
    void sort() {
        IntSort.sort(slots, 0, size);
    }
}
