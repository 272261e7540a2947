package io.finality.engine.model;

import java.util.Arrays;

/**
 * Recycles {@link Payment} records: the engine takes one for each payment it sees for the first
 * time and returns it once the payment is settled or retired, so a run whose live payments stay bounded
 * allocates no records after warm-up. A stack of reset records; grows by doubling, never shrinks.
 *
 * <p>Owned by the state-engine thread.
 */
public final class PaymentPool {
    private Payment[] free = new Payment[64];
    private int size;
    private long created;

    /** A reset record: a recycled one if any, else a new one. */
    public Payment acquire() {
        if (size == 0) {
            created++;
            return new Payment();
        }
        final Payment p = free[--size];
        free[size] = null;
        return p;
    }

    /** Take back a record nothing refers to any more. */
    public void release(final Payment p) {
        p.reset();
        if (size == free.length) {
            free = Arrays.copyOf(free, size * 2);
        }
        free[size++] = p;
    }

    /** Records waiting to be reused. */
    public int available() {
        return size;
    }

    /** Records ever created: bounded by the most payments live at once. */
    public long created() {
        return created;
    }
}
