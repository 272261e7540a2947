package io.finality.ethereum;

import io.finality.core.ring.MatchList;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads what the node connection needs from an {@code eth_getTransactionByHash} answer before it publishes a pending
 * transaction: its {@code hash}, and whether it is still pending ({@code blockNumber} null or absent). Everything
 * else is skipped with a structural check (the scan stage decodes the transaction itself). A {@code null} result
 * (the node no longer has it) is {@link JsonError#NULL_RESULT}.
 *
 * <p>Thread rules: one instance per thread, reused; allocates nothing per call.
 */
public final class PendingTxReader extends RpcJsonDecoder {
    private static final long HASH = JsonCursor.keyWord("hash", 0);
    private static final long BLOCK_NUMBER_0 = JsonCursor.keyWord("blockNumber", 0);
    private static final long BLOCK_NUMBER_1 = JsonCursor.keyWord("blockNumber", Long.BYTES);

    private final UnsafeBuffer hash = new UnsafeBuffer(new byte[MatchList.TXID_LENGTH]);
    private boolean pending;

    /**
     * Read the answer in {@code src[offset, offset + length)}.
     *
     * @return {@link JsonError#OK} or an error code ({@link #errorOffset()} says where).
     */
    public int read(final DirectBuffer src, final int offset, final int length) {
        return decodeResponse(src, offset, length);
    }

    @Override
    protected boolean decodeResult() {
        final JsonCursor c = cursor;
        final int start = c.position();
        if (!c.expect('{')) {
            return false;
        }
        pending = true;
        boolean sawHash = false;
        boolean first = true;
        int step;
        while ((step = c.nextMember(first)) == JsonCursor.MORE) {
            first = false;
            final boolean ok;
            if (c.keyIs(HASH, 0)) {
                ok = c.readHexBytes(hash, 0, MatchList.TXID_LENGTH);
                sawHash = true;
            } else if (c.keyIs(BLOCK_NUMBER_0, BLOCK_NUMBER_1)) {
                pending = c.tryNull();
                ok = pending || c.skipValue();
            } else {
                ok = c.skipValue();
            }
            if (!ok) {
                return false;
            }
        }
        if (step == JsonCursor.FAILED) {
            return false;
        }
        return sawHash || c.fail(JsonError.MISSING_FIELD, start);
    }

    /** The transaction hash, 32 bytes (valid after a successful read). */
    public DirectBuffer hash() {
        return hash;
    }

    /** Whether it is not in a block yet. */
    public boolean pending() {
        return pending;
    }
}
