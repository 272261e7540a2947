package io.finality.engine;

/**
 * Stamps for de-duplicating invoices within one pass of the engine ({@code Invoice.mark}): each pass takes a new one.
 * One counter for every kind of pass, so that no two passes share a stamp. An int: a stale stamp could only matter if
 * equal to a new one, 2^32 passes later.
 *
 * <p>Owned by the state-engine thread.
 */
final class MarkStamps {
    private int last;

    int next() {
        return ++last;
    }
}
