package io.finality.ethereum;

import io.finality.core.buffer.Hex;
import io.finality.core.ring.MatchList;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Builds the equivalent of an {@code eth_getBlockReceipts} result for a node that lacks that method, from
 * {@code eth_getLogs({blockHash})} and the receipts of the transactions that move ether. The output is a
 * JSON array with one receipt per transaction of the block, in order, holding exactly what the scanner
 * reads: {@code transactionHash}, {@code transactionIndex}, {@code status} and {@code logs} (the node's
 * log objects, copied verbatim), so {@link ReceiptsJsonDecoder} and the scanner treat it like the real one.
 *
 * <p>Why it is exact for payments: a log only exists in a successful transaction (a reverted one keeps no
 * logs), so an ERC-20 {@code Transfer} found through {@code eth_getLogs} is from a status-1 receipt; the one
 * status that matters beyond logs is that of a native transfer, and those receipts are fetched
 * ({@link #carriesValue}). A transaction that neither moves ether nor logs is given status 1: nothing in it
 * can match.
 *
 * <p>Use: {@link #readBlock}, then {@link #status} for each transaction that {@link #carriesValue}, then
 * {@link #build}. Thread rules: one instance per thread; an edge fallback, it allocates as blocks grow.
 */
public final class ReceiptsFromLogs {
    private static final long TRANSACTION_INDEX_0 = JsonCursor.keyWord("transactionIndex", 0);
    private static final long TRANSACTION_INDEX_1 = JsonCursor.keyWord("transactionIndex", Long.BYTES);
    private static final long STATUS = JsonCursor.keyWord("status", 0);

    private final BlockJsonDecoder blockDecoder = new BlockJsonDecoder();
    private final JsonCursor cursor = new JsonCursor();
    private final TransactionHandler collect = this::collect;
    private byte[] hashes = new byte[64 * MatchList.TXID_LENGTH];
    private boolean[] value = new boolean[64];
    private byte[] statuses = new byte[64];
    private int count;
    private int[] logStart = new int[64];
    private int[] logEnd = new int[64];
    private int[] logTx = new int[64];
    private int logs;
    private int errorOffset;

    /**
     * Read the block's transactions (a full-transaction block response).
     *
     * @return {@link JsonError#OK} or the block decoder's error.
     */
    public int readBlock(final DirectBuffer src, final int offset, final int length) {
        count = 0;
        final int status = blockDecoder.decode(src, offset, length, collect);
        errorOffset = blockDecoder.errorOffset();
        return status;
    }

    private void collect(final BlockJsonDecoder tx) {
        final int i = count;
        if (i == value.length) {
            value = Arrays.copyOf(value, i * 2);
            statuses = Arrays.copyOf(statuses, i * 2);
            hashes = Arrays.copyOf(hashes, i * 2 * MatchList.TXID_LENGTH);
        }
        tx.txHash().getBytes(0, hashes, i * MatchList.TXID_LENGTH, MatchList.TXID_LENGTH);
        value[i] = tx.hasTo() && (tx.value0() | tx.value1() | tx.value2() | tx.value3()) != 0;
        statuses[i] = 1;
        count++;
    }

    public int transactionCount() {
        return count;
    }

    /** Whether transaction {@code index} sends ether to an address: its receipt's status must be fetched. */
    public boolean carriesValue(final int index) {
        return value[index];
    }

    /** Transaction {@code index}'s hash as {@code 0x...} (for the receipt request). */
    public String transactionHash(final int index) {
        return "0x" + Hex.toHex(hashes, index * MatchList.TXID_LENGTH, MatchList.TXID_LENGTH);
    }

    /** Record transaction {@code index}'s status as known some other way (1: success, 0: reverted). */
    public void status(final int index, final boolean success) {
        statuses[index] = (byte)(success ? 1 : 0);
    }

    /**
     * Record transaction {@code index}'s status from its {@code eth_getTransactionReceipt} result
     * ({@code src[offset, offset + length)}, a receipt object).
     *
     * @return {@link JsonError#OK}, or an error if the result is not a receipt with a status of 0 or 1.
     */
    public int status(final int index, final DirectBuffer src, final int offset, final int length) {
        final JsonCursor c = cursor;
        c.wrap(src, offset, length);
        if (c.tryNull()) {
            c.fail(JsonError.NULL_RESULT, offset);
        } else if (c.expect('{')) {
            int status = -1;
            boolean first = true;
            int step;
            while ((step = c.nextMember(first)) == JsonCursor.MORE) {
                first = false;
                if (c.keyIs(STATUS, 0)) {
                    if (c.readLongQuantity() && c.word0() <= 1) {
                        status = (int)c.word0();
                    } else {
                        c.fail(JsonError.BAD_QUANTITY, c.position());
                    }
                } else {
                    c.skipValue();
                }
            }
            if (step == JsonCursor.END && status < 0) {
                c.fail(JsonError.MISSING_FIELD, offset);
            }
            statuses[index] = (byte)Math.max(status, 0);
        }
        errorOffset = c.errorOffset();
        return c.error();
    }

    /**
     * Build the receipts array from the {@code eth_getLogs} result in {@code logs[offset, offset + length)}
     * (the bare array) into {@code out} from 0.
     *
     * @return the number of bytes written, or {@code -code} of a {@link JsonError} (a log without a valid
     *     {@code transactionIndex} inside the block, or malformed JSON).
     */
    public int build(final DirectBuffer logsSrc, final int offset, final int length, final ExpandableArrayBuffer out) {
        if (!indexLogs(logsSrc, offset, length)) {
            errorOffset = cursor.errorOffset();
            return -cursor.error();
        }
        int p = 0;
        p += out.putStringWithoutLengthAscii(p, "[");
        int next = 0;
        for (int i = 0; i < count; i++) {
            p += out.putStringWithoutLengthAscii(p, i == 0 ? "{\"transactionHash\":\"0x" : ",{\"transactionHash\":\"0x");
            p = hex(out, p, hashes, i * MatchList.TXID_LENGTH);
            p += out.putStringWithoutLengthAscii(p, "\",\"transactionIndex\":\"0x" + Integer.toHexString(i)
                + "\",\"status\":\"0x" + statuses[i] + "\",\"logs\":[");
            boolean firstLog = true;
            while (next < logs && logTx[next] == i) {
                if (!firstLog) {
                    out.putByte(p++, (byte)',');
                }
                firstLog = false;
                final int n = logEnd[next] - logStart[next];
                out.putBytes(p, logsSrc, logStart[next], n);
                p += n;
                next++;
            }
            p += out.putStringWithoutLengthAscii(p, "]}");
        }
        p += out.putStringWithoutLengthAscii(p, "]");
        return p;
    }

    private static int hex(final MutableDirectBuffer out, final int at, final byte[] src, final int offset) {
        final byte[] digits = Hex.toHex(src, offset, MatchList.TXID_LENGTH).getBytes(StandardCharsets.US_ASCII);
        out.putBytes(at, digits);
        return at + digits.length;
    }

    /** Record each log's byte range and transaction index; logs must come in transaction order. */
    private boolean indexLogs(final DirectBuffer src, final int offset, final int length) {
        final JsonCursor c = cursor;
        c.wrap(src, offset, length);
        logs = 0;
        if (!c.expect('[')) {
            return false;
        }
        boolean first = true;
        int step;
        int lastTx = 0;
        while ((step = c.nextElement(first)) == JsonCursor.MORE) {
            first = false;
            final int start = c.position();
            if (c.peek() != '{') {
                return c.fail(JsonError.WRONG_TYPE, start);
            }
            final int tx = logTransactionIndex(c, start);
            if (tx < 0) {
                return false;
            }
            if (tx >= count || tx < lastTx) {
                return c.fail(JsonError.BAD_QUANTITY, start);
            }
            lastTx = tx;
            addLog(start, c.position(), tx);
        }
        return step == JsonCursor.END && (c.atEnd() || c.fail(JsonError.TRAILING_BYTES, c.position()));
    }

    private int logTransactionIndex(final JsonCursor c, final int start) {
        c.expect('{');
        int tx = -1;
        boolean first = true;
        int step;
        while ((step = c.nextMember(first)) == JsonCursor.MORE) {
            first = false;
            if (c.keyIs(TRANSACTION_INDEX_0, TRANSACTION_INDEX_1)) {
                if (!c.readLongQuantity() || c.word0() > Integer.MAX_VALUE) {
                    c.fail(JsonError.BAD_QUANTITY, start);
                    return -1;
                }
                tx = (int)c.word0();
            } else if (!c.skipValue()) {
                return -1;
            }
        }
        if (step != JsonCursor.END) {
            return -1;
        }
        if (tx < 0) {
            c.fail(JsonError.MISSING_FIELD, start);
        }
        return tx;
    }

    private void addLog(final int start, final int end, final int tx) {
        if (logs == logStart.length) {
            logStart = Arrays.copyOf(logStart, logs * 2);
            logEnd = Arrays.copyOf(logEnd, logs * 2);
            logTx = Arrays.copyOf(logTx, logs * 2);
        }
        logStart[logs] = start;
        logEnd[logs] = end;
        logTx[logs] = tx;
        logs++;
    }

    /** Where the last failed step stopped. */
    public int errorOffset() {
        return errorOffset;
    }
}
