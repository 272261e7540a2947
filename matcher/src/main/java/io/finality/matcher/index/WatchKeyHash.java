package io.finality.matcher.index;

import org.agrona.DirectBuffer;

/**
 * A fast 64-bit hash of (chain code, key bytes), reading the key eight bytes at a time with
 * {@code getLong} and finishing with the MurmurHash3 {@code fmix64} avalanche so that both the high
 * bits (table position) and the low bits (pre-filter position) are well mixed.
 *
 * <p>Not a cryptographic hash: watch keys are chosen by the operator's own wallet, not by an attacker
 * who could aim collisions at the table. Stateless; safe from any thread; allocates nothing.
 */
public final class WatchKeyHash {
    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long P1 = 0xC2B2AE3D27D4EB4FL;
    private static final long P2 = 0x165667B19E3779F9L;

    private WatchKeyHash() {
    }

    /**
     * @return the fingerprint of {@code key[offset, offset + length)} on {@code chainCode}; never depends on
     *     bytes outside that range.
     */
    public static long hash(final int chainCode, final DirectBuffer key, final int offset, final int length) {
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
