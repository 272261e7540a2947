package io.finality.tools.demo;

import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.chain.ChainId;
import io.finality.core.pipeline.EventPublisher;
import io.finality.core.pipeline.SlotFiller;
import io.finality.core.ring.EventKind;
import java.util.List;

/**
 * Publishes a regtest chain into the ring exactly as the Bitcoin node connection will: raw blocks
 * as {@code BLOCK_CONNECTED}, a reorg as {@code BLOCK_DISCONNECTED} tip first and then the new
 * branch, raw transactions as {@code MEMPOOL_TX}.
 *
 * <p>Used from one thread (the demo's).
 */
final class ChainFeed {
    private static final ChainId CHAIN = ChainId.BITCOIN_REGTEST;

    private final EventPublisher publisher;
    private final RegtestChain chain = new RegtestChain();
    private final SlotFiller<RegtestChain.BuiltBlock> connectFiller = (slot, b) -> {
        slot.height(b.height()).timestampMs(System.currentTimeMillis());
        slot.blockHash().putBytes(0, b.hash());
        return slot.payload(b.raw(), 0, b.raw().length);
    };
    private final SlotFiller<RegtestChain.BuiltBlock> disconnectFiller = (slot, b) -> {
        slot.height(b.height());
        slot.blockHash().putBytes(0, b.hash());
        return true;
    };
    private final SlotFiller<byte[]> txFiller = (slot, tx) -> slot.payload(tx, 0, tx.length);

    ChainFeed(final EventPublisher publisher) {
        this.publisher = publisher;
    }

    RegtestChain chain() {
        return chain;
    }

    /** Mine a block with {@code txs} on the tip and publish it. */
    RegtestChain.BuiltBlock mine(final List<byte[]> txs) {
        final RegtestChain.BuiltBlock b = chain.mine(txs);
        check(publisher.publish(EventKind.BLOCK_CONNECTED, CHAIN, b.raw().length, connectFiller, b));
        return b;
    }

    /** Announce a transaction in the mempool. */
    void announce(final byte[] tx) {
        check(publisher.publish(EventKind.MEMPOOL_TX, CHAIN, tx.length, txFiller, tx));
    }

    /** Disconnect blocks down to {@code height}, tip first (the first half of a reorg). */
    List<RegtestChain.BuiltBlock> rewindTo(final long height) {
        final List<RegtestChain.BuiltBlock> removed = chain.rewindTo(height);
        for (RegtestChain.BuiltBlock b : removed) {
            check(publisher.publish(EventKind.BLOCK_DISCONNECTED, CHAIN, 0, disconnectFiller, b));
        }
        return removed;
    }

    private static void check(final int result) {
        if (result != EventPublisher.PUBLISHED) {
            throw new IllegalStateException("publish failed: " + EventPublisher.describe(result));
        }
    }
}
