package io.finality.matcher.index;

/**
 * Configuration of a {@link WatchKeyIndex}: initial sizing, load factor and the miss pre-filter.
 *
 * <p>Presize with {@link #expectedKeys(int)} (the store knows its open-invoice count at start) so that
 * growth (whose table allocation pauses the scan stage) stays rare.
 *
 * <p>Memory: all of it off-heap: 16 bytes per table slot, {@link #filterBitsPerSlot} bits per slot of pre-filter
 * and about 40 bytes per key of arena; about 1.1 GiB for 10 M keys, plus the old table while a doubling drains.
 * The key arena, and the table and filter when {@link #hugePages} is off or unavailable, are direct buffers that
 * count against {@code -XX:MaxDirectMemorySize} (default: the {@code -Xmx} value); huge-page regions are
 * anonymous mappings that do not.
 *
 * <p>A plain mutable holder: fill it on one thread, then hand it to the index constructor, which copies what
 * it needs.
 */
public final class WatchKeyIndexContext {
    /** Default expected number of keys. */
    public static final int DEFAULT_EXPECTED_KEYS = 1024;
    /** Default maximum fill of the probe table before it doubles. */
    public static final float DEFAULT_LOAD_FACTOR = 0.65f;
    /** Default pre-filter bits per table slot (8 MiB of filter for 16 M slots). */
    public static final int DEFAULT_FILTER_BITS_PER_SLOT = 4;

    private int expectedKeys = DEFAULT_EXPECTED_KEYS;
    private float loadFactor = DEFAULT_LOAD_FACTOR;
    private boolean preFilter = true;
    private int filterBitsPerSlot = DEFAULT_FILTER_BITS_PER_SLOT;
    private boolean hugePages = true;

    public int expectedKeys() {
        return expectedKeys;
    }

    /** Keys to size for without growing; 0..{@link WatchKeyIndex#MAX_KEYS}. */
    public WatchKeyIndexContext expectedKeys(final int expectedKeys) {
        if (expectedKeys < 0 || expectedKeys > WatchKeyIndex.MAX_KEYS) {
            throw new IllegalArgumentException("expectedKeys must be 0.." + WatchKeyIndex.MAX_KEYS + ", was " + expectedKeys);
        }
        this.expectedKeys = expectedKeys;
        return this;
    }

    public float loadFactor() {
        return loadFactor;
    }

    /** Maximum table fill, 0.25..0.9: linear probing degrades quickly above that. */
    public WatchKeyIndexContext loadFactor(final float loadFactor) {
        if (!(loadFactor >= 0.25f && loadFactor <= 0.9f)) {
            throw new IllegalArgumentException("loadFactor must be 0.25..0.9, was " + loadFactor);
        }
        this.loadFactor = loadFactor;
        return this;
    }

    public boolean preFilter() {
        return preFilter;
    }

    /** Keep most misses out of DRAM with a cache-resident one-word-per-key Bloom filter in front of the table. */
    public WatchKeyIndexContext preFilter(final boolean preFilter) {
        this.preFilter = preFilter;
        return this;
    }

    public int filterBitsPerSlot() {
        return filterBitsPerSlot;
    }

    /** Pre-filter size in bits per table slot: a power of two, 1..64. */
    public WatchKeyIndexContext filterBitsPerSlot(final int filterBitsPerSlot) {
        if (filterBitsPerSlot < 1 || filterBitsPerSlot > 64 || Integer.bitCount(filterBitsPerSlot) != 1) {
            throw new IllegalArgumentException("filterBitsPerSlot must be a power of two 1..64, was " + filterBitsPerSlot);
        }
        this.filterBitsPerSlot = filterBitsPerSlot;
        return this;
    }

    public boolean hugePages() {
        return hugePages;
    }

    /**
     * Put the probe table and pre-filter (regions of 2 MiB or more) on 2 MiB transparent huge pages, so random probes
     * into them stop missing the TLB; falls back to 4 KiB pages, logged once, where the platform cannot.
     */
    public WatchKeyIndexContext hugePages(final boolean hugePages) {
        this.hugePages = hugePages;
        return this;
    }
}
