package io.finality.bitcoin.scan;

import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.core.spi.AddressIndex;
import io.finality.core.spi.BlockScanner;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Stage 1 for Bitcoin chains: walks a slot's raw block ({@code BLOCK_CONNECTED}) or raw transaction
 * ({@code MEMPOOL_TX}) in place and records every output whose script is watched.
 *
 * <p>Per transaction, in one pass: validate the layout ({@link TransactionFlyweight#wrap}) while probing
 * each output script byte-exact in the {@link AddressIndex} as the pass reaches it; then, only if an
 * output matched and the transaction proved well formed, hash the stripped
 * serialisation for the txid and record the matched outputs
 * ({@link MatchList#addOutput}: value in satoshis as the low word) and the transaction's spent
 * outpoints ({@link MatchList#addSpend}, the spent output index as a signed int; a coinbase's null
 * outpoint is left out) for double-spend detection. Transactions without a match
 * are never hashed.
 *
 * <p>Bad payloads end the scan with a {@link ScanError} code and offset stored through
 * {@link ChainEvent#scanResult(int, int)}; matches recorded before the error stay in the list, and the
 * state engine decides what a partial scan is worth. Nothing allocates after construction, except
 * the match list growing while the ring warms up.
 *
 * <p>Thread rules: one instance per scan-stage thread (it holds reused flyweights and a digest).
 */
public final class BitcoinBlockScanner implements BlockScanner {
    private final BlockFlyweight block = new BlockFlyweight();
    private final TransactionFlyweight tx = new TransactionFlyweight();
    private final DoubleSha256 hasher = new DoubleSha256();
    private final UnsafeBuffer txid = new UnsafeBuffer(new byte[DoubleSha256.LENGTH]);
    private final Prober prober = new Prober();
    private final OutpointWatch outpoints;
    private int errorOffset;

    /** A scanner that reports payments only (no double-spend detection): benchmarks and tools. */
    public BitcoinBlockScanner() {
        this(null);
    }

    /**
     * A scanner that also reports transactions spending an outpoint a payment spent (replacements,
     * double spends), through {@code outpoints}.
     */
    public BitcoinBlockScanner(final OutpointWatch outpoints) {
        this.outpoints = outpoints;
    }

    @Override
    public int scan(final ChainEvent event, final AddressIndex index) {
        final EventKind kind = event.kind();
        final int status;
        if (kind == EventKind.BLOCK_CONNECTED) {
            if (outpoints != null) {
                outpoints.onBlock(event.height());
            }
            status = scanBlock(event.payloadBuffer(), 0, event.payloadLength(), event.chain().code(), index, event.matches());
        } else if (kind == EventKind.MEMPOOL_TX) {
            status = scanTransaction(event.payloadBuffer(), 0, event.payloadLength(), event.chain().code(), index, event.matches());
        } else {
            status = ScanError.OK;
        }
        event.scanResult(status, status == ScanError.OK ? 0 : errorOffset);
        return status;
    }

    /**
     * Scan a block in {@code buffer[offset, offset + length)} against {@code index} into {@code matches}.
     *
     * @return {@link ScanError#OK} or an error code ({@link #errorOffset()} tells where).
     */
    public int scanBlock(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int chainCode,
        final AddressIndex index,
        final MatchList matches) {
        final BlockFlyweight block = this.block;
        final TransactionFlyweight tx = this.tx;
        int status = block.wrap(buffer, offset, length);
        if (status != ScanError.OK) {
            errorOffset = block.errorOffset();
            return status;
        }
        final Prober prober = this.prober;
        prober.index = index;
        prober.chainCode = chainCode;
        while (block.hasNextTransaction()) {
            prober.count = 0;
            status = block.nextTransaction(tx, prober);
            if (status != ScanError.OK) {
                errorOffset = block.errorOffset();
                return status;
            }
            recordMatches(block.txIndex(), tx, matches);
        }
        errorOffset = 0;
        return ScanError.OK;
    }

    /**
     * Scan one transaction that must fill {@code buffer[offset, offset + length)} exactly.
     *
     * @return {@link ScanError#OK} or an error code ({@link #errorOffset()} tells where).
     */
    public int scanTransaction(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int chainCode,
        final AddressIndex index,
        final MatchList matches) {
        final TransactionFlyweight tx = this.tx;
        final int limit = offset + length;
        final Prober prober = this.prober;
        prober.index = index;
        prober.chainCode = chainCode;
        prober.count = 0;
        final int status = tx.wrap(buffer, offset, limit, prober);
        if (status != ScanError.OK) {
            errorOffset = tx.errorOffset();
            return status;
        }
        if (tx.end() != limit) {
            errorOffset = tx.end();
            return ScanError.TRAILING_BYTES;
        }
        recordMatches(0, tx, matches);
        errorOffset = 0;
        return ScanError.OK;
    }

    /**
     * Compute every txid of a block into {@code dst} (txid {@code i} at {@code dstOffset + 32 * i}),
     * walking and hashing in place: the bulk-index and benchmark mode.
     *
     * @return {@link ScanError#OK}, a block error, or {@link ScanError#OUTPUT_TOO_SMALL}.
     */
    public int allTxids(final DirectBuffer buffer, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset) {
        final BlockFlyweight block = this.block;
        final TransactionFlyweight tx = this.tx;
        int status = block.wrap(buffer, offset, length);
        if (status != ScanError.OK) {
            errorOffset = block.errorOffset();
            return status;
        }
        if ((long)block.txCount() * DoubleSha256.LENGTH > dst.capacity() - (long)dstOffset) {
            errorOffset = offset + BlockFlyweight.HEADER_LENGTH;
            return ScanError.OUTPUT_TOO_SMALL;
        }
        int at = dstOffset;
        while (block.hasNextTransaction()) {
            status = block.nextTransaction(tx);
            if (status != ScanError.OK) {
                errorOffset = block.errorOffset();
                return status;
            }
            tx.txid(hasher, dst, at);
            at += DoubleSha256.LENGTH;
        }
        errorOffset = 0;
        return ScanError.OK;
    }

    /** Offset of the failure reported by the last scan call. */
    public int errorOffset() {
        return errorOffset;
    }

    /**
     * Second half of a transaction's scan, after {@link TransactionFlyweight#wrap} validated it while the
     * {@link Prober} probed its outputs: hash and record only if something matched.
     */
    private void recordMatches(final int txIndex, final TransactionFlyweight tx, final MatchList matches) {
        final Prober prober = this.prober;
        final int n = prober.count;
        if (n == 0) {
            reportConflicts(tx, prober.chainCode, matches);
            return;
        }
        tx.txid(hasher, txid, 0);
        final DirectBuffer buffer = tx.buffer();
        for (int i = 0; i < n; i++) {
            matches.addOutput(txIndex, txid, 0, prober.vouts[i], 0,
                buffer.getLong(prober.valueOffsets[i], ByteOrder.LITTLE_ENDIAN), prober.slots[i], 0);
        }
        // a coinbase's null outpoint spends nothing, so it cannot conflict with anything
        if (!tx.coinbase()) {
            while (tx.nextInput()) {
                matches.addSpend(txid, 0, buffer, tx.prevTxidOffset(), (int)tx.prevIndex());
                if (outpoints != null) {
                    outpoints.add(prober.chainCode, buffer, tx.prevTxidOffset());
                }
            }
        }
    }

    /**
     * Not a payment, but it may spend what a payment spent (a replacement or a double spend that pays
     * elsewhere): report each such outpoint, hashing the transaction only if there is one.
     */
    private void reportConflicts(final TransactionFlyweight tx, final int chainCode, final MatchList matches) {
        if (outpoints == null || outpoints.isEmpty() || tx.coinbase()) {
            return;
        }
        final DirectBuffer buffer = tx.buffer();
        boolean hashed = false;
        while (tx.nextInput()) {
            if (outpoints.contains(chainCode, buffer, tx.prevTxidOffset())) {
                if (!hashed) {
                    tx.txid(hasher, txid, 0);
                    hashed = true;
                }
                matches.addSpend(txid, 0, buffer, tx.prevTxidOffset(), (int)tx.prevIndex());
            }
        }
    }

    /**
     * Probes each output script in the index during the validating pass and remembers the hits of the
     * current transaction (arrays grow only while warming up to the largest match count seen).
     */
    private static final class Prober implements TransactionFlyweight.OutputListener {
        AddressIndex index;
        int chainCode;
        int count;
        int[] vouts = new int[16];
        int[] slots = new int[16];
        int[] valueOffsets = new int[16];

        @Override
        public void onOutput(
            final DirectBuffer buffer, final int outputIndex, final int valueOffset, final int scriptOffset, final int scriptLength) {
            final int slot = index.lookup(chainCode, buffer, scriptOffset, scriptLength);
            if (slot != AddressIndex.MISSING) {
                if (count == vouts.length) {
                    vouts = Arrays.copyOf(vouts, count * 2);
                    slots = Arrays.copyOf(slots, count * 2);
                    valueOffsets = Arrays.copyOf(valueOffsets, count * 2);
                }
                vouts[count] = outputIndex;
                slots[count] = slot;
                valueOffsets[count] = valueOffset;
                count++;
            }
        }
    }
}
