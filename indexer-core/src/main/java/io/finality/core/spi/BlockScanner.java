package io.finality.core.spi;

import io.finality.core.ring.ChainEvent;

/**
 * Stage 1's per-chain-family work: walk a slot's payload in place and record every output paying
 * a watched key (and the outpoints that matter for conflicts) in the slot's
 * {@link io.finality.core.ring.MatchList}.
 *
 * <p>Thread rules: called only from the scan stage thread. Must not allocate in steady state and
 * must never throw on bad input: malformed payloads yield a non-zero status code, stored with the
 * failing offset through {@link ChainEvent#scanResult(int, int)}.
 */
@FunctionalInterface
public interface BlockScanner {
    /** Returned when the payload scanned cleanly. */
    int OK = 0;

    /**
     * Scan {@code event}'s payload against {@code index}.
     *
     * @return {@link #OK} or a scanner-specific error code (also stored in the event).
     */
    int scan(ChainEvent event, AddressIndex index);

    /**
     * Return once no other thread of this scanner still reads the index passed to {@link #scan}: the scan stage calls
     * it before every mutation of that index. A scanner that reads the index from its caller's thread only (this
     * default) returns at once.
     */
    default void awaitIndexReaders() {
    }

    /**
     * Upkeep of the scanner's own structures (not the index passed to {@link #scan}) when the ring is empty: a bounded
     * slice, a few microseconds at most. Nothing by default.
     */
    default void doIdleMaintenance() {
    }
}
