package io.finality.matcher.index;

import java.util.Arrays;

import io.finality.core.spi.AddressIndex;
import io.finality.core.spi.MutableAddressIndex;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
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
 *   <li>Growth is incremental: past the load factor a doubled table is allocated (that allocation is the only
 *       pause; on huge-page mappings, which the kernel zeroes lazily, it takes well under a millisecond) and the old
 *       one is drained into it, whole clusters at a time, {@value #MIGRATE_QUOTA} positions per later mutation or
 *       in {@link #doMaintenance} when the owner is idle. Meanwhile a lookup whose old home is not yet drained
 *       checks the old table, then the new one; new keys always go to the new table. Pauses are measured at 10 M
 *       keys in docs/BENCHMARKS.md ("Matcher"); presize with {@link WatchKeyIndexContext#expectedKeys} to avoid
 *       even those.</li>
 *   <li>The optional pre-filter is a Bloom filter with all three bits of a key in one 64-bit word: one
 *       cache-resident read rejects most misses before the table (DRAM) is touched. Removal leaves stale bits
 *       (false positives only); once stale entries outnumber live ones (and at least 1,024), a fresh filter is
 *       filled from the table's fingerprints, {@value #REBUILD_QUOTA} slots per later mutation or in
 *       {@link #doMaintenance}, and replaces the stale one when done: no pause (a rebuild in one pass stopped the scan
 *       thread for 5-7 ms at 131,072 slots, 551 ms at 11 M keys: docs/BENCHMARKS.md).</li>
 *   <li>Table and pre-filter regions of 2 MiB or more sit on 2 MiB transparent huge pages where the platform allows
 *       ({@link HugePageAllocator}; {@link WatchKeyIndexContext#hugePages}): at 10 M keys random probes into the 8 MiB
 *       filter and 256 MiB table would otherwise miss the TLB on most reads.</li>
 * </ul>
 *
 * <p>Limits: keys of {@value #MAX_KEY_LENGTH} bytes at most, {@value #MAX_KEYS} keys at most.
 *
 * <p>Thread rules: single-threaded, except for the one {@link #concurrentReader} (lookups only, on one other thread
 * while the owner does not mutate). Only the scan stage (stage 1) calls it once the pipeline runs: invoice
 * open and cancel arrive through the ring, so lookups never race with updates. Start-up loading happens on
 * the thread that then starts the pipeline (a happens-before edge through the Disruptor start).
 * {@link #lookup} and {@link #lookupBatch} never allocate and never throw for any key; mutations allocate only when growing,
 * compacting or starting a filter rebuild.
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
    /** Old-table positions drained per mutation while growing; at least 1 / load factor keeps ahead of inserts. */
    public static final int MIGRATE_QUOTA = 64;
    /**
     * Table slots read into a rebuilt pre-filter per mutation (and per unit of {@link #doMaintenance}): ~1 KB of reads.
     * A rebuild is due after max(1024, size) removals; one due while another runs waits for it.
     */
    public static final int REBUILD_QUOTA = 64;
    /** Compact the key arena only once this much sits on its free lists, so small indexes never bother. */
    private static final long ARENA_COMPACT_MIN_BYTES = 1 << 20;

    /** Keys per pass of {@link #lookupBatch} (survivors kept as one bit each in {@code long} masks). */
    public static final int BATCH_CHUNK = 256;

    private final KeyHasher hasher;
    /** The owner's per-call scratch of {@link #lookupBatch}. */
    private final BatchScratch scratch = new BatchScratch();
    /** The one reader for a second thread, with scratch of its own: see {@link #concurrentReader}. */
    private final Reader reader = new Reader(this);
    private final float loadFactor;
    private final boolean preFilter;
    private final int filterBitsPerSlot;
    private final boolean hugePages;

    private UnsafeBuffer table;
    private int capacity;
    private int mask;
    private int shift;
    private int resizeThreshold;
    private int size;
    private KeyArena arena;

    /** The table being drained after growth, or {@code null}. */
    private UnsafeBuffer old;
    private int oldCapacity;
    private int oldMask;
    private int oldShift;
    private int migrateStart;
    private int migrated;

    private UnsafeBuffer filter;
    private int filterWordMask;
    private int filterStale;
    /** The pre-filter for the grown table, filled while the old table drains; lookups use {@link #filter} until then. */
    private UnsafeBuffer nextFilter;
    private int nextFilterWordMask;
    /**
     * A fresh pre-filter for the same table, zeroed and then filled {@value #REBUILD_QUOTA} slots' worth per mutation
     * while removals have left the current one stale; lookups use {@link #filter} (a superset) until it is done. Null
     * when none.
     */
    private UnsafeBuffer rebuilt;
    /** Bytes of {@link #rebuilt} zeroed so far: its scan of the table starts once all are. */
    private int rebuiltZeroed;
    /** The next table slot the rebuild reads. */
    private int rebuildAt;
    /** The filter a finished rebuild replaced, kept for the next rebuild of a table this size (none allocates then). */
    private UnsafeBuffer spareFilter;

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
        this.hugePages = context.hugePages();
        final long wanted = (long) Math.ceil(context.expectedKeys() / (double) loadFactor);
        final int initialCapacity = (int) Math.min(MAX_CAPACITY, BitUtil.findNextPositivePowerOfTwo(Math.max(MIN_CAPACITY, wanted)));
        allocateTable(initialCapacity);
        arena = new KeyArena((long) context.expectedKeys() * KeyArena.recordLength(26), hugePages);
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
        return lookupTables(fp, chainCode, key, offset, length);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Works in chunks of {@value #BATCH_CHUNK} keys, in three passes over a chunk: (1) hash every key and work out
     * its filter word and bits; (2) read every key's pre-filter word, loads that do not depend on each other, so the
     * CPU keeps many cache misses in flight at once instead of one per lookup, and note the survivors in bit masks; (3) for the
     * survivors only (watched keys and the filter's few per cent of false positives), read the home slot of each,
     * again back to back, then finish each with the usual probe and full key compare. The chunk is large because
     * of pass 3: its reads go to DRAM, and at a few survivors per 64 keys only a large chunk puts several in
     * flight together. Answers are exactly those of
     * {@link #lookup}; a key of a length {@link #lookup} rejects is {@link #MISSING} here too. Allocates nothing.
     */
    @Override
    public void lookupBatch(
        final int chainCode, final DirectBuffer key, final int[] offsets, final int[] lengths, final int count, final int[] slotsOut) {
        lookupBatch(scratch, chainCode, key, offsets, lengths, count, slotsOut);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: the same reader on every call, answering through this index's own lookup code with scratch of its
     * own. Lookups only read the table, the old table while it drains, the pre-filter and the key arena (they write
     * no field of the index), so the owner's and the reader's lookups may run at the same time.
     */
    @Override
    public AddressIndex concurrentReader() {
        return reader;
    }

    /** {@link #lookupBatch} with the given thread's scratch: the owner's or the {@link Reader}'s. */
    private void lookupBatch(
        final BatchScratch scratch, final int chainCode, final DirectBuffer key, final int[] offsets, final int[] lengths,
        final int count, final int[] slotsOut) {
        for (int base = 0; base < count; base += BATCH_CHUNK) {
            lookupChunk(scratch, chainCode, key, offsets, lengths, base, Math.min(BATCH_CHUNK, count - base), slotsOut);
        }
    }

    private void lookupChunk(
        final BatchScratch scratch, final int chainCode, final DirectBuffer key, final int[] offsets, final int[] lengths,
        final int base, final int n, final int[] slotsOut) {
        final long[] fps = scratch.fingerprints;
        final long[] survivorMasks = scratch.survivors;
        final int words = (n + Long.SIZE - 1) >>> 6;
        // Lean passes, each measured in one JVM against the previous form (ProbeAbHarness, docs/BENCHMARKS.md "Matcher"):
        // one bulk fill instead of a MISSING store per key, a hash-only loop, then the filter words' offsets and bit
        // masks in a loop of their own, so that the loop of loads is as short as possible (+11-18 % at 10 M keys).
        Arrays.fill(slotsOut, base, base + n, MISSING);
        // Pass 1, every key's fingerprint; EMPTY marks a length the index rejects. No slot ever holds EMPTY as a
        // fingerprint, so such a key can never match in the table even if it passes the filter (nothing to exclude).
        if (hasher == KeyHasher.DEFAULT) {
            fingerprintsRaw(chainCode, key, offsets, lengths, base, n, fps);
        } else {
            for (int i = 0; i < n; i++) {
                fps[i] = fingerprintOrEmpty(chainCode, key, offsets[base + i], lengths[base + i]);
            }
        }
        long any = 0;
        if (preFilter) {
            final UnsafeBuffer filter = this.filter;
            final int wordMask = filterWordMask;
            final int[] filterOffsets = scratch.filterOffsets;
            final long[] filterBits = scratch.filterBits;
            for (int i = 0; i < n; i++) {
                final long fp = fps[i];
                filterOffsets[i] = ((int) fp & wordMask) << 3;
                filterBits[i] = filterMask(fp);
            }
            // Pass 2, every key's pre-filter word: few instructions per load and no branches, so the out-of-order
            // window holds as many of these (mostly cache-missing) independent loads at once as it can. The reads are
            // raw, without the buffer's bounds check (+12-20 % at 10 M keys): an offset is a word index masked by
            // filterWordMask, times 8, so it always lies inside the filter, whose size is (filterWordMask + 1) * 8.
            final byte[] filterArray = filter.byteArray();
            final long filterAddress = filter.addressOffset();
            for (int w = 0; w < words; w++) {
                final int from = w << 6;
                final int to = Math.min(n, from + Long.SIZE);
                long survivors = 0;
                for (int i = from; i < to; i++) {
                    final long word = UnsafeApi.getLong(filterArray, filterAddress + filterOffsets[i]);
                    survivors |= ((~word & filterBits[i]) == 0 ? 1L : 0L) << (i - from);
                }
                survivorMasks[w] = survivors;
                any |= survivors;
            }
        } else {
            for (int w = 0; w < words; w++) {
                final int from = w << 6;
                final int to = Math.min(n, from + Long.SIZE);
                long survivors = 0;
                for (int i = from; i < to; i++) {
                    survivors |= (fps[i] != EMPTY ? 1L : 0L) << (i - from);
                }
                survivorMasks[w] = survivors;
                any |= survivors;
            }
        }
        if (any == 0) {
            return;
        }
        // Touch the survivors' home slots of the whole chunk back to back (a false positive's home is a DRAM miss, so
        // the more of them in flight together the better); a home that is empty ends the probe of a key there and
        // then (unless an undrained old table may still hold it).
        final UnsafeBuffer table = this.table;
        final int sh = shift;
        final long[] homes = scratch.homes;
        for (int w = 0; w < words; w++) {
            for (long c = survivorMasks[w]; c != 0; c &= c - 1) {
                final int i = (w << 6) + Long.numberOfTrailingZeros(c);
                homes[i] = table.getLong((int) (fps[i] >>> sh) << SLOT_SHIFT);
            }
        }
        final boolean migrating = old != null;
        for (int w = 0; w < words; w++) {
            for (long c = survivorMasks[w]; c != 0; c &= c - 1) {
                final int i = (w << 6) + Long.numberOfTrailingZeros(c);
                if (homes[i] != EMPTY || migrating) {
                    slotsOut[base + i] = lookupTables(fps[i], chainCode, key, offsets[base + i], lengths[base + i]);
                }
            }
        }
    }

    /**
     * Pass 1 of {@link #lookupChunk} with the production hash: a key of the lengths {@link WatchKeyHash#ends} covers
     * (every standard output script) that lies inside {@code key} has its two words read raw, its range checked once
     * here instead of by each of the buffer's two bounds-checked reads (the pass is compute-bound: docs/BENCHMARKS.md,
     * "Reading raw where the walk has checked"). Any other key takes {@link #fingerprintOrEmpty},
     * checked reads and all, so one outside the buffer fails as it did.
     */
    private void fingerprintsRaw(
        final int chainCode, final DirectBuffer key, final int[] offsets, final int[] lengths, final int base, final int n,
        final long[] fps) {
        final byte[] array = key.byteArray();
        final long address = key.addressOffset();
        final int capacity = key.capacity();
        for (int i = 0; i < n; i++) {
            final int offset = offsets[base + i];
            final int length = lengths[base + i];
            if (length - WatchKeyHash.ENDS_MIN >= 0 && length <= WatchKeyHash.ENDS_MAX && offset >= 0 && offset <= capacity - length) {
                final long first = UnsafeApi.getLong(array, address + offset);
                final long last = UnsafeApi.getLong(array, address + offset + length - Long.BYTES);
                final long hash = WatchKeyHash.ends(chainCode, first, last, length);
                fps[i] = hash == EMPTY ? ZERO_HASH_FINGERPRINT : hash;
            } else {
                fps[i] = fingerprintOrEmpty(chainCode, key, offset, length);
            }
        }
    }

    /** The fingerprint of a key, or {@link #EMPTY} for a length the index rejects (which then can never match). */
    private long fingerprintOrEmpty(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        return Integer.compareUnsigned(length, MAX_KEY_LENGTH) <= 0 ? fingerprint(chainCode, key, offset, length) : EMPTY;
    }

    /** The lookup after the pre-filter: the old table while it drains (for undrained homes), then the current one. */
    private int lookupTables(final long fp, final int chainCode, final DirectBuffer key, final int offset, final int length) {
        final UnsafeBuffer old = this.old;
        if (old != null) {
            final int oldHome = (int) (fp >>> oldShift);
            if (unmigrated(oldHome)) {
                final int at = probe(old, oldMask, oldHome, fp, chainCode, key, offset, length);
                if (at >= 0) {
                    return old.getInt(at + INVOICE_OFFSET);
                }
            }
        }
        final int at = probe(table, mask, (int) (fp >>> shift), fp, chainCode, key, offset, length);
        return at >= 0 ? table.getInt(at + INVOICE_OFFSET) : MISSING;
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
        if (old != null) {
            migrate(MIGRATE_QUOTA);
        } else if (rebuilt != null) {
            rebuildFilter(REBUILD_QUOTA);
        }
        final long fp = fingerprint(chainCode, key, offset, length);
        if (old != null) {
            final int oldHome = (int) (fp >>> oldShift);
            if (unmigrated(oldHome)) {
                final int at = probe(old, oldMask, oldHome, fp, chainCode, key, offset, length);
                if (at >= 0) {
                    final int previous = old.getInt(at + INVOICE_OFFSET);
                    old.putInt(at + INVOICE_OFFSET, invoiceSlot);
                    return previous;
                }
            }
        }
        final int found = probe(table, mask, (int) (fp >>> shift), fp, chainCode, key, offset, length);
        if (found >= 0) {
            final int previous = table.getInt(found + INVOICE_OFFSET);
            table.putInt(found + INVOICE_OFFSET, invoiceSlot);
            return previous;
        }
        if (size >= resizeThreshold) {
            grow();
        }
        // New keys always go to the current table: the old one only shrinks while it is drained.
        final int at = emptyFor(table, mask, (int) (fp >>> shift));
        table.putLong(at, fp);
        table.putInt(at + INVOICE_OFFSET, invoiceSlot);
        table.putInt(at + REF_OFFSET, arena.add(chainCode, key, offset, length));
        size++;
        if (preFilter) {
            filterAdd(filter, filterWordMask, fp);
            if (nextFilter != null) {
                filterAdd(nextFilter, nextFilterWordMask, fp);
            }
            if (rebuildScanning()) {
                // wherever the slot is, behind the rebuild's scan or ahead of it
                filterAdd(rebuilt, filterWordMask, fp);
            }
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
        if (old != null) {
            migrate(MIGRATE_QUOTA);
        } else if (rebuilt != null) {
            rebuildFilter(REBUILD_QUOTA);
        }
        final long fp = fingerprint(chainCode, key, offset, length);
        int removed = MISSING;
        if (old != null) {
            final int oldHome = (int) (fp >>> oldShift);
            if (unmigrated(oldHome)) {
                final int at = probe(old, oldMask, oldHome, fp, chainCode, key, offset, length);
                if (at >= 0) {
                    removed = old.getInt(at + INVOICE_OFFSET);
                    arena.free(old.getInt(at + REF_OFFSET));
                    backwardShift(old, oldMask, oldShift, at >>> SLOT_SHIFT, null, 0);
                }
            }
        }
        if (removed == MISSING) {
            final int at = probe(table, mask, (int) (fp >>> shift), fp, chainCode, key, offset, length);
            if (at < 0) {
                return MISSING;
            }
            removed = table.getInt(at + INVOICE_OFFSET);
            arena.free(table.getInt(at + REF_OFFSET));
            // a slot the shift moves may cross the rebuild's scan, from ahead of it to behind: the move adds it
            backwardShift(table, mask, shift, at >>> SLOT_SHIFT, rebuildScanning() ? rebuilt : null, filterWordMask);
        }
        size--;

        if (preFilter && ++filterStale > Math.max(1024, size) && old == null && rebuilt == null) {
            // no pause: a fresh filter is zeroed and filled a few slots per mutation (a growth brings its own fresh filter)
            if (spareFilter != null) {
                rebuilt = spareFilter;
                spareFilter = null;
                rebuiltZeroed = 0;
            } else {
                rebuilt = allocate(filter.capacity());
                rebuiltZeroed = rebuilt.capacity();
            }
            rebuildAt = 0;
            filterStale = 0;
        }
        if (arena.freeBytes() > ARENA_COMPACT_MIN_BYTES && arena.freeBytes() > 2 * arena.liveBytes()) {
            final long start = System.nanoTime();
            finishMigration();
            compactArena();
            recordPause(start);
        }
        return removed;
    }

    /**
     * Background duty for the owning thread's idle time (e.g. an Agrona agent's {@code doWork} when the ring is
     * empty): moves up to about {@code maxSlots} slots of a table being drained after growth, or else reads up to
     * {@code maxSlots} slots into a pre-filter being rebuilt. Mutations also drain {@value #MIGRATE_QUOTA} slots and read
     * {@value #REBUILD_QUOTA} each, so calling this is optional; it only shortens the work.
     *
     * @return the number of slots processed, 0 when there is nothing to do.
     */
    @Override
    public int doMaintenance(final int maxSlots) {
        if (old != null) {
            return migrate(Math.max(1, maxSlots));
        }
        return rebuilt == null ? 0 : rebuildFilter(Math.max(1, maxSlots));
    }

    @Override
    public boolean maintenanceDue() {
        return old != null || rebuilt != null;
    }

    /** Whether a table drained after growth is still being moved into the current one. */
    public boolean migrating() {
        return old != null;
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
        return (long) table.capacity() + (old == null ? 0 : old.capacity()) + (filter == null ? 0 : filter.capacity())
            + (nextFilter == null ? 0 : nextFilter.capacity()) + (rebuilt == null ? 0 : rebuilt.capacity())
            + (spareFilter == null ? 0 : spareFilter.capacity()) + arena.capacityBytes();
    }

    /** Test hook: the start address of the current probe table. */
    long tableAddress() {
        return table.addressOffset();
    }

    /** Whether a fresh pre-filter is being filled to replace the stale one (see {@link #REBUILD_QUOTA}). */
    public boolean rebuildingFilter() {
        return rebuilt != null;
    }

    /** Test hook: the fraction of the current pre-filter's bits that are set (the index must have one). */
    double filterFill() {
        long set = 0;
        for (int at = 0, end = filter.capacity(); at < end; at += Long.BYTES) {
            set += Long.bitCount(filter.getLong(at));
        }
        return set / (filter.capacity() * 8.0);
    }

    /** Test hook: the start address of the current pre-filter (the index must have one). */
    long filterAddress() {
        return filter.addressOffset();
    }

    /** How many stop-the-world maintenance passes (growth, arena compaction) have run; filter rebuilds do not pause. */
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
        table = release(table);
        old = release(old);
        filter = release(filter);
        nextFilter = release(nextFilter);
        freeRebuildFilters();
        arena.close();
    }

    /** Frees {@code region} if there is one; returns null, for the field that held it. */
    private static UnsafeBuffer release(final UnsafeBuffer region) {
        if (region != null) {
            HugePageAllocator.free(region);
        }
        return null;
    }

    private long fingerprint(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        final long hash = hasher.hash(chainCode, key, offset, length);
        return hash == EMPTY ? ZERO_HASH_FINGERPRINT : hash;
    }

    /** @return the byte offset of the slot holding the key in {@code t}, or -1. */
    private int probe(
        final UnsafeBuffer t, final int m, final int home, final long fp, final int chainCode, final DirectBuffer key,
        final int offset, final int length) {
        int i = home;
        while (true) {
            final int at = i << SLOT_SHIFT;
            final long slotFp = t.getLong(at);
            if (slotFp == EMPTY) {
                return -1;
            }
            if (slotFp == fp && arena.matches(t.getInt(at + REF_OFFSET), chainCode, key, offset, length)) {
                return at;
            }
            i = (i + 1) & m;
        }
    }

    private static int emptyFor(final UnsafeBuffer t, final int m, final int home) {
        int i = home;
        while (t.getLong(i << SLOT_SHIFT) != EMPTY) {
            i = (i + 1) & m;
        }
        return i << SLOT_SHIFT;
    }

    /** Whether an old-table home position has not been drained yet (positions are drained from {@code migrateStart}). */
    private boolean unmigrated(final int oldHome) {
        return ((oldHome - migrateStart) & oldMask) >= migrated;
    }

    /**
     * Deletes slot {@code hole} of {@code t}: pulls later members of the cluster into the hole unless their home lies
     * cyclically within (hole, j], where moving them would put them before their home. No tombstones. Each member moved
     * is also added to {@code rebuilding} (a pre-filter being rebuilt, whose scan it may cross), when not null.
     */
    private static void backwardShift(
        final UnsafeBuffer t, final int m, final int sh, final int removed, final UnsafeBuffer rebuilding, final int wordMask) {
        int hole = removed;
        int j = hole;
        while (true) {
            j = (j + 1) & m;
            final int at = j << SLOT_SHIFT;
            final long slotFp = t.getLong(at);
            if (slotFp == EMPTY) {
                break;
            }
            final int home = (int) (slotFp >>> sh);
            final boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays) {
                t.putBytes(hole << SLOT_SHIFT, t, at, SLOT_LENGTH);
                if (rebuilding != null) {
                    filterAdd(rebuilding, wordMask, slotFp);
                }
                hole = j;
            }
        }
        t.setMemory(hole << SLOT_SHIFT, SLOT_LENGTH, (byte) 0);
    }

    private static void checkKeyLength(final int length) {
        if (length < 0 || length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("watch key length must be 0.." + MAX_KEY_LENGTH + " bytes, was " + length);
        }
    }

    /**
     * Starts growth: allocates the doubled table (and its pre-filter) and leaves the old table to be drained
     * incrementally, whole clusters at a time, by later mutations and {@link #doMaintenance}. The pause is the
     * allocation (zeroing) of the new table only.
     */
    private void grow() {
        if (old != null) {
            finishMigration();
        }
        if (capacity == MAX_CAPACITY) {
            if (size >= MAX_KEYS) {
                throw new IllegalStateException("watch key index full: " + size + " keys");
            }
            resizeThreshold = MAX_KEYS;
            return;
        }
        final long start = System.nanoTime();
        // the grown table's filter, filled as the old table drains, is fresh: a rebuild is moot, a spare the wrong size
        freeRebuildFilters();
        old = table;
        oldCapacity = capacity;
        oldMask = mask;
        oldShift = shift;
        // Drain from an empty slot, so no cluster straddles the drained/undrained boundary.
        int s0 = 0;
        while (old.getLong(s0 << SLOT_SHIFT) != EMPTY) {
            s0++;
        }
        migrateStart = s0;
        migrated = 0;
        table = allocate((long) capacity * 2 << SLOT_SHIFT);
        setCapacity(capacity * 2);
        if (preFilter) {
            final long words = filterWords(capacity);
            nextFilter = allocate(words * Long.BYTES);
            nextFilterWordMask = (int) words - 1;
        }
        recordPause(start);
    }

    /**
     * Drains at least {@code quota} old positions, stopping only after an empty slot so that a cluster is never
     * half moved.
     *
     * @return positions processed.
     */
    private int migrate(final int quota) {
        final UnsafeBuffer old = this.old;
        int steps = 0;
        while (migrated < oldCapacity) {
            final int from = ((migrateStart + migrated) & oldMask) << SLOT_SHIFT;
            final long fp = old.getLong(from);
            migrated++;
            steps++;
            if (fp != EMPTY) {
                table.putBytes(emptyFor(table, mask, (int) (fp >>> shift)), old, from, SLOT_LENGTH);
                old.putLong(from, EMPTY);
                if (preFilter) {
                    filterAdd(nextFilter, nextFilterWordMask, fp);
                }
            } else if (steps >= quota) {
                break;
            }
        }
        if (migrated == oldCapacity) {
            HugePageAllocator.free(old);
            this.old = null;
            if (preFilter) {
                HugePageAllocator.free(filter);
                filter = nextFilter;
                filterWordMask = nextFilterWordMask;
                nextFilter = null;
            }
        }
        return steps;
    }

    private void finishMigration() {
        if (old != null) {
            migrate(Integer.MAX_VALUE);
        }
    }

    private void allocateTable(final int newCapacity) {
        table = allocate((long) newCapacity << SLOT_SHIFT);
        setCapacity(newCapacity);
        if (preFilter) {
            final long words = filterWords(newCapacity);
            filter = allocate(words * Long.BYTES);
            filterWordMask = (int) words - 1;
        }
    }

    private void setCapacity(final int newCapacity) {
        capacity = newCapacity;
        mask = newCapacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(newCapacity);
        resizeThreshold = newCapacity == MAX_CAPACITY ? MAX_KEYS : (int) (newCapacity * loadFactor);
    }

    private long filterWords(final int slots) {
        return Math.max(1L, (long) slots * filterBitsPerSlot / Long.SIZE);
    }

    /** A zeroed region (every slot EMPTY, every filter bit clear), on huge pages when configured and possible. */
    private UnsafeBuffer allocate(final long bytes) {
        return HugePageAllocator.allocate(bytes, hugePages);
    }

    private static long filterMask(final long fp) {
        return (1L << (fp >>> 40)) | (1L << (fp >>> 46)) | (1L << (fp >>> 52));
    }

    private boolean filterMightContain(final long fp) {
        final long bits = filterMask(fp);
        return (filter.getLong(((int) fp & filterWordMask) << 3) & bits) == bits;
    }

    private static void filterAdd(final UnsafeBuffer f, final int wordMask, final long fp) {
        final int at = ((int) fp & wordMask) << 3;
        f.putLong(at, f.getLong(at) | filterMask(fp));
    }

    /**
     * Zero up to {@code quota} slots' worth more of {@link #rebuilt}, or once it is zero read up to {@code quota} more
     * table slots into it; after the last, it replaces the stale filter, which is kept as the next rebuild's. Every key is
     * in it by then: each slot is read once during the scan, a key put meanwhile is added by the put, and one a
     * removal's backward shift moves (perhaps from ahead of the scan to behind it) is added by the move.
     *
     * @return slots' worth of work done.
     */
    private int rebuildFilter(final int quota) {
        final UnsafeBuffer rebuilt = this.rebuilt;
        if (rebuiltZeroed < rebuilt.capacity()) {
            // a reused filter is zeroed first, as many bytes per step as the scan reads
            final int bytes = (int) Math.min(rebuilt.capacity() - rebuiltZeroed, (long) quota << SLOT_SHIFT);
            rebuilt.setMemory(rebuiltZeroed, bytes, (byte) 0);
            rebuiltZeroed += bytes;
            return quota;
        }
        final int from = rebuildAt;
        final int to = (int) Math.min(capacity, (long) from + quota);
        for (int at = from << SLOT_SHIFT, end = to << SLOT_SHIFT; at < end; at += SLOT_LENGTH) {
            final long fp = table.getLong(at);
            if (fp != EMPTY) {
                filterAdd(rebuilt, filterWordMask, fp);
            }
        }
        rebuildAt = to;
        if (to == capacity) {
            spareFilter = filter;
            filter = rebuilt;
            this.rebuilt = null;
        }
        return to - from;
    }

    /** Whether a rebuild has begun its scan of the table (before that, nothing is added to its filter). */
    private boolean rebuildScanning() {
        return rebuilt != null && rebuiltZeroed == rebuilt.capacity();
    }

    private void freeRebuildFilters() {
        rebuilt = release(rebuilt);
        spareFilter = release(spareFilter);
    }

    private void compactArena() {
        final KeyArena fresh = new KeyArena(arena.liveBytes(), hugePages);
        for (int at = REF_OFFSET, end = capacity << SLOT_SHIFT; at < end; at += SLOT_LENGTH) {
            if (table.getLong(at - REF_OFFSET) != EMPTY) {
                table.putInt(at, fresh.copyFrom(arena, table.getInt(at)));
            }
        }
        arena.close();
        arena = fresh;
    }

    /** Per-call working arrays of {@link #lookupBatch}: one set per thread that may call it (owner, reader). */
    private static final class BatchScratch {
        final long[] fingerprints = new long[BATCH_CHUNK];
        final long[] homes = new long[BATCH_CHUNK];
        final int[] filterOffsets = new int[BATCH_CHUNK];
        final long[] filterBits = new long[BATCH_CHUNK];
        final long[] survivors = new long[BATCH_CHUNK / Long.SIZE];
    }

    /**
     * The {@link #concurrentReader}: the index's lookups with scratch of its own, for one thread other than the owner,
     * while the owner makes no mutation. Thread rules: one calling thread at a time; happens-before with the owner's
     * mutations comes from the caller's hand-off.
     */
    private static final class Reader implements AddressIndex {
        private final WatchKeyIndex index;
        private final BatchScratch scratch = new BatchScratch();

        Reader(final WatchKeyIndex index) {
            this.index = index;
        }

        @Override
        public int lookup(final int chainCode, final DirectBuffer key, final int offset, final int length) {
            return index.lookup(chainCode, key, offset, length);
        }

        @Override
        public void lookupBatch(
            final int chainCode, final DirectBuffer key, final int[] offsets, final int[] lengths, final int count,
            final int[] slotsOut) {
            index.lookupBatch(scratch, chainCode, key, offsets, lengths, count, slotsOut);
        }

        @Override
        public AddressIndex concurrentReader() {
            return null;
        }
    }

    private void recordPause(final long startNanos) {
        lastPauseNanos = System.nanoTime() - startNanos;
        maxPauseNanos = Math.max(maxPauseNanos, lastPauseNanos);
        pauseCount++;
    }
}
