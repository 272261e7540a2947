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
}
