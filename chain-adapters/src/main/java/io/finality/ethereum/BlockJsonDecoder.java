package io.finality.ethereum;

import io.finality.core.ring.MatchList;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Decodes an {@code eth_getBlockByNumber}/{@code eth_getBlockByHash} response with full transactions,
 * reading the UTF-8 JSON in place: no object graph, no copies of the input, nothing allocated per call.
 *
 * <p>Header fields kept: {@code number}, {@code hash}, {@code parentHash}, {@code timestamp} (all
 * required). Per transaction, handed to a {@link TransactionHandler} when its object closes:
 * {@code hash}, {@code from}, {@code to} (absent or {@code null} for a contract creation), {@code value}
 * as an unsigned 256-bit quantity in four words (see {@link #valueFitsU128()}: a value above
 * 2<sup>128</sup>-1 is reported as such, never truncated), and the range of the {@code input} hex digits
 * in the source buffer (checked for shape, not digit by digit). Every other member is skipped after a
 * structural check.
 *
 * <p>Errors are {@link JsonError} codes with the offset where they were found; the handler may already
 * have seen the transactions before the error.
 *
 * <p>Thread rules: one instance per thread, reused for every block.
 */
public final class BlockJsonDecoder extends RpcJsonDecoder {
    private static final long NUMBER = JsonCursor.keyWord("number", 0);
    private static final long HASH = JsonCursor.keyWord("hash", 0);
    private static final long PARENT_HASH_0 = JsonCursor.keyWord("parentHash", 0);
    private static final long PARENT_HASH_1 = JsonCursor.keyWord("parentHash", Long.BYTES);
    private static final long TIMESTAMP_0 = JsonCursor.keyWord("timestamp", 0);
    private static final long TIMESTAMP_1 = JsonCursor.keyWord("timestamp", Long.BYTES);
    private static final long TRANSACTIONS_0 = JsonCursor.keyWord("transactions", 0);
    private static final long TRANSACTIONS_1 = JsonCursor.keyWord("transactions", Long.BYTES);
    private static final long FROM = JsonCursor.keyWord("from", 0);
    private static final long TO = JsonCursor.keyWord("to", 0);
    private static final long VALUE = JsonCursor.keyWord("value", 0);
    private static final long INPUT = JsonCursor.keyWord("input", 0);

    private static final int HEADER_FIELDS = 0b1111;
    private static final int TX_FIELDS = 0b111;

    private final UnsafeBuffer blockHash = new UnsafeBuffer(new byte[MatchList.TXID_LENGTH]);
    private final UnsafeBuffer parentHash = new UnsafeBuffer(new byte[MatchList.TXID_LENGTH]);
    private final UnsafeBuffer txHash = new UnsafeBuffer(new byte[MatchList.TXID_LENGTH]);
    private final UnsafeBuffer from = new UnsafeBuffer(new byte[MatchList.CONTRACT_LENGTH]);
    private final UnsafeBuffer to = new UnsafeBuffer(new byte[MatchList.CONTRACT_LENGTH]);

    private TransactionHandler handler;
    private boolean single;
    private boolean headerOnly;
    private long number;
    private long timestamp;
    private int transactionCount;
    private int txIndex;
    private boolean hasTo;
    private long value0;
    private long value1;
    private long value2;
    private long value3;
    private int inputOffset;
    private int inputLength;

    /**
     * Decode the response in {@code src[offset, offset + length)}, calling {@code txHandler} per transaction.
     *
     * @return {@link JsonError#OK} or an error code ({@link #errorOffset()} says where).
     * @throws IndexOutOfBoundsException when the range is not inside {@code src} (a caller's bug, checked once
     *     up front: malformed bytes inside the range never throw).
     */
    public int decode(final DirectBuffer src, final int offset, final int length, final TransactionHandler txHandler) {
        handler = txHandler;
        transactionCount = 0;
        single = false;
        return decodeResponse(src, offset, length);
    }

    /**
     * Decode only the header fields ({@code number}, {@code hash}, {@code parentHash}, {@code timestamp}) of a block in
     * any form: a {@code newHeads} notification's result, or a block response with or without full transactions,
     * whose {@code transactions} member is then skipped with a structural check. For sync, not for scanning.
     *
     * @return {@link JsonError#OK} or an error code ({@link #errorOffset()} says where).
     */
    public int decodeHeader(final DirectBuffer src, final int offset, final int length) {
        handler = null;
        transactionCount = 0;
        single = false;
        headerOnly = true;
        final int status = decodeResponse(src, offset, length);
        headerOnly = false;
        return status;
    }

    /**
     * Decode one transaction: an {@code eth_getTransactionByHash} response (or its bare result), read exactly like a
     * transaction inside a block; {@code txHandler} sees it with index 0. The header accessors are not set.
     *
     * @return {@link JsonError#OK} or an error code ({@link #errorOffset()} says where).
     */
    public int decodeTransaction(final DirectBuffer src, final int offset, final int length, final TransactionHandler txHandler) {
        handler = txHandler;
        transactionCount = 0;
        single = true;
        return decodeResponse(src, offset, length);
    }

    @Override
    protected boolean decodeResult() {
        final JsonCursor c = cursor;
        if (single) {
            if (c.peek() != '{') {
                return c.fail(c.peek() < 0 ? JsonError.TRUNCATED : JsonError.WRONG_TYPE, c.position());
            }
            return decodeTransaction();
        }
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
                ok = c.readHexBytes(blockHash, 0, MatchList.TXID_LENGTH);
                seen |= 2;
            } else if (c.keyIs(PARENT_HASH_0, PARENT_HASH_1)) {
                ok = c.readHexBytes(parentHash, 0, MatchList.TXID_LENGTH);
                seen |= 4;
            } else if (c.keyIs(TIMESTAMP_0, TIMESTAMP_1)) {
                ok = c.readLongQuantity();
                timestamp = c.word0();
                seen |= 8;
            } else if (c.keyIs(TRANSACTIONS_0, TRANSACTIONS_1)) {
                ok = headerOnly ? c.skipValue() : decodeTransactions();
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
        return seen == HEADER_FIELDS || c.fail(JsonError.MISSING_FIELD, start);
    }

    private boolean decodeTransactions() {
        final JsonCursor c = cursor;
        if (!c.expect('[')) {
            return false;
        }
        boolean first = true;
        int step;
        while ((step = c.nextElement(first)) == JsonCursor.MORE) {
            first = false;
            final int next = c.peek();
            if (next == '"') {
                return c.fail(JsonError.NOT_FULL_TRANSACTIONS, c.position());
            }
            if (next != '{') {
                return c.fail(JsonError.WRONG_TYPE, c.position());
            }
            if (!decodeTransaction()) {
                return false;
            }
        }
        return step == JsonCursor.END;
    }

    private boolean decodeTransaction() {
        final JsonCursor c = cursor;
        final int start = c.position();
        c.expect('{');
        hasTo = false;
        inputOffset = 0;
        inputLength = 0;
        int seen = 0;
        boolean first = true;
        int step;
        while ((step = c.nextMember(first)) == JsonCursor.MORE) {
            first = false;
            final boolean ok;
            if (c.keyIs(HASH, 0)) {
                ok = c.readHexBytes(txHash, 0, MatchList.TXID_LENGTH);
                seen |= 1;
            } else if (c.keyIs(FROM, 0)) {
                ok = c.readHexBytes(from, 0, MatchList.CONTRACT_LENGTH);
                seen |= 2;
            } else if (c.keyIs(VALUE, 0)) {
                ok = c.readQuantity();
                value0 = c.word0();
                value1 = c.word1();
                value2 = c.word2();
                value3 = c.word3();
                seen |= 4;
            } else if (c.keyIs(TO, 0)) {
                if (c.tryNull()) {
                    ok = true;
                    hasTo = false;
                } else {
                    ok = c.readHexBytes(to, 0, MatchList.CONTRACT_LENGTH);
                    hasTo = true;
                }
            } else if (c.keyIs(INPUT, 0)) {
                ok = c.readHexData(false);
                inputOffset = c.stringStart() + 2;
                inputLength = c.stringEnd() - inputOffset;
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
        if (seen != TX_FIELDS) {
            return c.fail(JsonError.MISSING_FIELD, start);
        }
        txIndex = transactionCount++;
        handler.onTransaction(this);
        return true;
    }

    /** Block number (valid after a successful decode). */
    public long number() {
        return number;
    }

    /** Block timestamp in seconds. */
    public long timestamp() {
        return timestamp;
    }

    /** Block hash, 32 bytes as displayed (big-endian). */
    public DirectBuffer blockHash() {
        return blockHash;
    }

    public DirectBuffer parentHash() {
        return parentHash;
    }

    /** Transactions seen so far (the block's count after a successful decode). */
    public int transactionCount() {
        return transactionCount;
    }

    /** Position of the current transaction in the block. */
    public int txIndex() {
        return txIndex;
    }

    /** The current transaction's hash, 32 bytes. */
    public DirectBuffer txHash() {
        return txHash;
    }

    /** Sender, 20 bytes. */
    public DirectBuffer from() {
        return from;
    }

    /** False for a contract creation ({@code to} absent or null). */
    public boolean hasTo() {
        return hasTo;
    }

    /** Recipient, 20 bytes; meaningful only when {@link #hasTo()}. */
    public DirectBuffer to() {
        return to;
    }

    /** Bits 0-63 of the value in wei. */
    public long value0() {
        return value0;
    }

    /** Bits 64-127 of the value. */
    public long value1() {
        return value1;
    }

    /** Bits 128-191 of the value. */
    public long value2() {
        return value2;
    }

    /** Bits 192-255 of the value. */
    public long value3() {
        return value3;
    }

    /** True when the value fits an unsigned 128-bit amount ({@link #value1()}:{@link #value0()}). */
    public boolean valueFitsU128() {
        return (value2 | value3) == 0;
    }

    /**
     * Offset of the first hex digit of {@code input} (after {@code 0x}) in the source buffer. The digits are
     * not checked here: decode them with {@link io.finality.core.buffer.Hex#decode}, which refuses a bad digit.
     */
    public int inputOffset() {
        return inputOffset;
    }

    /** Number of hex digits of {@code input} (twice its byte length). */
    public int inputLength() {
        return inputLength;
    }
}
