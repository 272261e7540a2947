package io.finality.core.spi;

import io.finality.core.pipeline.EventPublisher;

/**
 * A node connection that feeds a chain into the ring: it owns chain sync (headers, blocks,
 * reorgs, mempool) and emits, in order, {@code BLOCK_CONNECTED} for the best chain and
 * {@code BLOCK_DISCONNECTED} (tip first) for each block a reorganisation removes.
 *
 * <p>Thread rules: {@link #start} and {@link #close} are called from the composition root; the
 * source publishes from its own I/O threads.
 */
public interface ChainSource extends AutoCloseable {
    /** Begin syncing, publishing into {@code publisher}. */
    void start(EventPublisher publisher);

    /** Stop syncing and release connections; publishes nothing afterwards. */
    @Override
    void close();
}
