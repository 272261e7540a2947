package io.finality.matcher.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.finality.core.spi.AddressIndex;
import io.finality.core.test.TestScale;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link WatchKeyIndex#lookupBatch} must answer exactly as {@link WatchKeyIndex#lookup} and as a {@code HashMap}
 * reference, for every batch size (across the {@value WatchKeyIndex#BATCH_CHUNK}-key chunk boundary), for keys
 * of every length class (empty, shorter than a word, the script and address lengths, long, the maximum, and
 * lengths the index rejects), for hits, misses, pre-filter false positives (a tiny filter; a hasher that makes
 * every key collide), after removals (stale filter bits) and while a grown table is still draining.
 */
class WatchKeyIndexBatchTest {
    private static final int CHAIN = 1;
    private static final int OTHER_CHAIN = 10;
    /** Length classes: empty, sub-word, word, Ethereum address, P2WPKH, P2SH, P2PKH, P2WSH/P2TR, long, maximum. */
    private static final int[] LENGTHS = {0, 1, 3, 7, 8, 9, 20, 22, 23, 25, 34, 35, 71, 520, WatchKeyIndex.MAX_KEY_LENGTH};
    private static final int REGION = 4 << 20;

    private static final long[] SPREAD = new long[8];

    static {
        final SplittableRandom random = new SplittableRandom(0xC0111DE5L);
        for (int i = 0; i < SPREAD.length; i++) {
            SPREAD[i] = random.nextLong() | 1;
        }
    }

    /** Every key collapses onto eight fingerprints: every miss passes the filter and takes the full compare. */
    private static final KeyHasher ALL_COLLIDING = (chain, key, offset, length) ->
        SPREAD[(int) WatchKeyHash.hash(chain, key, offset, length) & 7];

    @Test
    void shouldAnswerAsLookupWithTheDefaultFilter() {
        run(TestScale.seed(0xBA7C_0001L), new WatchKeyIndexContext().expectedKeys(20_000), KeyHasher.DEFAULT, 20_000);
    }

    @Test
    void shouldAnswerAsLookupWhenTheFilterIsMostlyFalsePositives() {
        run(TestScale.seed(0xBA7C_0002L), new WatchKeyIndexContext().expectedKeys(20_000).filterBitsPerSlot(1), KeyHasher.DEFAULT,
            20_000);
    }

    @Test
    void shouldAnswerAsLookupWithoutAFilter() {
        run(TestScale.seed(0xBA7C_0003L), new WatchKeyIndexContext().expectedKeys(20_000).preFilter(false), KeyHasher.DEFAULT, 20_000);
    }

    @Test
    void shouldAnswerAsLookupWhenEveryFingerprintCollides() {
        run(TestScale.seed(0xBA7C_0004L), new WatchKeyIndexContext().expectedKeys(400), ALL_COLLIDING, 400);
    }

    @Test
    void shouldAnswerAsLookupWhileAGrownTableDrains() {
        // Sized for 16 keys: every doubling leaves an old table that only later mutations drain.
        run(TestScale.seed(0xBA7C_0005L), new WatchKeyIndexContext().expectedKeys(16), KeyHasher.DEFAULT, 20_000);
    }

    /**
     * The batch pass reads keys of the usual lengths raw, from the buffer's array or address: on a heap buffer that views
     * its array at an offset it must answer as {@link WatchKeyIndex#lookup}, for a key that ends where the buffer does too,
     * and a key reaching past the buffer's end must fail as it does in {@code lookup}, not read past it.
     */
    @Test
    void shouldReadKeysInPlaceFromAHeapBufferUpToItsEndAndNoFurther() {
        final SplittableRandom random = new SplittableRandom(TestScale.seed(0xBA7C_0006L));
        final byte[] array = new byte[8 + 40 * 25];
        final UnsafeBuffer heap = new UnsafeBuffer(array, 8, 40 * 25);
        final int count = 25;
        final int[] offsets = new int[count];
        final int[] lengths = new int[count];
        final int[] slots = new int[count];
        try (WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(100))) {
            for (int i = 0; i < count; i++) {
                lengths[i] = 15 + i;
                offsets[i] = i == count - 1 ? heap.capacity() - lengths[i] : i * 40;
                fill(heap, offsets[i], lengths[i], random);
                if ((i & 1) == 0) {
                    index.put(CHAIN, heap, offsets[i], lengths[i], i);
                }
            }
            index.lookupBatch(CHAIN, heap, offsets, lengths, count, slots);
            for (int i = 0; i < count; i++) {
                assertEquals((i & 1) == 0 ? i : AddressIndex.MISSING, slots[i], "key " + i + " of length " + lengths[i]);
                assertEquals(index.lookup(CHAIN, heap, offsets[i], lengths[i]), slots[i], "key " + i);
            }
            final int[] pastTheEnd = {heap.capacity() - 20};
            final int[] length = {24};
            assertThrows(IndexOutOfBoundsException.class, () -> index.lookup(CHAIN, heap, pastTheEnd[0], length[0]));
            assertThrows(IndexOutOfBoundsException.class, () -> index.lookupBatch(CHAIN, heap, pastTheEnd, length, 1, new int[1]));
        }
    }

    @Test
    void shouldNotAllocateOnBatchLookup() {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 40));
        final int[] offsets = new int[64];
        final int[] lengths = new int[64];
        final int[] slots = new int[64];
        final SplittableRandom random = new SplittableRandom(7);
        try (WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(1000))) {
            for (int i = 0; i < 64; i++) {
                offsets[i] = i * 40;
                lengths[i] = 22 + (i & 3) * 4;
                for (int b = 0; b < lengths[i]; b++) {
                    buffer.putByte(offsets[i] + b, (byte) random.nextInt());
                }
                if ((i & 7) == 0) {
                    index.put(CHAIN, buffer, offsets[i], lengths[i], i);
                }
            }
            long found = 0;
            for (int round = 0; round < 20_000; round++) {
                index.lookupBatch(CHAIN, buffer, offsets, lengths, 64, slots);
                found += slots[round & 63];
            }
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int round = 0; round < 20_000; round++) {
                index.lookupBatch(CHAIN, buffer, offsets, lengths, 1 + (round & 63), slots);
                found += slots[round & 63];
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, allocated, "bytes allocated by 20,000 batch lookups");
            assertTrue(found != 0);
        }
    }

    private static void run(final long seed, final WatchKeyIndexContext context, final KeyHasher hasher, final int keys) {
        final String where = "seed=" + seed + " (rerun with -Dfinality.seed=" + seed + ")";
        final SplittableRandom random = new SplittableRandom(seed);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(REGION));
        final UnsafeBuffer probes = new UnsafeBuffer(ByteBuffer.allocateDirect(REGION));
        final Map<String, Integer> reference = new HashMap<>();
        final List<int[]> watched = new ArrayList<>();
        int cursor = 0;
        boolean sawMigration = false;
        try (WatchKeyIndex index = new WatchKeyIndex(context, hasher)) {
            for (int i = 0; i < keys; i++) {
                final int length = randomLength(random);
                if (cursor + length > REGION) {
                    cursor = 0;
                }
                fill(buffer, cursor, length, random);
                final int chain = random.nextInt(8) == 0 ? OTHER_CHAIN : CHAIN;
                index.put(chain, buffer, cursor, length, i);
                reference.put(name(chain, buffer, cursor, length), i);
                watched.add(new int[] {chain, cursor, length});
                cursor += length;
                sawMigration |= index.migrating();
                if (i % 997 == 0 || index.migrating() && i % 31 == 0) {
                    sawMigration |= checkBatches(index, reference, watched, buffer, probes, random, where);
                }
            }
            // Remove a third: the filter keeps their stale bits, the table forgets them.
            for (int i = 0; i < keys / 3; i++) {
                final int[] w = watched.get(random.nextInt(watched.size()));
                index.remove(w[0], buffer, w[1], w[2]);
                reference.remove(name(w[0], buffer, w[1], w[2]));
            }
            for (int round = 0; round < 200; round++) {
                sawMigration |= checkBatches(index, reference, watched, buffer, probes, random, where);
            }
            if (context.expectedKeys() < keys / 10) {
                assertTrue(sawMigration, "expected batches to run while a grown table drained; " + where);
            }
        }
    }

    /** One batch of random probes (watched, unwatched, other chain, bad lengths); returns whether the index was draining. */
    private static boolean checkBatches(
        final WatchKeyIndex index, final Map<String, Integer> reference, final List<int[]> watched, final UnsafeBuffer buffer,
        final UnsafeBuffer probes, final SplittableRandom random, final String where) {
        final int count = 1 + random.nextInt(3 * WatchKeyIndex.BATCH_CHUNK + 7);
        final int chain = random.nextInt(4) == 0 ? OTHER_CHAIN : CHAIN;
        final int[] offsets = new int[count + 3];
        final int[] lengths = new int[count + 3];
        final int[] slots = new int[count + 3];
        slots[count] = 12345;
        int at = 0;
        for (int i = 0; i < count; i++) {
            final int kind = random.nextInt(10);
            if (kind < 4) {
                // A watched key (watched on this chain or the other), copied so the batch reads its own buffer.
                final int[] w = watched.get(random.nextInt(watched.size()));
                lengths[i] = w[2];
                if (at + w[2] > probes.capacity()) {
                    at = 0;
                }
                probes.putBytes(at, buffer, w[1], w[2]);
            } else if (kind < 9) {
                lengths[i] = randomLength(random);
                if (at + lengths[i] > probes.capacity()) {
                    at = 0;
                }
                fill(probes, at, lengths[i], random);
            } else {
                lengths[i] = random.nextBoolean() ? -1 - random.nextInt(3) : WatchKeyIndex.MAX_KEY_LENGTH + 1 + random.nextInt(3);
            }
            offsets[i] = at;
            at += Math.max(0, lengths[i]);
        }
        final boolean migrating = index.migrating();
        index.lookupBatch(chain, probes, offsets, lengths, count, slots);
        for (int i = 0; i < count; i++) {
            final int single = index.lookup(chain, probes, offsets[i], lengths[i]);
            assertEquals(single, slots[i], "probe " + i + " of " + count + ", length " + lengths[i] + "; " + where);
            if (lengths[i] >= 0 && lengths[i] <= WatchKeyIndex.MAX_KEY_LENGTH) {
                final Integer expected = reference.get(name(chain, probes, offsets[i], lengths[i]));
                assertEquals(expected == null ? AddressIndex.MISSING : expected, slots[i], "reference, probe " + i + "; " + where);
            }
        }
        assertEquals(12345, slots[count], "wrote past count; " + where);
        return migrating;
    }

    private static int randomLength(final SplittableRandom random) {
        final int kind = random.nextInt(LENGTHS.length + 2);
        if (kind < LENGTHS.length) {
            // the maximum is rare: each one costs 10 kB of buffer
            final int length = LENGTHS[kind];
            return length == WatchKeyIndex.MAX_KEY_LENGTH && random.nextInt(20) != 0 ? 34 : length;
        }
        return random.nextInt(200);
    }

    private static void fill(final UnsafeBuffer buffer, final int offset, final int length, final SplittableRandom random) {
        for (int i = 0; i < length; i++) {
            buffer.putByte(offset + i, (byte) random.nextInt());
        }
        if (length == 22 && random.nextBoolean()) {
            // real templates share prefixes: the hash must not rely on the first bytes
            buffer.putByte(offset, (byte) 0x00);
            buffer.putByte(offset + 1, (byte) 0x14);
        }
    }

    private static String name(final int chain, final UnsafeBuffer buffer, final int offset, final int length) {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return chain + ":" + java.util.HexFormat.of().formatHex(bytes);
    }
}
