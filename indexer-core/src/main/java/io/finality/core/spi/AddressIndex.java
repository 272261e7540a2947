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
}
