package io.finality.core.pipeline;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.EventKind;

/**
 * How producers (node connections, the API, the timer) put events into the ring.
 *
 * <p>Outcomes are return codes, not exceptions, so a hot producer never builds a stack trace:
 * {@link #PUBLISHED}, {@link #BACK_PRESSURED} (only from {@link #tryPublish}), {@link #PAYLOAD_TOO_LARGE},
 * {@link #DISCARDED}, {@link #CLOSED}. Nothing is ever dropped silently.
 *
 * <p>Thread rules: safe from any number of threads (multi-producer ring).
 */
public interface EventPublisher {
    int PUBLISHED = 0;
    /** The ring is full; nothing was published. Retry later or use {@link #publish}. */
    int BACK_PRESSURED = 1;
    /** The declared payload exceeds the slot's maximum; nothing was published. */
    int PAYLOAD_TOO_LARGE = 2;
    /** The filler refused the slot; it was published marked as discarded and stages skip it. */
    int DISCARDED = 3;
    /** The pipeline is stopped; nothing was published. */
    int CLOSED = 4;

    /**
     * Claim a slot, waiting while the ring is full, and fill it.
     *
     * @param payloadLength the payload size the filler will write, checked before a slot is claimed.
     */
    <A> int publish(EventKind kind, ChainId chain, int payloadLength, SlotFiller<A> filler, A arg);

    /** As {@link #publish} but returns {@link #BACK_PRESSURED} instead of waiting when the ring is full. */
    <A> int tryPublish(EventKind kind, ChainId chain, int payloadLength, SlotFiller<A> filler, A arg);

    /** A readable name for a result code, for logs. */
    static String describe(final int result) {
        return switch (result) {
            case PUBLISHED -> "published";
            case BACK_PRESSURED -> "back-pressured (ring full)";
            case PAYLOAD_TOO_LARGE -> "payload too large";
            case DISCARDED -> "discarded by filler";
            case CLOSED -> "pipeline closed";
            default -> "unknown result " + result;
        };
    }
}
