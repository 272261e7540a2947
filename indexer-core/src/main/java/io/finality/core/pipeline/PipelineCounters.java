package io.finality.core.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the pipeline counts for health checks and metrics. Written by producers and stage
 * threads, read by anyone (atomic, so a metrics scrape sees current values).
 */
public final class PipelineCounters {
    final AtomicLong published = new AtomicLong();
    final AtomicLong backPressured = new AtomicLong();
    final AtomicLong payloadTooLarge = new AtomicLong();
    final AtomicLong discarded = new AtomicLong();
    final AtomicLong scanErrors = new AtomicLong();
    final AtomicLong engineErrors = new AtomicLong();
    final AtomicLong scanned = new AtomicLong();
    final AtomicLong applied = new AtomicLong();

    /** Slots published (including discarded ones). */
    public long published() {
        return published.get();
    }

    /** Times a producer found the ring full (each wait or refusal counts once per attempt). */
    public long backPressured() {
        return backPressured.get();
    }

    /** Publications refused because the payload exceeded the slot's maximum. */
    public long payloadTooLarge() {
        return payloadTooLarge.get();
    }

    /** Slots a producer gave up on after claiming them. */
    public long discarded() {
        return discarded.get();
    }

    /** Exceptions thrown by stage 1 (each skipped that slot's scan, never the next slot). */
    public long scanErrors() {
        return scanErrors.get();
    }

    /** Exceptions thrown by stage 2. */
    public long engineErrors() {
        return engineErrors.get();
    }

    /** Slots completed by stage 1. */
    public long scanned() {
        return scanned.get();
    }

    /** Slots completed by stage 2. */
    public long applied() {
        return applied.get();
    }
}
