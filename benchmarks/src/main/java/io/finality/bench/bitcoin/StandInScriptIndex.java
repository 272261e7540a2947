package io.finality.bench.bitcoin;

import io.finality.core.spi.AddressIndex;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A STAND-IN for the matcher module's off-heap index, so the scanner benchmark can run before the real
 * matcher lands: open addressing over 64-bit fingerprints with a full byte compare on a fingerprint
 * hit, behind a 2-bit blocked Bloom pre-filter that keeps most misses out of the table (and out of
 * DRAM). Keys are stored once in a byte arena; nothing allocates in {@link #lookup}.
 *
 * <p>Built once in the benchmark's setup, then read by one thread.
 */
public final class StandInScriptIndex implements AddressIndex {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final long M1 = 0x9E3779B97F4A7C15L;
    private static final long M2 = 0xBF58476D1CE4E5B9L;
    private static final long M3 = 0x94D049BB133111EBL;

    private final int mask;
    private final long[] fingerprints;
    private final int[] keyOffsets;
    private final int[] keyLengths;
    private final int[] chains;
    private final int[] slots;
    private final long[] bloom;
    private final int bloomMask;
    private final UnsafeBuffer arena;
    private int arenaUsed;
    private int size;

    /**
     * @param expectedKeys how many keys will be put (the table stays at most half full).
     * @param arenaBytes   total bytes of all keys.
     */
    public StandInScriptIndex(final int expectedKeys, final int arenaBytes) {
        final int capacity = Integer.highestOneBit(Math.max(16, expectedKeys * 2 - 1)) << 1;
        mask = capacity - 1;
        fingerprints = new long[capacity];
        keyOffsets = new int[capacity];
        keyLengths = new int[capacity];
        chains = new int[capacity];
        slots = new int[capacity];
        final int bloomWords = Integer.highestOneBit(Math.max(64, expectedKeys / 8 - 1)) << 1;
        bloom = new long[bloomWords];
        bloomMask = bloomWords - 1;
        arena = new UnsafeBuffer(new byte[arenaBytes]);
    }

    /** Watch {@code key[offset, offset + length)} on {@code chainCode} for {@code slot} (setup only). */
    public void put(final int chainCode, final DirectBuffer key, final int offset, final int length, final int slot) {
        final long h = hash(chainCode, key, offset, length);
        int i = (int)h & mask;
        while (fingerprints[i] != 0) {
            if (fingerprints[i] == h && same(i, chainCode, key, offset, length)) {
                slots[i] = slot;
                return;
            }
            i = (i + 1) & mask;
        }
        if (size + 1 > (mask + 1) / 2 || arenaUsed + length > arena.capacity()) {
            throw new IllegalStateException("stand-in index is full");
        }
        arena.putBytes(arenaUsed, key, offset, length);
        fingerprints[i] = h;
        keyOffsets[i] = arenaUsed;
        keyLengths[i] = length;
        chains[i] = chainCode;
        slots[i] = slot;
        arenaUsed += length;
        size++;
        bloom[bloomWord(h)] |= bloomBits(h);
    }

    public int size() {
        return size;
    }

    @Override
    public int lookup(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        final long h = hash(chainCode, key, offset, length);
        final long bits = bloomBits(h);
        if ((bloom[bloomWord(h)] & bits) != bits) {
            return MISSING;
        }
        final long[] fps = fingerprints;
        int i = (int)h & mask;
        long fp;
        while ((fp = fps[i]) != 0) {
            if (fp == h && same(i, chainCode, key, offset, length)) {
                return slots[i];
            }
            i = (i + 1) & mask;
        }
        return MISSING;
    }

    private int bloomWord(final long h) {
        return (int)(h >>> 40) & bloomMask;
    }

    private static long bloomBits(final long h) {
        return (1L << (h & 63)) | (1L << ((h >>> 6) & 63));
    }

    private boolean same(final int i, final int chainCode, final DirectBuffer key, final int offset, final int length) {
        if (keyLengths[i] != length || chains[i] != chainCode) {
            return false;
        }
        final int base = keyOffsets[i];
        int j = 0;
        for (; j + 8 <= length; j += 8) {
            if (arena.getLong(base + j, LE) != key.getLong(offset + j, LE)) {
                return false;
            }
        }
        for (; j < length; j++) {
            if (arena.getByte(base + j) != key.getByte(offset + j)) {
                return false;
            }
        }
        return true;
    }

    /**
     * 64-bit hash of a key, never 0 (0 marks an empty table cell): wyhash-style folded 64x64->128-bit
     * multiplies over 16 bytes at a time, the tail read as the (overlapping) last 16 bytes.
     */
    static long hash(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        long seed = M1 ^ (length * M2) ^ chainCode;
        if (length >= 16) {
            int j = 0;
            for (; j + 16 <= length; j += 16) {
                seed = mum(key.getLong(offset + j, LE) ^ M2, key.getLong(offset + j + 8, LE) ^ seed);
            }
            if (j < length) {
                seed = mum(key.getLong(offset + length - 16, LE) ^ M3, key.getLong(offset + length - 8, LE) ^ seed);
            }
        } else if (length >= 8) {
            seed = mum(key.getLong(offset, LE) ^ M2, key.getLong(offset + length - 8, LE) ^ seed);
        } else {
            long t = 0;
            for (int j = 0; j < length; j++) {
                t = (t << 8) | (key.getByte(offset + j) & 0xFF);
            }
            seed = mum(t ^ M2, seed);
        }
        final long h = mum(seed ^ M3, length ^ M1);
        return h == 0 ? 1 : h;
    }

    private static long mum(final long a, final long b) {
        return (a * b) ^ Math.multiplyHigh(a, b);
    }
}
