package io.finality.matcher.index;

import java.nio.ByteBuffer;

import io.finality.core.spi.MutableAddressIndex;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The matcher's off-heap index from a chain-qualified watch key (a Bitcoin output script of any length,
 * an Ethereum address) to the invoice slot watching it.
 *
 * <p>Layout: an open-addressing table with linear probing of 16-byte slots, the position taken from the top
 * bits of a 64-bit fingerprint ({@link WatchKeyHash}); the key bytes live in a {@link KeyArena} and are
 * compared in full only when fingerprints are equal. Fingerprint 0 marks an empty slot.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                   fingerprint (long, 0 = empty)               |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      invoice slot (int)                       |
 *  +---------------------------------------------------------------+
 *  |                    key arena reference (int)                  |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <ul>
 *   <li>Removal is backward-shift deletion: no tombstones, so probe lengths never degrade with churn.</li>
 *   <li>Growth doubles the table when it passes the load factor; the rehash moves slots by their stored
 *       fingerprint without touching key bytes. That is the one pause the scan stage sees (measured at 10 M
 *       keys in docs/BENCHMARKS.md, "Matcher"); presize with {@link WatchKeyIndexContext#expectedKeys}.</li>
 *   <li>The optional pre-filter is a Bloom filter with all three bits of a key in one 64-bit word: one
 *       cache-resident read rejects most misses before the table (DRAM) is touched. Removal leaves stale bits
 *       (false positives only); the filter is rebuilt from the table's fingerprints once stale entries
 *       outnumber live ones.</li>
 * </ul>
 *
 * <p>Limits: keys of {@value #MAX_KEY_LENGTH} bytes at most, {@value #MAX_KEYS} keys at most.
 *
 * <p>Thread rules: single-threaded. Only the scan stage (stage 1) calls it once the pipeline runs: invoice
 * open and cancel arrive through the ring, so lookups never race with updates. Start-up loading happens on
 * the thread that then starts the pipeline (a happens-before edge through the Disruptor start).
 * {@link #lookup} never allocates and never throws for any key; mutations allocate only when growing.
 */
public final class WatchKeyIndex implements MutableAddressIndex, AutoCloseable {
    /** Longest watch key: the consensus limit on a Bitcoin script. */
    public static final int MAX_KEY_LENGTH = 10_000;
    /** Largest table: 2^26 slots of 16 bytes (1 GiB), filled to at most 90 %. */
    public static final int MAX_CAPACITY = 1 << 26;
    /** Most keys the index holds. */
    public static final int MAX_KEYS = (int) (MAX_CAPACITY * 0.9f);

    private static final int SLOT_SHIFT = 4;
    private static final int SLOT_LENGTH = 1 << SLOT_SHIFT;
    private static final int INVOICE_OFFSET = 8;
    private static final int REF_OFFSET = 12;
    private static final int MIN_CAPACITY = 16;
    private static final long EMPTY = 0;
    /** Stand-in for a hash that happens to equal the empty marker. */
    private static final long ZERO_HASH_FINGERPRINT = 0x5BD1E9955BD1E995L;
    /** Compact the key arena only once this much sits on its free lists, so small indexes never bother. */
    private static final long ARENA_COMPACT_MIN_BYTES = 1 << 20;

    private final KeyHasher hasher;
    private final float loadFactor;
    private final boolean preFilter;
    private final int filterBitsPerSlot;

    private UnsafeBuffer table;
    private int capacity;
    private int mask;
    private int shift;
    private int resizeThreshold;
    private int size;
    private KeyArena arena;

    private UnsafeBuffer filter;
    private int filterWordMask;
    private int filterStale;

    private long pauseCount;
    private long maxPauseNanos;
    private long lastPauseNanos;

    /** An index configured by {@code context}. */
    public WatchKeyIndex(final WatchKeyIndexContext context) {
        this(context, KeyHasher.DEFAULT);
    }

    /** An index with the default configuration. */
    public WatchKeyIndex() {
        this(new WatchKeyIndexContext());
    }

    /** Test hook: a hasher that forces fingerprint collisions. */
    WatchKeyIndex(final WatchKeyIndexContext context, final KeyHasher hasher) {
        this.hasher = hasher;
        this.loadFactor = context.loadFactor();
        this.preFilter = context.preFilter();
        this.filterBitsPerSlot = context.filterBitsPerSlot();
        final long wanted = (long) Math.ceil(context.expectedKeys() / (double) loadFactor);
        final int initialCapacity = (int) Math.min(MAX_CAPACITY, BitUtil.findNextPositivePowerOfTwo(Math.max(MIN_CAPACITY, wanted)));
        allocateTable(initialCapacity);
        arena = new KeyArena((long) context.expectedKeys() * KeyArena.recordLength(26));
    }

    @Override
    public int lookup(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        if (length < 0 || length > MAX_KEY_LENGTH) {
            return MISSING;
        }
        final long fp = fingerprint(chainCode, key, offset, length);
        if (preFilter && !filterMightContain(fp)) {
            return MISSING;
        }
        final UnsafeBuffer table = this.table;
        final int mask = this.mask;
        int i = (int) (fp >>> shift);
        while (true) {
            final int at = i << SLOT_SHIFT;
            final long slotFp = table.getLong(at);
            if (slotFp == EMPTY) {
                return MISSING;
            }
            if (slotFp == fp && arena.matches(table.getInt(at + REF_OFFSET), chainCode, key, offset, length)) {
                return table.getInt(at + INVOICE_OFFSET);
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the key is longer than {@value #MAX_KEY_LENGTH} bytes or the slot is negative.
     * @throws IllegalStateException    if the index already holds {@value #MAX_KEYS} keys.
     */
    @Override
    public int put(final int chainCode, final DirectBuffer key, final int offset, final int length, final int invoiceSlot) {
        checkKeyLength(length);
        if (invoiceSlot < 0) {
            throw new IllegalArgumentException("invoice slot must be >= 0, was " + invoiceSlot);
        }
        final long fp = fingerprint(chainCode, key, offset, length);
        int i = find(fp, chainCode, key, offset, length);
        if (i >= 0) {
            final int at = i << SLOT_SHIFT;
            final int previous = table.getInt(at + INVOICE_OFFSET);
            table.putInt(at + INVOICE_OFFSET, invoiceSlot);
            return previous;
        }
        if (size >= resizeThreshold) {
            grow();
        }
        i = (int) (fp >>> shift);
        while (table.getLong(i << SLOT_SHIFT) != EMPTY) {
            i = (i + 1) & mask;
        }
        final int at = i << SLOT_SHIFT;
        table.putLong(at, fp);
        table.putInt(at + INVOICE_OFFSET, invoiceSlot);
        table.putInt(at + REF_OFFSET, arena.add(chainCode, key, offset, length));
        size++;
        if (preFilter) {
            filterAdd(fp);
        }
        return MISSING;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the key is longer than {@value #MAX_KEY_LENGTH} bytes.
     */
    @Override
    public int remove(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        checkKeyLength(length);
        final long fp = fingerprint(chainCode, key, offset, length);
        int hole = find(fp, chainCode, key, offset, length);
        if (hole < 0) {
            return MISSING;
        }
        final UnsafeBuffer table = this.table;
        final int removedAt = hole << SLOT_SHIFT;
        final int removed = table.getInt(removedAt + INVOICE_OFFSET);
        arena.free(table.getInt(removedAt + REF_OFFSET));

        // Backward-shift: pull later members of the cluster into the hole unless their home lies
        // cyclically within (hole, j], where moving them would put them before their home.
        int j = hole;
        while (true) {
            j = (j + 1) & mask;
            final int at = j << SLOT_SHIFT;
            final long slotFp = table.getLong(at);
            if (slotFp == EMPTY) {
                break;
            }
            final int home = (int) (slotFp >>> shift);
            final boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays) {
                table.putBytes(hole << SLOT_SHIFT, table, at, SLOT_LENGTH);
                hole = j;
            }
        }
        table.setMemory(hole << SLOT_SHIFT, SLOT_LENGTH, (byte) 0);
        size--;

        if (preFilter && ++filterStale > Math.max(1024, size)) {
            final long start = System.nanoTime();
            rebuildFilter();
            recordPause(start);
        }
        if (arena.freeBytes() > ARENA_COMPACT_MIN_BYTES && arena.freeBytes() > 2 * arena.liveBytes()) {
            final long start = System.nanoTime();
            compactArena();
            recordPause(start);
        }
        return removed;
    }

    @Override
    public int size() {
        return size;
    }

    /** Current number of table slots (a power of two). */
    public int capacity() {
        return capacity;
    }

    /** Off-heap bytes held: table, pre-filter and key arena. */
    public long offHeapBytes() {
        return (long) table.capacity() + (filter == null ? 0 : filter.capacity()) + arena.capacityBytes();
    }

    /** How many stop-the-world maintenance passes (growth, filter rebuild, arena compaction) have run. */
    public long pauseCount() {
        return pauseCount;
    }

    /** The longest maintenance pause so far, in nanoseconds. */
    public long maxPauseNanos() {
        return maxPauseNanos;
    }

    /** The most recent maintenance pause, in nanoseconds. */
    public long lastPauseNanos() {
        return lastPauseNanos;
    }

    /** Frees the off-heap memory; the index must not be used afterwards. */
    @Override
    public void close() {
        if (table != null) {
            BufferUtil.free(table);
            table = null;
        }
        if (filter != null) {
            BufferUtil.free(filter);
            filter = null;
        }
        arena.close();
    }

    private long fingerprint(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        final long hash = hasher.hash(chainCode, key, offset, length);
        return hash == EMPTY ? ZERO_HASH_FINGERPRINT : hash;
    }

    /** @return the slot index holding the key, or -1. */
    private int find(final long fp, final int chainCode, final DirectBuffer key, final int offset, final int length) {
        int i = (int) (fp >>> shift);
        while (true) {
            final int at = i << SLOT_SHIFT;
            final long slotFp = table.getLong(at);
            if (slotFp == EMPTY) {
                return -1;
            }
            if (slotFp == fp && arena.matches(table.getInt(at + REF_OFFSET), chainCode, key, offset, length)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    private static void checkKeyLength(final int length) {
        if (length < 0 || length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("watch key length must be 0.." + MAX_KEY_LENGTH + " bytes, was " + length);
        }
    }

    private void grow() {
        if (capacity == MAX_CAPACITY) {
            if (size >= MAX_KEYS) {
                throw new IllegalStateException("watch key index full: " + size + " keys");
            }
            resizeThreshold = MAX_KEYS;
            return;
        }
        final long start = System.nanoTime();
        final UnsafeBuffer old = table;
        final int oldCapacity = capacity;
        allocateTable(capacity * 2);
        for (int at = 0, end = oldCapacity << SLOT_SHIFT; at < end; at += SLOT_LENGTH) {
            final long fp = old.getLong(at);
            if (fp != EMPTY) {
                int i = (int) (fp >>> shift);
                while (table.getLong(i << SLOT_SHIFT) != EMPTY) {
                    i = (i + 1) & mask;
                }
                table.putBytes(i << SLOT_SHIFT, old, at, SLOT_LENGTH);
            }
        }
        BufferUtil.free(old);
        if (preFilter) {
            rebuildFilter();
        }
        recordPause(start);
    }

    private void allocateTable(final int newCapacity) {
        table = allocate((long) newCapacity << SLOT_SHIFT);
        capacity = newCapacity;
        mask = newCapacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(newCapacity);
        resizeThreshold = newCapacity == MAX_CAPACITY ? MAX_KEYS : (int) (newCapacity * loadFactor);
        if (preFilter) {
            if (filter != null) {
                BufferUtil.free(filter);
            }
            final long words = Math.max(1L, (long) newCapacity * filterBitsPerSlot / Long.SIZE);
            filter = allocate(words * Long.BYTES);
            filterWordMask = (int) words - 1;
        }
    }

    private static UnsafeBuffer allocate(final long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalStateException("off-heap region too large: " + bytes + " bytes");
        }
        // allocateDirect zeroes the memory: every slot starts EMPTY and every filter bit clear.
        return new UnsafeBuffer(ByteBuffer.allocateDirect((int) bytes));
    }

    private static long filterMask(final long fp) {
        return (1L << (fp >>> 40)) | (1L << (fp >>> 46)) | (1L << (fp >>> 52));
    }

    private boolean filterMightContain(final long fp) {
        final long bits = filterMask(fp);
        return (filter.getLong(((int) fp & filterWordMask) << 3) & bits) == bits;
    }

    private void filterAdd(final long fp) {
        final int at = ((int) fp & filterWordMask) << 3;
        filter.putLong(at, filter.getLong(at) | filterMask(fp));
    }

    private void rebuildFilter() {
        filter.setMemory(0, filter.capacity(), (byte) 0);
        for (int at = 0, end = capacity << SLOT_SHIFT; at < end; at += SLOT_LENGTH) {
            final long fp = table.getLong(at);
            if (fp != EMPTY) {
                filterAdd(fp);
            }
        }
        filterStale = 0;
    }

    private void compactArena() {
        final KeyArena fresh = new KeyArena(arena.liveBytes());
        for (int at = REF_OFFSET, end = capacity << SLOT_SHIFT; at < end; at += SLOT_LENGTH) {
            if (table.getLong(at - REF_OFFSET) != EMPTY) {
                table.putInt(at, fresh.copyFrom(arena, table.getInt(at)));
            }
        }
        arena.close();
        arena = fresh;
    }

    private void recordPause(final long startNanos) {
        lastPauseNanos = System.nanoTime() - startNanos;
        maxPauseNanos = Math.max(maxPauseNanos, lastPauseNanos);
        pauseCount++;
    }
}
