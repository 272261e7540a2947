package io.finality.engine;

import io.finality.engine.model.Payment;
import java.util.Arrays;

/**
 * The payments of one chain that a reorg, a conflict or a mempool drop can still change, in
 * creation order (the order in which the engine walks them). An array list without boxing or
 * iterators; grows by doubling.
 *
 * <p>Owned by the state-engine thread.
 */
final class TrackedPayments {
    private Payment[] items = new Payment[64];
    private int size;

    int size() {
        return size;
    }

    Payment get(final int i) {
        return items[i];
    }

    void add(final Payment p) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = p;
    }

    /** Keep the first {@code kept} entries (after the caller compacted them in place). */
    void truncate(final int kept) {
        Arrays.fill(items, kept, size, null);
        size = kept;
    }

    void set(final int i, final Payment p) {
        items[i] = p;
    }
}
