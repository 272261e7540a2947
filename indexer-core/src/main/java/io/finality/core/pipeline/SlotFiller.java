package io.finality.core.pipeline;

import io.finality.core.ring.ChainEvent;

/**
 * Fills a claimed ring slot. Bind one instance to a field and pass the varying data as {@code arg}
 * so that publishing does not allocate a capturing lambda.
 *
 * @param <A> the producer's argument type (e.g. a Netty {@code ByteBuf}).
 */
@FunctionalInterface
public interface SlotFiller<A> {
    /**
     * Write the slot. The kind and chain are already set and the slot reset.
     *
     * @return true if the slot is complete; false to discard it (stages then skip it and count it).
     */
    boolean fill(ChainEvent slot, A arg);
}
