package io.finality.ethereum;

import io.finality.core.ring.MatchList;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Decodes an {@code eth_getBlockReceipts} response (an array of receipts) in place, without allocating.
 *
 * <p>Per receipt: {@code transactionHash} and {@code transactionIndex} (required) and {@code status}
 * ({@link #STATUS_SUCCESS}, {@link #STATUS_FAILED}, or {@link #STATUS_UNKNOWN} when absent or null, as in
 * pre-Byzantium receipts that carry a state {@code root} instead). Per log: {@code address},
 * {@code topics} (the first {@value #MAX_TOPICS} kept, the true count reported), {@code data} and
 * {@code logIndex}. When {@code data} is exactly one 32-byte word, it is also decoded as an unsigned
 * 256-bit quantity ({@link #dataWord0()}..{@link #dataWord3()}): the amount of an ERC-20 Transfer.
 *
 * <p>Each receipt object is read twice: a first pass takes the scalar members and notes where
 * {@code logs} sits, then {@link ReceiptHandler#onReceipt} is called, then the logs are decoded from the
 * noted position. So the handler knows a receipt's status before any of its logs, whatever the member
 * order (nodes emit {@code logs} before {@code status}).
 *
 * <p>Thread rules: one instance per thread, reused for every block.
 */
public final class ReceiptsJsonDecoder extends RpcJsonDecoder {
    /** EVM status 1. */
    public static final int STATUS_SUCCESS = 1;
    /** EVM status 0: the transaction reverted; its value moved nowhere and it emitted no logs. */
    public static final int STATUS_FAILED = 0;
    /** No status member (pre-Byzantium receipts) or {@code null}. */
    public static final int STATUS_UNKNOWN = -1;
    /** Topics kept per log; the EVM's LOG4 is the most there can be. */
    public static final int MAX_TOPICS = 4;
    /** Length of a topic and of a data word. */
    public static final int WORD_LENGTH = 32;

    private static final long TRANSACTION_HASH_0 = JsonCursor.keyWord("transactionHash", 0);
    private static final long TRANSACTION_HASH_1 = JsonCursor.keyWord("transactionHash", Long.BYTES);
    private static final long TRANSACTION_INDEX_0 = JsonCursor.keyWord("transactionIndex", 0);
    private static final long TRANSACTION_INDEX_1 = JsonCursor.keyWord("transactionIndex", Long.BYTES);
    private static final long STATUS = JsonCursor.keyWord("status", 0);
    private static final long LOGS = JsonCursor.keyWord("logs", 0);
    private static final long ADDRESS = JsonCursor.keyWord("address", 0);
    private static final long TOPICS = JsonCursor.keyWord("topics", 0);
    private static final long DATA = JsonCursor.keyWord("data", 0);
    private static final long LOG_INDEX = JsonCursor.keyWord("logIndex", 0);

    private static final int RECEIPT_FIELDS = 0b11;
    private static final int LOG_FIELDS = 0b1111;

    private final UnsafeBuffer txHash = new UnsafeBuffer(new byte[MatchList.TXID_LENGTH]);
    private final UnsafeBuffer address = new UnsafeBuffer(new byte[MatchList.CONTRACT_LENGTH]);
    private final UnsafeBuffer topics = new UnsafeBuffer(new byte[MAX_TOPICS * WORD_LENGTH]);

    private ReceiptHandler handler;
    private int receiptCount;
    private int txIndex;
    private int status;
    private int topicCount;
    private int dataOffset;
    private int dataLength;
    private boolean dataIsWord;
    private long dataWord0;
    private long dataWord1;
    private long dataWord2;
    private long dataWord3;
    private int logIndex;

    /**
     * Decode the response in {@code src[offset, offset + length)}, calling {@code receiptHandler} per receipt and log.
     *
     * @return {@link JsonError#OK} or an error code ({@link #errorOffset()} says where).
     * @throws IndexOutOfBoundsException when the range is not inside {@code src} (a caller's bug, checked once
     *     up front: malformed bytes inside the range never throw).
     */
    public int decode(final DirectBuffer src, final int offset, final int length, final ReceiptHandler receiptHandler) {
        handler = receiptHandler;
        receiptCount = 0;
        return decodeResponse(src, offset, length);
    }

    @Override
    protected boolean decodeResult() {
        final JsonCursor c = cursor;
        final int next = c.peek();
        if (next != '[') {
            return c.fail(next < 0 ? JsonError.TRUNCATED : JsonError.WRONG_TYPE, c.position());
        }
        c.expect('[');
        boolean first = true;
        int step;
        while ((step = c.nextElement(first)) == JsonCursor.MORE) {
            first = false;
            if (c.peek() != '{') {
                return c.fail(JsonError.WRONG_TYPE, c.position());
            }
            if (!decodeReceipt()) {
                return false;
            }
        }
        return step == JsonCursor.END;
    }

    private boolean decodeReceipt() {
        final JsonCursor c = cursor;
        final int start = c.position();
        c.expect('{');
        status = STATUS_UNKNOWN;
        int logsAt = -1;
        int seen = 0;
        boolean first = true;
        int step;
        while ((step = c.nextMember(first)) == JsonCursor.MORE) {
            first = false;
            final boolean ok;
            if (c.keyIs(TRANSACTION_HASH_0, TRANSACTION_HASH_1)) {
                ok = c.readHexBytes(txHash, 0, MatchList.TXID_LENGTH);
                seen |= 1;
            } else if (c.keyIs(TRANSACTION_INDEX_0, TRANSACTION_INDEX_1)) {
                final int at = c.position();
                ok = c.readLongQuantity() && (c.word0() <= Integer.MAX_VALUE || c.fail(JsonError.BAD_QUANTITY, at));
                txIndex = (int)c.word0();
                seen |= 2;
            } else if (c.keyIs(STATUS, 0)) {
                ok = readStatus();
            } else if (c.keyIs(LOGS, 0)) {
                logsAt = c.tryNull() ? -1 : c.position();
                ok = logsAt < 0 || c.skipValue();
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
        if (seen != RECEIPT_FIELDS) {
            return c.fail(JsonError.MISSING_FIELD, start);
        }
        receiptCount++;
        handler.onReceipt(this);
        if (logsAt >= 0) {
            final int resume = c.position();
            c.position(logsAt);
            if (!decodeLogs()) {
                return false;
            }
            c.position(resume);
        }
        return true;
    }

    private boolean readStatus() {
        final JsonCursor c = cursor;
        if (c.tryNull()) {
            status = STATUS_UNKNOWN;
            return true;
        }
        final int at = c.position();
        if (!c.readLongQuantity()) {
            return false;
        }
        if (c.word0() > 1) {
            return c.fail(JsonError.BAD_QUANTITY, at);
        }
        status = (int)c.word0();
        return true;
    }

    private boolean decodeLogs() {
        final JsonCursor c = cursor;
        if (!c.expect('[')) {
            return c.fail(JsonError.WRONG_TYPE, c.position());
        }
        boolean first = true;
        int step;
        while ((step = c.nextElement(first)) == JsonCursor.MORE) {
            first = false;
            if (c.peek() != '{') {
                return c.fail(JsonError.WRONG_TYPE, c.position());
            }
            if (!decodeLog()) {
                return false;
            }
        }
        return step == JsonCursor.END;
    }

    private boolean decodeLog() {
        final JsonCursor c = cursor;
        final int start = c.position();
        c.expect('{');
        int seen = 0;
        boolean first = true;
        int step;
        while ((step = c.nextMember(first)) == JsonCursor.MORE) {
            first = false;
            final boolean ok;
            if (c.keyIs(ADDRESS, 0)) {
                ok = c.readHexBytes(address, 0, MatchList.CONTRACT_LENGTH);
                seen |= 1;
            } else if (c.keyIs(TOPICS, 0)) {
                ok = decodeTopics();
                seen |= 2;
            } else if (c.keyIs(DATA, 0)) {
                ok = c.readHexData(false) && decodeDataWord();
                seen |= 4;
            } else if (c.keyIs(LOG_INDEX, 0)) {
                // below NATIVE_OUTPUT_INDEX, so that a log can never pose as a native transfer's entry
                final int at = c.position();
                ok = c.readLongQuantity() && (c.word0() < EthereumPayload.NATIVE_OUTPUT_INDEX || c.fail(JsonError.BAD_QUANTITY, at));
                logIndex = (int)c.word0();
                seen |= 8;
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
        if (seen != LOG_FIELDS) {
            return c.fail(JsonError.MISSING_FIELD, start);
        }
        handler.onLog(this);
        return true;
    }

    private boolean decodeDataWord() {
        final JsonCursor c = cursor;
        dataOffset = c.stringStart() + 2;
        dataLength = c.stringEnd() - dataOffset;
        dataIsWord = dataLength == 2 * WORD_LENGTH;
        if (dataIsWord) {
            if (!c.parseQuantity(c.stringStart(), c.stringEnd(), c.stringStart() - 1)) {
                return false;
            }
            dataWord0 = c.word0();
            dataWord1 = c.word1();
            dataWord2 = c.word2();
            dataWord3 = c.word3();
        }
        return true;
    }

    private boolean decodeTopics() {
        final JsonCursor c = cursor;
        topicCount = 0;
        if (!c.expect('[')) {
            return false;
        }
        boolean first = true;
        int step;
        while ((step = c.nextElement(first)) == JsonCursor.MORE) {
            first = false;
            final int n = topicCount;
            final boolean ok = n < MAX_TOPICS
                ? c.readHexBytes(topics, n * WORD_LENGTH, WORD_LENGTH)
                : c.readHexData(true);
            if (!ok) {
                return false;
            }
            topicCount = n + 1;
        }
        return step == JsonCursor.END;
    }

    /** Receipts seen so far (the block's count after a successful decode). */
    public int receiptCount() {
        return receiptCount;
    }

    /** The current receipt's transaction hash, 32 bytes. */
    public DirectBuffer txHash() {
        return txHash;
    }

    /** The current receipt's transaction index in its block. */
    public int txIndex() {
        return txIndex;
    }

    /** {@link #STATUS_SUCCESS}, {@link #STATUS_FAILED} or {@link #STATUS_UNKNOWN}. */
    public int status() {
        return status;
    }

    /** The current log's emitting contract, 20 bytes. */
    public DirectBuffer address() {
        return address;
    }

    /** The current log's topic count (may exceed {@link #MAX_TOPICS} in hostile input; only 4 are kept). */
    public int topicCount() {
        return topicCount;
    }

    /** Topic {@code i} ({@code i < min(topicCount, 4)}) at offset {@code i * 32}. */
    public DirectBuffer topics() {
        return topics;
    }

    /** Offset of the first hex digit of the log's data in the source buffer (digits checked only for a one-word data). */
    public int dataOffset() {
        return dataOffset;
    }

    /** Number of hex digits of the log's data. */
    public int dataLength() {
        return dataLength;
    }

    /** True when the data is exactly one 32-byte word, decoded in {@link #dataWord0()}..{@link #dataWord3()}. */
    public boolean dataIsWord() {
        return dataIsWord;
    }

    public long dataWord0() {
        return dataWord0;
    }

    public long dataWord1() {
        return dataWord1;
    }

    public long dataWord2() {
        return dataWord2;
    }

    public long dataWord3() {
        return dataWord3;
    }

    /** The log's index in the block (always below {@link EthereumPayload#NATIVE_OUTPUT_INDEX}). */
    public int logIndex() {
        return logIndex;
    }
}
