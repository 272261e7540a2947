package io.finality.ethereum;

import io.finality.core.ring.MatchList;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads the three header fields sync needs ({@code number}, {@code hash}, {@code parentHash}) from a block
 * object in place: a {@code newHeads} notification's result, or an {@code eth_getBlockByHash/Number}
 * response with or without full transactions (whole response or bare result). Everything else is skipped
 * with a structural check. A {@code null} result is {@link JsonError#NULL_RESULT}, an error response
 * {@link JsonError#RPC_ERROR}.
 *
 * <p>Thread rules: one instance per thread, reused; allocates nothing per call.
 */
public final class BlockHeaderReader extends RpcJsonDecoder {
    private static final long NUMBER = JsonCursor.keyWord("number", 0);
    private static final long HASH = JsonCursor.keyWord("hash", 0);
    private static final long PARENT_HASH_0 = JsonCursor.keyWord("parentHash", 0);
    private static final long PARENT_HASH_1 = JsonCursor.keyWord("parentHash", Long.BYTES);
    private static final int ALL_FIELDS = 0b111;

    private final UnsafeBuffer hash = new UnsafeBuffer(new byte[MatchList.TXID_LENGTH]);
    private final UnsafeBuffer parentHash = new UnsafeBuffer(new byte[MatchList.TXID_LENGTH]);
    private long number;

    /**
     * Read the block header in {@code src[offset, offset + length)}.
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
        if (c.peek() != '{') {
            return c.fail(c.peek() < 0 ? JsonError.TRUNCATED : JsonError.WRONG_TYPE, c.position());
        }
        c.expect('{');
        int seen = 0;
        boolean first = true;
        int step;
        while ((step = c.nextMember(first)) == JsonCursor.MORE) {
            first = false;
            final boolean ok;
            if (c.keyIs(NUMBER, 0)) {
                ok = c.readLongQuantity();
                number = c.word0();
                seen |= 1;
            } else if (c.keyIs(HASH, 0)) {
                ok = c.readHexBytes(hash, 0, MatchList.TXID_LENGTH);
                seen |= 2;
            } else if (c.keyIs(PARENT_HASH_0, PARENT_HASH_1)) {
                ok = c.readHexBytes(parentHash, 0, MatchList.TXID_LENGTH);
                seen |= 4;
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
        return seen == ALL_FIELDS || c.fail(JsonError.MISSING_FIELD, start);
    }

    /** Block number (valid after a successful read). */
    public long number() {
        return number;
    }

    /** Block hash, 32 bytes (valid after a successful read; overwritten by the next). */
    public DirectBuffer hash() {
        return hash;
    }

    /** Parent hash, 32 bytes. */
    public DirectBuffer parentHash() {
        return parentHash;
    }
}
