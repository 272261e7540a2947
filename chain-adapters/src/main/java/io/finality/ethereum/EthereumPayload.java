package io.finality.ethereum;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The layout of an Ethereum {@code BLOCK_CONNECTED} ring payload: the node's two JSON-RPC responses,
 * byte for byte, each behind a length prefix.
 *
 * <pre>
 *   0                   4                         4 + B               8 + B                 8 + B + R
 *   +-------------------+-------------------------+-------------------+---------------------+
 *   | B: u32 little-end | eth_getBlockByNumber or | R: u32 little-end | eth_getBlockReceipts|
 *   |                   | ByHash response (full   |                   | response (UTF-8)    |
 *   |                   | transactions, UTF-8)    |                   |                     |
 *   +-------------------+-------------------------+-------------------+---------------------+
 * </pre>
 * Each part is either a whole JSON-RPC response object ({@code {"jsonrpc":..,"id":..,"result":..}}) or its
 * bare {@code result} value. Nothing may follow the receipts part.
 *
 * <p>Constants and static helpers only; safe from any thread.
 */
public final class EthereumPayload {
    /** Size of each length prefix. */
    public static final int PREFIX_LENGTH = 4;

    /** The output index given to a native (ETH) transfer; never a log index (a block would need 2^31 logs). */
    public static final int NATIVE_OUTPUT_INDEX = Integer.MAX_VALUE;

    private EthereumPayload() {
    }

    /**
     * Write the framed payload into {@code dst} at {@code offset}.
     *
     * @return the number of bytes written.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final DirectBuffer block,
        final int blockOffset,
        final int blockLength,
        final DirectBuffer receipts,
        final int receiptsOffset,
        final int receiptsLength) {
        dst.putInt(offset, blockLength, ByteOrder.LITTLE_ENDIAN);
        dst.putBytes(offset + PREFIX_LENGTH, block, blockOffset, blockLength);
        final int r = offset + PREFIX_LENGTH + blockLength;
        dst.putInt(r, receiptsLength, ByteOrder.LITTLE_ENDIAN);
        dst.putBytes(r + PREFIX_LENGTH, receipts, receiptsOffset, receiptsLength);
        return 2 * PREFIX_LENGTH + blockLength + receiptsLength;
    }

    /** Edge helper (tests, tools): frame two byte arrays into a new array. */
    public static byte[] frame(final byte[] block, final byte[] receipts) {
        final byte[] out = new byte[2 * PREFIX_LENGTH + block.length + receipts.length];
        encode(new UnsafeBuffer(out), 0,
            new UnsafeBuffer(block), 0, block.length,
            new UnsafeBuffer(receipts), 0, receipts.length);
        return out;
    }
}
