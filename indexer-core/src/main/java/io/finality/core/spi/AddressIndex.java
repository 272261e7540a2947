package io.finality.core.spi;

import org.agrona.DirectBuffer;

/**
 * Read side of the watched-key index: which open invoice, if any, watches a key on a chain.
 *
 * <p>A key is a Bitcoin output script (byte-exact, any length) or a 20-byte Ethereum address,
 * always qualified by the chain's {@link io.finality.core.chain.ChainId#code() code}.
 *
 * <p>Thread rules: called only from the scan stage (stage 1), the index's single writer, so
 * lookups never race with updates. Implementations must not allocate in {@link #lookup}.
 */
public interface AddressIndex {
    /** Returned by {@link #lookup} when no invoice watches the key. */
    int MISSING = -1;

    /**
     * @return the invoice slot watching {@code key[offset, offset + length)} on {@code chainCode}, or {@link #MISSING}.
     */
    int lookup(int chainCode, DirectBuffer key, int offset, int length);

    /**
     * Looks up {@code count} keys of one chain at once: {@code slotsOut[i]} becomes
     * {@code lookup(chainCode, key, offsets[i], lengths[i])} for every {@code i < count}. Same answers as
     * {@link #lookup}, in any order of work: an index whose misses leave the cache overrides it to issue the
     * independent memory loads of all keys back to back, so the CPU overlaps their misses (Java has no prefetch
     * instruction; independent loads are the tool). This default simply loops over {@link #lookup}, so every
     * implementation answers batches.
     *
     * <p>Same thread rules as {@link #lookup}; must not allocate. The arrays must hold at least {@code count}
     * entries.
     */
    default void lookupBatch(
        final int chainCode, final DirectBuffer key, final int[] offsets, final int[] lengths, final int count, final int[] slotsOut) {
        for (int i = 0; i < count; i++) {
            slotsOut[i] = lookup(chainCode, key, offsets[i], lengths[i]);
        }
    }

    /**
     * A reader of this index for one other thread, so that a scanner can split one block's probes between its own
     * thread and a helper; {@code null} (this default) when the index offers none, and the scanner then works alone.
     *
     * <p>Contract: the reader answers every {@link #lookup} and {@link #lookupBatch} exactly like this index. It may
     * run lookups on ONE other thread while the owning thread makes no mutation and no lookup through the same
     * reader. It has its own scratch, so the owner (through the index) and the other thread (through the reader) may
     * both call {@link #lookupBatch} at the same time: both then only read the index's memory. Happens-before between
     * the owner's mutations and the reader's lookups is the caller's job (e.g. a volatile or ordered hand-off).
     * Every call returns the same reader; it needs no closing (it lives as long as the index).
     */
    default AddressIndex concurrentReader() {
        return null;
    }
}
