package io.finality.bitcoin.scan;

import io.finality.core.spi.AddressIndex;
import io.finality.core.spi.MutableAddressIndex;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * The outpoints spent by transactions that paid a watched script. A later transaction spending
 * one of them (a replacement or a double spend) usually pays somewhere else, so it never matches
 * an output; probing its inputs here is how stage 1 still reports it to the state engine.
 *
 * <p>The key is the serialized outpoint (txid [32] | vout u32 LE), contiguous in the raw
 * transaction, so probes read it in place. Entries expire {@link #retentionBlocks()} blocks after
 * they were added: a log of (height, outpoint) in insertion order is trimmed from the front as
 * the chain advances, so memory stays proportional to recent payments.
 *
 * <p>Thread rules: the scan thread only (it owns the underlying index).
 */
public final class OutpointWatch {
    /** Bytes of a serialized outpoint: previous txid and output index. */
    public static final int OUTPOINT_LENGTH = 36;
    private static final int RECORD = 8 + OUTPOINT_LENGTH;

    private final MutableAddressIndex outpoints;
    private final int retentionBlocks;
    private final ExpandableArrayBuffer log = new ExpandableArrayBuffer(64 * RECORD);
    private int head;
    private int tail;
    private long tipHeight = -1;

    /**
     * @param outpoints       an empty index dedicated to outpoints (not the script index).
     * @param retentionBlocks how many blocks an outpoint stays watched.
     */
    public OutpointWatch(final MutableAddressIndex outpoints, final int retentionBlocks) {
        this.outpoints = outpoints;
        this.retentionBlocks = retentionBlocks;
    }

    public int retentionBlocks() {
        return retentionBlocks;
    }

    /** Outpoints currently watched. */
    public int size() {
        return outpoints.size();
    }

    /** True if no outpoint is watched: the scanner can skip input probes altogether. */
    public boolean isEmpty() {
        return outpoints.size() == 0;
    }

    /** True if {@code buffer[offset, offset + 36)} is a watched outpoint. */
    public boolean contains(final int chainCode, final DirectBuffer buffer, final int offset) {
        return outpoints.lookup(chainCode, buffer, offset, OUTPOINT_LENGTH) != AddressIndex.MISSING;
    }

    /** Watch an outpoint spent by a paying transaction. */
    public void add(final int chainCode, final DirectBuffer buffer, final int offset) {
        if (outpoints.put(chainCode, buffer, offset, OUTPOINT_LENGTH, chainCode) == AddressIndex.MISSING) {
            log.checkLimit(tail + RECORD);
            log.putLong(tail, ((long)chainCode << 48) | Math.max(tipHeight, 0));
            log.putBytes(tail + 8, buffer, offset, OUTPOINT_LENGTH);
            tail += RECORD;
        }
    }

    /** The chain reached {@code height}: forget outpoints added more than the retention ago. */
    public void onBlock(final long height) {
        tipHeight = height;
        while (head < tail) {
            final long word = log.getLong(head);
            if (height - (word & 0xFFFF_FFFF_FFFFL) < retentionBlocks) {
                break;
            }
            outpoints.remove((int)(word >>> 48), log, head + 8, OUTPOINT_LENGTH);
            head += RECORD;
        }
        if (head == tail) {
            head = 0;
            tail = 0;
        } else if (head > log.capacity() / 2) {
            log.putBytes(0, log, head, tail - head);
            tail -= head;
            head = 0;
        }
    }
}
