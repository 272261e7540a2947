package io.finality.matcher.index;

import org.agrona.DirectBuffer;

/**
 * A fast 64-bit hash of (chain code, key bytes), reading the key eight bytes at a time with
 * {@code getLong} (keys of 8 to 40 bytes with a fixed, branch-free sequence of five reads) and finishing
 * with the MurmurHash3 {@code fmix64} avalanche so that both the high bits (table position) and the low
 * bits (pre-filter position) are well mixed.
 *
 * <p>Not a cryptographic hash: watch keys are chosen by the operator's own wallet, not by an attacker
 * who could aim collisions at the table. Stateless; safe from any thread; allocates nothing.
 */
public final class WatchKeyHash {
    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long P1 = 0xC2B2AE3D27D4EB4FL;
    private static final long P2 = 0x165667B19E3779F9L;
    private static final long M0 = 0x9FB21C651E98DF25L;
    private static final long M1 = 0xD6E8FEB86659FD93L;
    private static final long M2 = 0xA0761D6478BD642FL;
    private static final long M3 = 0xE7037ED1A0B428DBL;
    private static final long M4 = 0x8EBC6AF09C88C6E3L;
    /** Longest key taken by the branch-free five-read path. */
    static final int SHORT_MAX = 40;

    private WatchKeyHash() {
    }

    /**
     * @return the fingerprint of {@code key[offset, offset + length)} on {@code chainCode}; never depends on
     *     bytes outside that range.
     */
    public static long hash(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        if (length >= Long.BYTES && length <= SHORT_MAX) {
            return shortKey(chainCode, key, offset, length);
        }
        return words(chainCode, key, offset, length);
    }

    /**
     * Keys of 8 to {@value #SHORT_MAX} bytes (every standard output script but bare multisig, and Ethereum addresses):
     * five 8-byte reads at fixed positions, the later ones clamped to end at the key's last byte (so they overlap
     * instead of running past it, and every byte is read at least once), each multiplied by its own odd constant and
     * rotated to its own lane. No loop and no length-dependent branch: scripts of mixed lengths (22, 23, 25, 34 bytes
     * in a block) cost no branch mispredictions, and the five products are independent, so the CPU computes them in
     * parallel. The products differ per position, so repeated (overlapping) words do not cancel.
     */
    static long shortKey(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        final int last = length - Long.BYTES;
        long h = SEED ^ (((long) chainCode << 32) | length) * P1;
        h ^= key.getLong(offset) * M0;
        h ^= Long.rotateLeft(key.getLong(offset + Math.min(8, last)) * M1, 13);
        h ^= Long.rotateLeft(key.getLong(offset + Math.min(16, last)) * M2, 26);
        h ^= Long.rotateLeft(key.getLong(offset + Math.min(24, last)) * M3, 39);
        h ^= Long.rotateLeft(key.getLong(offset + last) * M4, 52);
        return fmix64(h);
    }

    /**
     * Any length: eight bytes per round, then the tail; the path for keys outside 8..{@value #SHORT_MAX} bytes (and,
     * for every length, the hash before the five-read path existed: the benchmark's baseline).
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
