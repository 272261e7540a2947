package io.finality.matcher.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import io.finality.core.test.TestScale;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint hash, on both of its paths (the first and last 8 bytes of 16..40-byte keys, and the word loop over every byte
 * of the others): a function of the chain, the length and exactly the bytes its path reads, changed by any single-byte
 * change of those, and free of collisions over a large set of keys shaped like real scripts.
 */
class WatchKeyHashTest {
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);

    @Test
    void shouldDependOnEveryByteItReadsAndNoByteOutsideTheKey() {
        final long seed = TestScale.seed(0x4A54_0001L);
        final SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            for (int length = 0; length <= 64; length++) {
                final int offset = 16 + random.nextInt(64);
                randomise(random);
                final long h = WatchKeyHash.hash(1, buffer, offset, length);
                // Bytes around the key are not part of it.
                for (int i = 0; i < offset; i++) {
                    buffer.putByte(i, (byte) random.nextInt());
                }
                for (int i = offset + length; i < buffer.capacity(); i++) {
                    buffer.putByte(i, (byte) random.nextInt());
                }
                final String where = "length " + length + ", seed " + seed;
                assertEquals(h, WatchKeyHash.hash(1, buffer, offset, length), where);
                assertNotEquals(h, WatchKeyHash.hash(10, buffer, offset, length), "chain; " + where);
                if (length > 0) {
                    assertNotEquals(h, WatchKeyHash.hash(1, buffer, offset + 1, length - 1), "length; " + where);
                }
                for (int i = 0; i < length; i++) {
                    if (!read(length, i)) {
                        continue;
                    }
                    final byte b = buffer.getByte(offset + i);
                    buffer.putByte(offset + i, (byte) (b ^ (1 << random.nextInt(8))));
                    assertNotEquals(h, WatchKeyHash.hash(1, buffer, offset, length), "flip of byte " + i + "; " + where);
                    buffer.putByte(offset + i, (byte) (b + 1 + random.nextInt(255)));
                    assertNotEquals(h, WatchKeyHash.hash(1, buffer, offset, length), "change of byte " + i + "; " + where);
                    buffer.putByte(offset + i, b);
                }
            }
        }
    }

    @Test
    void shouldNotCollideOnScriptShapedKeys() {
        final long seed = TestScale.seed(0x4A54_0002L);
        final SplittableRandom random = new SplittableRandom(seed);
        final int[] lengths = {20, 22, 23, 25, 34, 35, 40, 41, 67};
        final Set<Long> seen = new HashSet<>();
        final Set<Long> seenKeys = new HashSet<>();
        final int keys = TestScale.pick(400_000, 4_000_000);
        for (int k = 0; k < keys; k++) {
            final int length = lengths[random.nextInt(lengths.length)];
            // template prefixes, as in real scripts: the differences are only in the key hash bytes
            buffer.putByte(0, (byte) 0x00);
            buffer.putByte(1, (byte) 0x14);
            // only 3 random bytes, in the middle of the bytes the hash reads: near-identical keys, the hard case for a
            // weak mix
            final int middle = sampled(length) ? length - 4 : length / 2;
            for (int i = 2; i < length; i++) {
                buffer.putByte(i, i < middle - 1 || i > middle + 1 ? (byte) 0x5A : (byte) random.nextInt());
            }
            final long h = WatchKeyHash.hash(1, buffer, 0, length);
            final long key = ((long) length << 24) | (buffer.getByte(middle - 1) & 0xFF) << 16
                | (buffer.getByte(middle) & 0xFF) << 8 | (buffer.getByte(middle + 1) & 0xFF);
            if (!seenKeys.add(key)) {
                continue;
            }
            assertTrue(seen.add(h), "collision at key " + k + ", length " + length + ", seed " + seed);
        }
    }

    @Test
    void shouldReadOnlyTheFirstAndLastEightBytesOfStandardLengthKeys() {
        final SplittableRandom random = new SplittableRandom(TestScale.seed(0x4A54_0003L));
        for (int length = WatchKeyHash.ENDS_MIN; length <= WatchKeyHash.ENDS_MAX; length++) {
            randomise(random);
            final long h = WatchKeyHash.hash(1, buffer, 0, length);
            for (int i = 8; i < length - 8; i++) {
                buffer.putByte(i, (byte) (buffer.getByte(i) + 1));
            }
            // the documented trade: such keys share a fingerprint, and the index tells them apart by their bytes
            assertEquals(h, WatchKeyHash.hash(1, buffer, 0, length), "length " + length);
        }
    }

    /** Whether keys of {@code length} bytes are fingerprinted from their first and last 8 bytes only. */
    private static boolean sampled(final int length) {
        return length >= WatchKeyHash.ENDS_MIN && length <= WatchKeyHash.ENDS_MAX;
    }

    /** Whether the hash of a key of {@code length} bytes reads its byte {@code i}. */
    private static boolean read(final int length, final int i) {
        return !sampled(length) || i < 8 || i >= length - 8;
    }

    private void randomise(final SplittableRandom random) {
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.putByte(i, (byte) random.nextInt());
        }
    }
}
