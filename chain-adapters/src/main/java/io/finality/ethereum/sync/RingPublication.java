package io.finality.ethereum.sync;

import io.finality.core.chain.ChainId;
import io.finality.core.pipeline.EventPublisher;
import io.finality.core.pipeline.SlotFiller;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.ethereum.EthereumPayload;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes what the connection learns into ring slots: {@code BLOCK_CONNECTED} with the node's block and receipts
 * responses copied once from the network buffers (framed as {@link EthereumPayload} says), height, hash, parent and
 * the latest finalized height; {@code BLOCK_DISCONNECTED} with the hashes our chain kept; {@code MEMPOOL_TX} with a
 * pending transaction's {@code eth_getTransactionByHash} answer; {@code MEMPOOL_TX_GONE} with the hash of one the
 * node no longer has. The fillers are bound once, so publishing blocks allocates nothing.
 *
 * <p>Thread rules: the connection's event loop only.
 */
final class RingPublication {
    private final ChainId chain;
    private final AppliedChain applied;
    private final SyncStatus status;
    private final SlotFiller<BlockFetch> connectFiller = this::fillConnected;
    private final SlotFiller<RingPublication> disconnectFiller = (slot, self) -> self.fillDisconnected(slot);
    private final SlotFiller<RingPublication> pendingFiller = (slot, self) -> self.fillPending(slot);
    private EventPublisher publisher;
    private DirectBuffer pendingSrc;
    private int pendingOffset;
    private int pendingLength;
    private long disconnectHeight;
    private String refusal;

    RingPublication(final ChainId chain, final AppliedChain applied, final SyncStatus status) {
        this.chain = chain;
        this.applied = applied;
        this.status = status;
    }

    void publisher(final EventPublisher value) {
        publisher = value;
    }

    /** Publish block {@code f}; false if the ring refused it ({@link #refusal()} says why). */
    boolean connected(final BlockFetch f) {
        return publish(EventKind.BLOCK_CONNECTED, f.height, f.payloadLength(), connectFiller, f);
    }

    /** Publish the removal of our block at {@code height} (its parent must still be kept). */
    boolean disconnected(final long height) {
        disconnectHeight = height;
        return publish(EventKind.BLOCK_DISCONNECTED, height, 0, disconnectFiller, this);
    }

    /** Publish a pending transaction: the answer in {@code src[offset, offset + length)}. */
    boolean pending(final DirectBuffer src, final int offset, final int length) {
        pendingSrc = src;
        pendingOffset = offset;
        pendingLength = length;
        return publish(EventKind.MEMPOOL_TX, -1, length, pendingFiller, this);
    }

    /** Publish that the pending transaction {@code hash} (32 bytes) left the node's pool unmined. */
    boolean gone(final DirectBuffer hash) {
        pendingSrc = hash;
        pendingOffset = 0;
        pendingLength = 32;
        return publish(EventKind.MEMPOOL_TX_GONE, -1, 32, pendingFiller, this);
    }

    /** Why the last publication was refused. */
    String refusal() {
        return refusal;
    }

    private <A> boolean publish(final EventKind kind, final long height, final int length, final SlotFiller<A> filler, final A arg) {
        final int result = publisher.publish(kind, chain, length, filler, arg);
        if (result != EventPublisher.PUBLISHED) {
            refusal = kind + " at height " + height + " was not published: " + EventPublisher.describe(result);
            return false;
        }
        return true;
    }

    private boolean fillConnected(final ChainEvent slot, final BlockFetch f) {
        final int b = f.block.readableBytes();
        final int r = f.receipts.readableBytes();
        slot.height(f.height).timestampMs(System.currentTimeMillis()).finalizedHeight(status.finalizedHeight());
        slot.blockHash().putBytes(0, f.hash, 0, 32);
        slot.parentHash().putBytes(0, f.parentHash, 0, 32);
        if (!slot.reservePayload(2 * EthereumPayload.PREFIX_LENGTH + b + r)) {
            return false;
        }
        final MutableDirectBuffer out = slot.payloadBuffer();
        final byte[] array = slot.payloadArray();
        out.putInt(0, b, ByteOrder.LITTLE_ENDIAN);
        f.block.getBytes(f.block.readerIndex(), array, EthereumPayload.PREFIX_LENGTH, b);
        out.putInt(EthereumPayload.PREFIX_LENGTH + b, r, ByteOrder.LITTLE_ENDIAN);
        f.receipts.getBytes(f.receipts.readerIndex(), array, 2 * EthereumPayload.PREFIX_LENGTH + b, r);
        return true;
    }

    private boolean fillPending(final ChainEvent slot) {
        slot.timestampMs(System.currentTimeMillis());
        return slot.payload(pendingSrc, pendingOffset, pendingLength);
    }

    private boolean fillDisconnected(final ChainEvent slot) {
        final long h = disconnectHeight;
        slot.height(h).timestampMs(System.currentTimeMillis());
        applied.copyHash(h, slot.blockHash(), 0);
        applied.copyHash(h - 1, slot.parentHash(), 0);
        return true;
    }
}
