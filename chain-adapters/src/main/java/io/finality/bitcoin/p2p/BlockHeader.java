package io.finality.bitcoin.p2p;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Field access and proof-of-work checks over an 80-byte block header.
 *
 * <pre>
 *   0         4                36                68     72     76      80
 *   | version | prev hash (32)  | merkle root (32) | time | bits | nonce |
 *     i32 LE    internal order    internal order     u32    u32    u32
 * </pre>
 *
 * <p>Targets are handled as 32-byte big-endian arrays, compared byte by byte with the header hash read
 * from its last byte down (the hash is little-endian as a number). Stateless; safe from any thread.
 */
public final class BlockHeader {
    /** Bytes in a serialized header. */
    public static final int LENGTH = 80;
    /** Offset of the previous block's hash. */
    public static final int PREV_OFFSET = 4;
    /** Offset of the merkle root. */
    public static final int MERKLE_OFFSET = 36;
    /** Offset of the timestamp. */
    public static final int TIME_OFFSET = 68;
    /** Offset of the compact target. */
    public static final int BITS_OFFSET = 72;
    /** Mainnet, testnet and signet proof-of-work limit in compact form. */
    public static final int MAINNET_POW_LIMIT_BITS = 0x1d00_ffff;
    /** Regtest proof-of-work limit in compact form. */
    public static final int REGTEST_POW_LIMIT_BITS = 0x207f_ffff;

    private static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);

    private BlockHeader() {
    }

    /** SHA256d of the header, internal byte order. */
    public static byte[] hash(final byte[] header) {
        try {
            final MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(header, 0, LENGTH);
            return d.digest(d.digest());
        } catch (final NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The compact target {@code nBits}. */
    public static int bits(final byte[] header) {
        return intLe(header, BITS_OFFSET);
    }

    /** The timestamp, seconds since the epoch (unsigned). */
    public static long time(final byte[] header) {
        return intLe(header, TIME_OFFSET) & 0xffff_ffffL;
    }

    /** Whether {@code header}'s previous-hash field equals {@code hash}. */
    public static boolean linksTo(final byte[] header, final byte[] hash) {
        for (int i = 0; i < 32; i++) {
            if (header[PREV_OFFSET + i] != hash[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Expand a compact target into {@code target} (32 bytes, big-endian). Returns false, as Core's
     * {@code DeriveTarget}, for a negative, zero or overflowing encoding.
     */
    public static boolean expandTarget(final int bits, final byte[] target) {
        java.util.Arrays.fill(target, (byte)0);
        final int exponent = bits >>> 24;
        final int mantissa = bits & 0x007f_ffff;
        if (mantissa == 0 || (bits & 0x0080_0000) != 0) {
            return false;
        }
        if (exponent > 34 || mantissa > 0xff && exponent > 33 || mantissa > 0xffff && exponent > 32) {
            return false;
        }
        if (exponent <= 3) {
            final int v = mantissa >>> 8 * (3 - exponent);
            target[29] = (byte)(v >>> 16);
            target[30] = (byte)(v >>> 8);
            target[31] = (byte)v;
            return v != 0;
        }
        // mantissa byte k (0 = least significant) lands at big-endian index 32 - exponent + 2 - k
        for (int k = 0; k < 3; k++) {
            final int index = 34 - exponent - k;
            final int b = mantissa >>> 8 * k & 0xff;
            if (index >= 0) {
                target[index] = (byte)b;
            }
        }
        return true;
    }

    /** Whether the little-endian {@code hash} is at most the big-endian {@code target}. */
    public static boolean hashMeetsTarget(final byte[] hash, final byte[] target) {
        for (int i = 0; i < 32; i++) {
            final int h = hash[31 - i] & 0xff;
            final int t = target[i] & 0xff;
            if (h != t) {
                return h < t;
            }
        }
        return true;
    }

    /** Whether big-endian {@code a} is at most big-endian {@code b}. */
    public static boolean atMost(final byte[] a, final byte[] b) {
        for (int i = 0; i < 32; i++) {
            final int x = a[i] & 0xff;
            final int y = b[i] & 0xff;
            if (x != y) {
                return x < y;
            }
        }
        return true;
    }

    /** Expected work of a block at {@code target} (big-endian): 2^256 / (target + 1), as Core's GetBlockProof. */
    public static BigInteger work(final byte[] target) {
        return TWO_256.divide(new BigInteger(1, target).add(BigInteger.ONE));
    }

    static int intLe(final byte[] b, final int off) {
        return b[off] & 0xff | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }
}
