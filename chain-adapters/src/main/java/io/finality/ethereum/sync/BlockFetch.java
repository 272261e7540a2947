package io.finality.ethereum.sync;

import io.netty.buffer.ByteBuf;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One block of the fetch window: its height, the node's block response (full transactions) and receipts
 * response, retained until the block is published, and the header fields read from the block.
 *
 * <p>Thread rules: the connection's event loop only.
 */
final class BlockFetch {
    final UnsafeBuffer hash = new UnsafeBuffer(new byte[32]);
    final UnsafeBuffer parentHash = new UnsafeBuffer(new byte[32]);
    long height;
    int transactionCount;
    int attempts;
    ByteBuf block;
    ByteBuf receipts;

    /** Start over for {@code value}, releasing what was held. */
    void reset(final long value) {
        release();
        height = value;
        attempts = 0;
    }

    boolean complete() {
        return block != null && receipts != null;
    }

    /** Drop the held responses (a retry, an abandoned window, or after publication). */
    void release() {
        if (block != null) {
            block.release();
            block = null;
        }
        if (receipts != null) {
            receipts.release();
            receipts = null;
        }
    }

    /** Bytes of the framed ring payload (see {@link io.finality.ethereum.EthereumPayload}). */
    int payloadLength() {
        return 2 * io.finality.ethereum.EthereumPayload.PREFIX_LENGTH + block.readableBytes() + receipts.readableBytes();
    }
}
