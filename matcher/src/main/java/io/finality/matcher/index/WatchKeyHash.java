package io.finality.matcher.index;

import org.agrona.DirectBuffer;

/**
 * The 64-bit fingerprint of (chain code, key bytes) that places a watch key in {@link WatchKeyIndex}: table position
 * from its high bits, pre-filter word and bits from the rest.
 *
 * <p>Keys of {@value #ENDS_MIN} to {@value #ENDS_MAX} bytes (every standard output script but bare multisig, Ethereum
 * addresses, outpoints) are fingerprinted from their first and last 8 bytes, their length and the chain only: two reads
 * and three multiplications. In every such key both words hold 5 to 8 bytes of a hash or a public key (P2PKH, P2SH,
 * P2WPKH, P2WSH, P2TR, an Ethereum address; a txid and, at the end, its output index), so they are already uniform
 * and a full mix of every byte would buy nothing: it was the largest single cost of the scan, 12 ns per output script
 * against 7 (docs/BENCHMARKS.md, "Bitcoin scanner"). Other lengths take {@link #words}, which reads every byte.
 *
 * <p>Equal fingerprints never make a match: the index compares the whole key before it answers. Keys that differ only
 * between their first and last 8 bytes share a fingerprint and so a table cluster, which costs a key comparison each,
 * not a wrong answer (but many such keys, a synthetic set with a counter in the middle, say, make one long cluster);
 * an output script crafted to copy a watched key's first and last 8 bytes costs the index one comparison, as a
 * pre-filter false positive would. Not a cryptographic hash. Stateless; safe from any thread; allocates nothing.
 */
public final class WatchKeyHash {
    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long P1 = 0xC2B2AE3D27D4EB4FL;
    private static final long P2 = 0x165667B19E3779F9L;
    private static final long M0 = 0x9FB21C651E98DF25L;
    private static final long M1 = 0xD6E8FEB86659FD93L;
    private static final long M2 = 0xA0761D6478BD642FL;
    /** Shortest key fingerprinted from its first and last 8 bytes. */
    static final int ENDS_MIN = 16;
    /** Longest key fingerprinted from its first and last 8 bytes. */
    static final int ENDS_MAX = 40;

    private WatchKeyHash() {
    }

    /**
     * @return the fingerprint of {@code key[offset, offset + length)} on {@code chainCode}; never depends on
     *     bytes outside that range.
     */
    public static long hash(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        if (length >= ENDS_MIN && length <= ENDS_MAX) {
            return ends(chainCode, key, offset, length);
        }
        return words(chainCode, key, offset, length);
    }

    /**
     * Keys of {@value #ENDS_MIN} to {@value #ENDS_MAX} bytes: the word that starts the key and the one that ends it,
     * each through its own multiplication (so neither can cancel the other), then one xor-shift-multiply round so that
     * the low bits (the pre-filter's word) depend on every input bit as the high bits (the table position) already do.
     */
    static long ends(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        return ends(chainCode, key.getLong(offset), key.getLong(offset + length - Long.BYTES), length);
    }

    /**
     * {@link #ends(int, DirectBuffer, int, int)} from the key's first and last 8 bytes as read (native order), for a
     * caller that reads them itself: the index's batch pass, which checks a key's range once instead of per read.
     */
    static long ends(final int chainCode, final long first, final long last, final int length) {
        long h = (first ^ SEED ^ (((long) chainCode << 32) | length) * P1) * M0;
        h ^= Long.rotateLeft(last * M1, 32);
        h ^= h >>> 29;
        h *= M2;
        return h ^ (h >>> 32);
    }

    /**
     * Any length, every byte: eight bytes per round, then the rest; the path for keys outside
     * {@value #ENDS_MIN}..{@value #ENDS_MAX} bytes (and, for every length, the benchmark's baseline).
     */
    public static long words(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        long h = SEED ^ (((long) chainCode << 32) | (length & 0xFFFF_FFFFL)) * P1;
        int i = 0;
        final int wordEnd = length - 7;
        for (; i < wordEnd; i += 8) {
            h = Long.rotateLeft(h ^ (key.getLong(offset + i) * P2), 31) * P1;
        }
        long tail = 0;
        int shift = 0;
        if (length - i >= 4) {
            tail = key.getInt(offset + i) & 0xFFFF_FFFFL;
            shift = 32;
            i += 4;
        }
        for (; i < length; i++) {
            tail |= (key.getByte(offset + i) & 0xFFL) << shift;
            shift += 8;
        }
        h = Long.rotateLeft(h ^ (tail * P2), 27) * P1;
        return fmix64(h ^ length);
    }

    static long fmix64(final long value) {
        long k = value;
        k ^= k >>> 33;
        k *= 0xFF51AFD7ED558CCDL;
        k ^= k >>> 33;
        k *= 0xC4CEB9FE1A85EC53L;
        k ^= k >>> 33;
        return k;
    }
}
