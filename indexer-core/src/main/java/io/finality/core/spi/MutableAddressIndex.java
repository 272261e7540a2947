package io.finality.core.spi;

import org.agrona.DirectBuffer;

/**
 * The writable index. Only the scan stage mutates it (invoice open/cancel arrive through the
 * ring), and loading at start-up happens before the pipeline starts.
 */
public interface MutableAddressIndex extends AddressIndex {
    /**
     * Watch a key for an invoice slot, replacing any previous slot for the same key.
     *
     * @return the previous slot, or {@link #MISSING}.
     */
    int put(int chainCode, DirectBuffer key, int offset, int length, int invoiceSlot);

    /**
     * Stop watching a key.
     *
     * @return the slot that watched it, or {@link #MISSING}.
     */
    int remove(int chainCode, DirectBuffer key, int offset, int length);

    /** Number of watched keys. */
    int size();

    /**
     * Whether {@link #doMaintenance} has work: something the index finishes a slice at a time (a grown table still to
     * drain, a stale pre-filter being rebuilt). None by default.
     */
    default boolean maintenanceDue() {
        return false;
    }

    /**
     * A bounded slice of the work {@link #maintenanceDue} reports, for the owner's idle moments: about {@code maxSlots}
     * table slots. Optional (mutations do the same work a little at a time); a mutation, so the same thread rules.
     *
     * @return the slots processed, 0 when there is nothing to do.
     */
    default int doMaintenance(final int maxSlots) {
        return 0;
    }
}
