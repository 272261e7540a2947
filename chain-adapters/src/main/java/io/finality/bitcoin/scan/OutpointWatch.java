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
 * <p>Every input of every block that pays no watched script is asked about ({@link #contains}), and almost none is
 * watched, so a negative answer must be cheap: a bit set, one bit per watched outpoint, rejects most inputs with one
 * read of a few kilobytes that stay in cache, before the index hashes the 36-byte key and reads its own filter
 * (which cost ~40 % of a cold 1 MB block's scan in the pipeline: docs/BENCHMARKS.md). Each watched outpoint sets two
 * bits of one 64-bit word, so the test stays one read; the word and the two bits come from the first eight bytes of
 * the txid, already a uniform SHA-256 output, mixed with the output index: no hashing. (Someone grinding txids onto
 * watched positions only buys the index lookup every input paid before.) The set keeps at least
 * {@value #BITS_PER_OUTPOINT} bits per watched outpoint, so at most 1 bit in 8 is set and under 2 % of other inputs
 * pass (one bit per outpoint let 6 % pass, each then re-read and looked up at ~0.4 µs: docs/BENCHMARKS.md).
 * A byte per bit counts the outpoints on it, so an expiry clears its bit exactly when the last one goes (a count that
 * reaches 255 sticks: its bit stays set, false positives only); the set is rebuilt from the log only when it doubles.
 * (Rebuilding it instead whenever expired bits outnumbered live outpoints paused the scan thread for ~30 ms every
 * retention's worth of blocks at 1 M watched outpoints.)
 *
 * <p>Thread rules: the scan thread only (it owns the underlying index).
 */
public final class OutpointWatch {
    /** Bytes of a serialized outpoint: previous txid and output index. */
    public static final int OUTPOINT_LENGTH = 36;
    private static final int RECORD = 8 + OUTPOINT_LENGTH;
    /** Bit-set size per watched outpoint (a power of two): at most 1 in 8 bits set (two per outpoint), so ~1.7 % of other inputs pass. */
    static final int BITS_PER_OUTPOINT = 16;
    /** Smallest bit set: 2^15 bits, 4 KiB. */
    private static final int MIN_BITS_LOG2 = 15;
    private static final long MIX = 0x9E3779B97F4A7C15L;

    private final MutableAddressIndex outpoints;
    private final int retentionBlocks;
    private final ExpandableArrayBuffer log = new ExpandableArrayBuffer(64 * RECORD);
    private int head;
    private int tail;
    private long tipHeight = -1;
    private long[] bits = new long[1 << (MIN_BITS_LOG2 - 6)];
    /** Outpoints per bit, unsigned, saturating at 255. */
    private byte[] counts = new byte[1 << MIN_BITS_LOG2];
    private int bitsLog2 = MIN_BITS_LOG2;
    private long rebuilds;

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

    /** A slice of the outpoint index's unfinished upkeep, if any ({@link MutableAddressIndex#doMaintenance}). */
    public void doMaintenance(final int maxSlots) {
        if (outpoints.maintenanceDue()) {
            outpoints.doMaintenance(maxSlots);
        }
    }

    /** True if no outpoint is watched: the scanner can skip input probes altogether. */
    public boolean isEmpty() {
        return outpoints.size() == 0;
    }

    /** True if {@code buffer[offset, offset + 36)} is a watched outpoint: its bit first, the index only if that is set. */
    public boolean contains(final int chainCode, final DirectBuffer buffer, final int offset) {
        return markedHash(bits, bitsLog2, hash(buffer, offset)) != 0
            && outpoints.lookup(chainCode, buffer, offset, OUTPOINT_LENGTH) != AddressIndex.MISSING;
    }

    /** Watch an outpoint spent by a paying transaction. */
    public void add(final int chainCode, final DirectBuffer buffer, final int offset) {
        if (outpoints.put(chainCode, buffer, offset, OUTPOINT_LENGTH, chainCode) == AddressIndex.MISSING) {
            log.checkLimit(tail + RECORD);
            log.putLong(tail, ((long)chainCode << 48) | Math.max(tipHeight, 0));
            log.putBytes(tail + 8, buffer, offset, OUTPOINT_LENGTH);
            tail += RECORD;
            if ((long)outpoints.size() * BITS_PER_OUTPOINT > (1L << bitsLog2)) {
                growBits();
            } else {
                setBit(buffer, offset);
            }
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
            clearBit(log, head + 8);
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

    /** Times the bit set was rebuilt (grown); for tests and diagnostics. */
    long bitSetRebuilds() {
        return rebuilds;
    }

    /** Bits in the set now. */
    int bitSetSize() {
        return 1 << bitsLog2;
    }

    /**
     * The bit set (read-only for the caller), for the walk to test inputs as it passes them
     * ({@link TransactionFlyweight#spentOutpointBits}). {@link #add} and {@link #onBlock} may replace it: fetch it
     * again after either.
     */
    long[] bits() {
        return bits;
    }

    /** Bits in {@link #bits()}: 2^this. */
    int bitsLog2() {
        return bitsLog2;
    }

    /**
     * 1 if the outpoint whose txid starts with {@code txidHead} and whose output index is {@code index} (both as read in
     * native order) has both its bits set in {@code bits} (2^{@code log2} bits), else 0: maybe watched, or certainly not.
     * As a 0/1 long so that the walk can OR it over a transaction's inputs. The walk reads the two words itself.
     */
    static long marked(final long[] bits, final int log2, final long txidHead, final int index) {
        // Two steps of under 35 bytes of bytecode each, C2's limit for inlining at a call site it does not judge hot:
        // the walk calls this once per input, and its profile may predate the watch (docs/BENCHMARKS.md, "Bitcoin scanner")
        return markedHash(bits, log2, hash(txidHead, index));
    }

    private static long markedHash(final long[] bits, final int log2, final long h) {
        return (~bits[word(h, log2)] & ((1L << h) | (1L << (h >>> 6)))) == 0 ? 1L : 0L;
    }

    /**
     * The first eight bytes of an outpoint's txid (already a uniform SHA-256 output) mixed with its output index: the
     * top bits pick its word of the bit set, the low twelve its two bits in that word.
     */
    private static long hash(final DirectBuffer buffer, final int offset) {
        // native order: only this process reads these bits, and the order-taking reads are too big to inline at a cold site
        return hash(buffer.getLong(offset), buffer.getInt(offset + 32));
    }

    private static long hash(final long txidHead, final int index) {
        return txidHead ^ index * MIX;
    }

    private static int word(final long hash, final int log2) {
        return (int)(hash >>> (Long.SIZE - (log2 - 6)));
    }

    private void setBit(final DirectBuffer buffer, final int offset) {
        final long h = hash(buffer, offset);
        final int base = word(h, bitsLog2) << 6;
        setBit(base + ((int)h & 63));
        setBit(base + ((int)(h >>> 6) & 63));
    }

    private void setBit(final int position) {
        final int count = counts[position] & 0xFF;
        if (count < 0xFF) {
            counts[position] = (byte)(count + 1);
        }
        bits[position >>> 6] |= 1L << position;
    }

    private void clearBit(final DirectBuffer buffer, final int offset) {
        final long h = hash(buffer, offset);
        final int base = word(h, bitsLog2) << 6;
        clearBit(base + ((int)h & 63));
        clearBit(base + ((int)(h >>> 6) & 63));
    }

    private void clearBit(final int position) {
        final int count = counts[position] & 0xFF;
        if (count == 0xFF) {
            return;
        }
        counts[position] = (byte)(count - 1);
        if (count == 1) {
            bits[position >>> 6] &= ~(1L << position);
        }
    }

    /** A bit set at least twice as large (as large as the live outpoints need), holding exactly the live outpoints. */
    private void growBits() {
        int size = bitsLog2 + 1;
        while ((long)outpoints.size() * BITS_PER_OUTPOINT > (1L << size)) {
            size++;
        }
        bits = new long[1 << (size - 6)];
        counts = new byte[1 << size];
        bitsLog2 = size;
        for (int at = head; at < tail; at += RECORD) {
            setBit(log, at + 8);
        }
        rebuilds++;
    }
}
