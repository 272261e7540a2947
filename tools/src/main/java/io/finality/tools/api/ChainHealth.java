package io.finality.tools.api;

import java.util.function.ObjLongConsumer;

/**
 * One chain connection as {@code /health} and {@code /metrics} report it. Implementations read the
 * connection's own counters; called from API worker threads, so every method must be safe to call from
 * any thread.
 */
public interface ChainHealth {
    /** The chain's config name, e.g. {@code bitcoin-regtest}. */
    String chain();

    /** Whether the connection to the node is up. */
    boolean connected();

    /** Height of the last block published into the ring. */
    long height();

    /** The node's own best height if the connection knows it (then {@code /health} shows the lag), else -1. */
    default long nodeTipHeight() {
        return -1;
    }

    /** The connection's error counts by kind (name, count), e.g. dropped for a bad checksum. */
    default void errors(final ObjLongConsumer<String> sink) {
    }
}
