package io.finality.core.spi;

import io.finality.core.ring.ChainEvent;

/**
 * Stage 2: applies one ring slot (one engine step) to payment state and journals the outcome.
 *
 * <p>Thread rules: called only from the state-engine thread, in ring order. Time arrives only
 * through the event ({@link ChainEvent#timestampMs()} on {@code TICK}): implementations never read
 * a clock or a random source, so a replay produces the same decisions.
 */
public interface StateEngine {
    /**
     * Apply one step.
     *
     * @param event      the slot, already scanned by stage 1.
     * @param sequence   the ring sequence of the slot.
     * @param endOfBatch true when no further slot is immediately available: the moment to flush.
     */
    void onStep(ChainEvent event, long sequence, boolean endOfBatch);
}
