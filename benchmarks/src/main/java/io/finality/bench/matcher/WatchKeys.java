package io.finality.bench.matcher;

import java.util.SplittableRandom;

/**
 * Seeded synthetic watch keys with the length mix of mainnet outputs (P2WPKH 22, P2SH 23, P2PKH 25, P2WSH and
 * P2TR 34 bytes) and Ethereum addresses (20 bytes), so every benchmark of the matcher probes the same population.
 * Key {@code i} is a pure function of {@code (seed, i)}: benchmarks regenerate instead of storing.
 *
 * <p>Stateless; safe from any thread.
 */
final class WatchKeys {
    /** Stride of a key in a packed key buffer. */
    static final int STRIDE = 40;
    private static final int[] LENGTHS = {22, 22, 22, 23, 25, 25, 34, 34, 20, 20};
    private static final int[] CHAINS = {1, 1, 1, 1, 1, 1, 1, 1, 10, 10};
    /** A key index whose chain is the Ethereum one (the other chain than key 0's). */
    static final int OTHER_CHAIN_KEY = 8;

    private WatchKeys() {
    }

    /** Writes key {@code i} into {@code out} and returns its length; {@link #chain} gives its chain code. */
    static int key(final long seed, final long i, final byte[] out) {
        final SplittableRandom random = new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L));
        final int kind = (int) Long.remainderUnsigned(i, LENGTHS.length);
        final int length = LENGTHS[kind];
        random.nextBytes(out);
        // Script templates start with fixed opcodes, as real ones do (the hash must not rely on random prefixes).
        if (length == 22) {
            out[0] = 0x00;
            out[1] = 0x14;
        } else if (length == 25) {
            out[0] = 0x76;
            out[1] = (byte) 0xA9;
            out[2] = 0x14;
        } else if (length == 34) {
            out[0] = 0x51;
            out[1] = 0x20;
        }
        return length;
    }

    static int chain(final long i) {
        return CHAINS[(int) Long.remainderUnsigned(i, CHAINS.length)];
    }
}
