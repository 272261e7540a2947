package io.finality.bitcoin.regtest;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A regtest block chain built in-process: each block has a coinbase, the given transactions, a
 * real merkle root and a header that meets regtest proof of work ({@code nBits 0x207fffff}).
 * Supports forks: {@link #rewindTo(long)} drops the tip blocks so the next ones build a branch.
 *
 * <p>For tests, the demo and the loopback peer. Not thread-safe; allocates.
 */
public final class RegtestChain {
    /** Regtest's proof-of-work limit in compact form. */
    public static final int REGTEST_BITS = 0x207f_ffff;
    /** The regtest genesis block hash, internal byte order. */
    public static final byte[] GENESIS_HASH = reverse(hex("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"));

    /** A built block. */
    public record BuiltBlock(long height, byte[] hash, byte[] raw, List<byte[]> txids) {
    }

    private final List<BuiltBlock> blocks = new ArrayList<>();
    private long time = 1_700_000_000L;

    /** Height of the tip (0 = genesis, which is not stored). */
    public long tipHeight() {
        return blocks.size();
    }

    /** Internal-order hash of the tip. */
    public byte[] tipHash() {
        return blocks.isEmpty() ? GENESIS_HASH : blocks.get(blocks.size() - 1).hash();
    }

    /** The block at {@code height} (1 ≤ height ≤ tip). */
    public BuiltBlock block(final long height) {
        return blocks.get((int)height - 1);
    }

    /** Drop blocks above {@code height}; returns them tip first (the order a node disconnects them). */
    public List<BuiltBlock> rewindTo(final long height) {
        final List<BuiltBlock> removed = new ArrayList<>();
        while (blocks.size() > height) {
            removed.add(blocks.remove(blocks.size() - 1));
        }
        return removed;
    }

    /** Mine a block on the tip with a coinbase and {@code txs} (raw transactions). */
    public BuiltBlock mine(final List<byte[]> txs) {
        final long height = blocks.size() + 1;
        final List<byte[]> all = new ArrayList<>();
        all.add(new RawTransactionBuilder().coinbase(height).pay(50_0000_0000L, new byte[] {0x51}).build());
        all.addAll(txs);
        final List<byte[]> txids = new ArrayList<>();
        for (byte[] tx : all) {
            txids.add(sha256d(tx));
        }
        final byte[] header = new byte[80];
        RawTransactionBuilder.putIntLe(header, 0, 0x2000_0000);
        System.arraycopy(tipHash(), 0, header, 4, 32);
        System.arraycopy(merkleRoot(txids), 0, header, 36, 32);
        time += 600;
        RawTransactionBuilder.putIntLe(header, 68, (int)time);
        RawTransactionBuilder.putIntLe(header, 72, REGTEST_BITS);
        final BigInteger target = target(REGTEST_BITS);
        byte[] hash;
        int nonce = 0;
        do {
            RawTransactionBuilder.putIntLe(header, 76, nonce++);
            hash = sha256d(header);
        } while (new BigInteger(1, reverse(hash.clone())).compareTo(target) > 0);
        final ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes(header);
        RawTransactionBuilder.writeVarInt(raw, all.size());
        for (byte[] tx : all) {
            raw.writeBytes(tx);
        }
        final BuiltBlock block = new BuiltBlock(height, hash, raw.toByteArray(), txids);
        blocks.add(block);
        return block;
    }

    /** The expanded target of a compact {@code nBits}. */
    public static BigInteger target(final int bits) {
        final int exponent = bits >>> 24;
        final BigInteger mantissa = BigInteger.valueOf(bits & 0x007f_ffff);
        return exponent <= 3 ? mantissa.shiftRight(8 * (3 - exponent)) : mantissa.shiftLeft(8 * (exponent - 3));
    }

    /** Double SHA-256 (internal order). */
    public static byte[] sha256d(final byte[] data) {
        try {
            final MessageDigest d = MessageDigest.getInstance("SHA-256");
            return d.digest(d.digest(data));
        } catch (final NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static byte[] merkleRoot(final List<byte[]> txids) {
        List<byte[]> level = new ArrayList<>(txids);
        while (level.size() > 1) {
            final List<byte[]> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 2) {
                final byte[] left = level.get(i);
                final byte[] right = i + 1 < level.size() ? level.get(i + 1) : left;
                final byte[] pair = Arrays.copyOf(left, 64);
                System.arraycopy(right, 0, pair, 32, 32);
                next.add(sha256d(pair));
            }
            level = next;
        }
        return level.get(0);
    }

    static byte[] reverse(final byte[] b) {
        for (int i = 0, j = b.length - 1; i < j; i++, j--) {
            final byte t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        return b;
    }

    private static byte[] hex(final String s) {
        final byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte)Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
