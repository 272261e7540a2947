package io.finality.bitcoin.scan;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A view over one serialised Bitcoin block in place: the 80-byte header, the transaction count and
 * a cursor over the transactions.
 *
 * <pre>
 *   0                   4                          36                         68       72      76       80
 *   +-------------------+--------------------------+--------------------------+--------+-------+--------+
 *   | version (int32 LE) | prev block hash (32)     | merkle root (32)         | time   | bits  | nonce  |
 *   +-------------------+--------------------------+--------------------------+--------+-------+--------+
 *   | txCount (CompactSize) | tx 0 (coinbase) | tx 1 | ... | tx n-1 |          (see TransactionFlyweight)
 *   block hash = SHA256d(header[0, 80)), internal byte order
 * </pre>
 *
 * <p>{@link #wrap} checks the header and that the declared transaction count could fit in the bytes
 * that remain (at {@link TransactionFlyweight#MIN_TX_LENGTH} bytes each) before anything iterates.
 * Each transaction is then validated as the cursor reaches it. Errors are {@link ScanError} codes with
 * {@link #errorOffset()}, never exceptions.
 *
 * <p>Not thread-safe: owned by one thread and reused for every block.
 */
public final class BlockFlyweight {
    /** Length of the block header. */
    public static final int HEADER_LENGTH = 80;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private int offset;
    private int limit;
    private int txCount;
    private int firstTxOffset;
    private int cursor;
    private int txIndex;
    private int errorOffset;

    /**
     * View the block in {@code buffer[offset, offset + length)}; the block must fill that range exactly.
     *
     * @return {@link ScanError#OK} or an error code ({@link #errorOffset()} tells where).
     */
    public int wrap(final DirectBuffer buffer, final int offset, final int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.limit = offset + length;
        this.txCount = 0;
        this.errorOffset = 0;
        if (length < HEADER_LENGTH + 1) {
            return error(ScanError.TRUNCATED, offset + Math.min(length, HEADER_LENGTH));
        }
        int pos = offset + HEADER_LENGTH;
        final int first = buffer.getByte(pos) & 0xFF;
        long count;
        int size;
        if (first < 0xFD) {
            count = first;
            size = 1;
        } else if (first == 0xFD) {
            size = 3;
            count = limit - pos >= size ? buffer.getShort(pos + 1, LE) & 0xFFFF : -1;
            if (count >= 0 && count < 0xFD) {
                return error(ScanError.BAD_VARINT, pos);
            }
        } else if (first == 0xFE) {
            size = 5;
            count = limit - pos >= size ? buffer.getInt(pos + 1, LE) & 0xFFFF_FFFFL : -1;
            if (count >= 0 && count <= 0xFFFF) {
                return error(ScanError.BAD_VARINT, pos);
            }
        } else {
            return error(limit - pos < 9 ? ScanError.TRUNCATED : ScanError.BAD_VARINT, pos);
        }
        if (count < 0) {
            return error(ScanError.TRUNCATED, pos);
        }
        if (count == 0) {
            return error(ScanError.EMPTY_BLOCK, pos);
        }
        if (count > (limit - pos - size) / TransactionFlyweight.MIN_TX_LENGTH) {
            return error(ScanError.COUNT_TOO_LARGE, pos);
        }
        txCount = (int)count;
        firstTxOffset = pos + size;
        rewind();
        return ScanError.OK;
    }

    /** Where the last failing call found the problem. */
    public int errorOffset() {
        return errorOffset;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int txCount() {
        return txCount;
    }

    public int version() {
        return buffer.getInt(offset, LE);
    }

    /** Offset of the previous block's hash (32 bytes, internal byte order). */
    public int prevHashOffset() {
        return offset + 4;
    }

    /** Offset of the merkle root (32 bytes, internal byte order). */
    public int merkleRootOffset() {
        return offset + 36;
    }

    /** Block time, unsigned seconds since the epoch. */
    public long time() {
        return buffer.getInt(offset + 68, LE) & 0xFFFF_FFFFL;
    }

    /** Compact difficulty target. */
    public long bits() {
        return buffer.getInt(offset + 72, LE) & 0xFFFF_FFFFL;
    }

    public long nonce() {
        return buffer.getInt(offset + 76, LE) & 0xFFFF_FFFFL;
    }

    /** The block hash: double SHA-256 of the header, internal byte order (reverse it for display). */
    public void hash(final DoubleSha256 hasher, final MutableDirectBuffer dst, final int dstOffset) {
        hasher.hash(buffer, offset, HEADER_LENGTH, dst, dstOffset);
    }

    /** Move the transaction cursor back before the coinbase. */
    public BlockFlyweight rewind() {
        cursor = firstTxOffset;
        txIndex = -1;
        return this;
    }

    /** Index of the transaction the cursor last produced. */
    public int txIndex() {
        return txIndex;
    }

    /** True while the cursor has transactions left. */
    public boolean hasNextTransaction() {
        return txIndex + 1 < txCount;
    }

    /**
     * Wrap {@code tx} over the next transaction.
     *
     * @return {@link ScanError#OK}, a transaction error (its offset in {@link #errorOffset()}) or
     *     {@link ScanError#TRAILING_BYTES} when this was the last transaction but bytes remain.
     */
    public int nextTransaction(final TransactionFlyweight tx) {
        return nextTransaction(tx, null);
    }

    /** As {@link #nextTransaction(TransactionFlyweight)}, queueing each output's script into {@code queue} on the way. */
    public int nextTransaction(final TransactionFlyweight tx, final OutputQueue queue) {
        final int status = tx.wrap(buffer, cursor, limit, queue);
        if (status != ScanError.OK) {
            return error(status, tx.errorOffset());
        }
        txIndex++;
        cursor = tx.end();
        if (txIndex + 1 == txCount && cursor != limit) {
            return error(ScanError.TRAILING_BYTES, cursor);
        }
        return ScanError.OK;
    }

    /**
     * Walk every transaction from the start, handing each to {@code handler}; stops at the first error.
     *
     * @return {@link ScanError#OK} or the first error.
     */
    public int forEachTransaction(final TransactionFlyweight tx, final TransactionHandler handler) {
        rewind();
        while (hasNextTransaction()) {
            final int status = nextTransaction(tx);
            if (status != ScanError.OK) {
                return status;
            }
            handler.onTransaction(txIndex, tx);
        }
        return ScanError.OK;
    }

    private int error(final int code, final int at) {
        errorOffset = at;
        return code;
    }
}
