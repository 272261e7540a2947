package io.finality.bitcoin.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.test.TestScale;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link Sha256Compression} (the JDK compression intrinsic driven directly, and its MessageDigest fallback) and
 * {@link DoubleSha256} on top of it, against {@link MessageDigest}: every length around the padding edges, random
 * lengths up to 10,000 bytes fed in random splits, the segwit three-range txid at every array offset mod 64, heap
 * views at an offset, off-heap buffers, bad ranges, and no allocation. The real-block txids against bitcoinj are in
 * {@link BlockScannerDifferentialTest} and {@link TransactionWalkDifferentialTest}, which run whatever path
 * {@code new DoubleSha256()} picks: {@link #shouldRunTheFastPathUnderTheBuildFlags} makes sure that is the fast one.
 * The seed is printed on failure.
 */
class Sha256CompressionTest {
    private static final int[] EDGES = {0, 1, 31, 32, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129, 183, 184, 191, 192};

    private final MessageDigest reference = sha256();

    @Test
    void shouldRunTheFastPathUnderTheBuildFlags() {
        // the parent pom's finality.jvm.flags open java.base/sun.security.provider: the fast path must be what runs
        assertTrue(Sha256Compression.fastPathAvailable(), Sha256Compression.unavailableReason());
        assertTrue(new Sha256Compression().fast());
        assertTrue(new DoubleSha256().fast());
        assertFalse(new Sha256Compression(false).fast(), "the forced fallback");
        assertFalse(new DoubleSha256(new Sha256Compression(false)).fast());
    }

    @Test
    void shouldHashEveryEdgeLengthAsMessageDigestOnBothPaths() {
        final byte[] data = randomBytes(new Random(7), 400);
        for (boolean fast : new boolean[] {true, false}) {
            final Sha256Compression sha = new Sha256Compression(fast);
            final byte[] out = new byte[32 + 5];
            for (int length : EDGES) {
                for (int offset = 0; offset < 3; offset++) {
                    sha.update(data, offset, length);
                    sha.finish(out, 5);
                    assertArrayEquals(single(data, offset, length), slice(out, 5), "single, fast " + fast + ", length " + length);
                    sha.update(data, offset, length);
                    sha.finishTwice(out, 3);
                    assertArrayEquals(twice(data, offset, length), slice(out, 3), "double, fast " + fast + ", length " + length);
                }
            }
        }
    }

    @Test
    void shouldHashRandomLengthsInRandomSplitsAsMessageDigest() {
        final long seed = TestScale.seed(0x5A25_6C0DL);
        final int cases = TestScale.pick(4_000, 100_000);
        final Random random = new Random(seed);
        final byte[] data = randomBytes(random, 12_000);
        final Sha256Compression fast = new Sha256Compression();
        final Sha256Compression fallback = new Sha256Compression(false);
        final byte[] out = new byte[32];
        for (int i = 0; i < cases; i++) {
            final int length = i < EDGES.length ? EDGES[i] : random.nextInt(10_001);
            final int offset = random.nextInt(data.length - length + 1);
            final int pieces = 1 + random.nextInt(4);
            final boolean twice = random.nextBoolean();
            final byte[] expected = twice ? twice(data, offset, length) : single(data, offset, length);
            for (Sha256Compression sha : new Sha256Compression[] {fast, fallback}) {
                int at = offset;
                int left = length;
                for (int p = 1; p < pieces && left > 0; p++) {
                    // small pieces often (4-byte version, partial blocks), large ones sometimes
                    final int n = random.nextInt(random.nextBoolean() ? Math.min(left, 70) + 1 : left + 1);
                    sha.update(data, at, n);
                    at += n;
                    left -= n;
                }
                sha.update(data, at, left);
                if (twice) {
                    sha.finishTwice(out, 0);
                } else {
                    sha.finish(out, 0);
                }
                assertArrayEquals(expected, out, "seed " + seed + ", case " + i + ", length " + length + ", pieces " + pieces
                    + ", twice " + twice + ", fast " + sha.fast());
            }
        }
    }

    @Test
    void shouldHashTheSegwitThreeRangeTxidAtEveryOffsetModuloTheBlock() {
        final long seed = TestScale.seed(0x5E6_1717L);
        final Random random = new Random(seed);
        final DoubleSha256[] hashers = {new DoubleSha256(), new DoubleSha256(new Sha256Compression(false))};
        final UnsafeBuffer digest = new UnsafeBuffer(new byte[40]);
        final UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(1_200));
        for (int middle : new int[] {0, 1, 50, 55, 56, 60, 63, 64, 100, 119, 120, 124, 128, 180, 500, 1_000}) {
            // version(4) | marker, flag (2, skipped) | middle | witnesses (skipped) | lock time(4)
            final int witness = random.nextInt(70);
            final byte[] tx = randomBytes(random, 4 + 2 + middle + witness + 4);
            final byte[] stripped = new byte[4 + middle + 4];
            System.arraycopy(tx, 0, stripped, 0, 4);
            System.arraycopy(tx, 6, stripped, 4, middle);
            System.arraycopy(tx, tx.length - 4, stripped, 4 + middle, 4);
            final byte[] expected = twice(stripped, 0, stripped.length);
            for (int shift = 0; shift < 64; shift++) {
                final byte[] backing = new byte[64 + tx.length + 64];
                System.arraycopy(tx, 0, backing, 64 + shift, tx.length);
                // a view starting 64 bytes into the array: offsets are the view's, not the array's
                final UnsafeBuffer heap = new UnsafeBuffer(backing, 64, backing.length - 64);
                offHeap.putBytes(shift, tx);
                for (DoubleSha256 hasher : hashers) {
                    for (UnsafeBuffer buffer : new UnsafeBuffer[] {heap, offHeap}) {
                        hasher.update(buffer, shift, 4)
                            .update(buffer, shift + 6, middle)
                            .update(buffer, shift + tx.length - 4, 4)
                            .finish(digest, 7);
                        assertArrayEquals(expected, slice(digest.byteArray(), 7),
                            "seed " + seed + ", middle " + middle + ", shift " + shift + ", fast " + hasher.fast()
                                + ", off-heap " + (buffer == offHeap));
                    }
                }
            }
        }
    }

    @Test
    void shouldWriteIntoOffHeapAndOutOfRangeDestinationsAsBefore() {
        final byte[] data = randomBytes(new Random(11), 300);
        final DoubleSha256 hasher = new DoubleSha256();
        final UnsafeBuffer src = new UnsafeBuffer(data);
        final UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        hasher.hash(src, 10, 250, offHeap, 20);
        final byte[] got = new byte[32];
        offHeap.getBytes(20, got);
        assertArrayEquals(twice(data, 10, 250), got);
        final UnsafeBuffer small = new UnsafeBuffer(new byte[40]);
        assertThrows(IndexOutOfBoundsException.class, () -> hasher.hash(src, 0, 10, small, 9));
        // the failed call finished its hash before the throw: the next hash starts clean
        hasher.hash(src, 0, 300, small, 8);
        assertArrayEquals(twice(data, 0, 300), slice(small.byteArray(), 8));
    }

    @Test
    void shouldRejectBadRangesWithoutCorruptingTheRunningHash() {
        final byte[] data = randomBytes(new Random(13), 200);
        for (boolean allowFast : new boolean[] {true, false}) {
            final Sha256Compression sha = new Sha256Compression(allowFast);
            final byte[] out = new byte[32];
            sha.update(data, 0, 70);
            assertThrows(IndexOutOfBoundsException.class, () -> sha.update(data, 150, 51));
            assertThrows(IndexOutOfBoundsException.class, () -> sha.update(data, -1, 10));
            assertThrows(IndexOutOfBoundsException.class, () -> sha.update(data, 10, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> sha.finish(out, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> sha.finishTwice(out, -1));
            sha.update(data, 70, 130);
            sha.finishTwice(out, 0);
            assertArrayEquals(twice(data, 0, 200), out, "fast " + sha.fast());
        }
    }

    @Test
    void shouldAllocateNothingPerHash() {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final byte[] data = randomBytes(new Random(17), 5_000);
        final DoubleSha256 hasher = new DoubleSha256();
        final UnsafeBuffer src = new UnsafeBuffer(data);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[32]);
        final UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(5_000));
        offHeap.putBytes(0, data);
        long acc = 0;
        for (int warm = 0; warm < 3; warm++) {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++) {
                final int length = i % 1_000;
                hasher.update(src, i % 7, 4).update(src, 20, length).update(src, 4_000, 4).finish(dst, 0);
                hasher.hash(offHeap, i % 13, length, dst, 0);
                acc += dst.getByte(0);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (warm == 2) {
                assertEquals(0, allocated, "bytes allocated over 40,000 hashes (" + acc + ")");
            }
        }
    }

    private byte[] single(final byte[] data, final int offset, final int length) {
        reference.update(data, offset, length);
        return reference.digest();
    }

    private byte[] twice(final byte[] data, final int offset, final int length) {
        reference.update(data, offset, length);
        return reference.digest(reference.digest());
    }

    private static byte[] slice(final byte[] array, final int offset) {
        final byte[] out = new byte[32];
        System.arraycopy(array, offset, out, 0, 32);
        return out;
    }

    private static byte[] randomBytes(final Random random, final int n) {
        final byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
