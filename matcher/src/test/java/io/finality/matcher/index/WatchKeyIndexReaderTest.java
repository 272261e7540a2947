package io.finality.matcher.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.finality.core.spi.AddressIndex;
import io.finality.core.test.TestScale;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link WatchKeyIndex#concurrentReader}: answers exactly as the index (and as a {@code HashMap} reference) on random
 * keys, hits and misses, while the table grows and drains (migration), and after removals (stale filter bits); and
 * lookups through the reader on a second thread at the same time as the owner's own lookupBatch calls (no mutation
 * meanwhile) give the same answers as sequential ones, on both threads (each thread has its own batch scratch).
 */
class WatchKeyIndexReaderTest {
    private static final int CHAIN = 3;

    /** Random keys of script-like lengths written one after another into one buffer. */
    private static final class Keys {
        final UnsafeBuffer buffer;
        final List<int[]> ranges = new ArrayList<>();
        private int end;

        Keys(final SplittableRandom random, final int count) {
            buffer = new UnsafeBuffer(new byte[count * 40]);
            for (int i = 0; i < count; i++) {
                final int length = 1 + random.nextInt(40);
                for (int b = 0; b < length; b++) {
                    buffer.putByte(end + b, (byte) random.nextInt(256));
                }
                ranges.add(new int[] {end, length});
                end += length;
            }
        }

        String text(final int i) {
            final int[] r = ranges.get(i);
            final byte[] bytes = new byte[r[1]];
            buffer.getBytes(r[0], bytes);
            return java.util.HexFormat.of().formatHex(bytes);
        }
    }

    @Test
    void shouldAnswerAsTheIndexWhileGrowingAndAfterRemovals() {
        final long seed = TestScale.seed(0x2EAD_E201L);
        final SplittableRandom random = new SplittableRandom(seed);
        final int count = TestScale.pick(40_000, 400_000);
        final Keys keys = new Keys(random, count * 2);
        final Map<String, Integer> reference = new HashMap<>();
        // sized for 16 keys: every doubling leaves an old table drained by later mutations, so many checks see it
        try (WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(16))) {
            final AddressIndex reader = index.concurrentReader();
            assertNotNull(reader);
            assertSame(reader, index.concurrentReader(), "one reader per index");
            int checksWhileMigrating = 0;
            for (int i = 0; i < count; i++) {
                final int[] r = keys.ranges.get(i);
                index.put(CHAIN, keys.buffer, r[0], r[1], i);
                reference.put(keys.text(i), i);
                if (i % 997 == 0) {
                    checksWhileMigrating += index.migrating() ? 1 : 0;
                    check(index, reader, keys, reference, random, "seed " + seed + " after " + (i + 1) + " puts");
                }
            }
            assertTrue(checksWhileMigrating > 0, "no check saw a draining table; seed " + seed);
            for (int i = 0; i < count; i += 2) {
                final int[] r = keys.ranges.get(i);
                index.remove(CHAIN, keys.buffer, r[0], r[1]);
                reference.remove(keys.text(i));
                if (i % 1994 == 0) {
                    check(index, reader, keys, reference, random, "seed " + seed + " after removing " + (i / 2 + 1));
                }
            }
            check(index, reader, keys, reference, random, "seed " + seed + " after all removals");
        }
    }

    @Test
    void shouldGiveTheSameAnswersWhenOwnerAndReaderLookUpAtTheSameTime() throws Exception {
        final long seed = TestScale.seed(0x2EAD_E202L);
        final SplittableRandom random = new SplittableRandom(seed);
        final int count = 50_000;
        final Keys keys = new Keys(random, count * 2);
        try (WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(count))) {
            for (int i = 0; i < count; i++) {
                final int[] r = keys.ranges.get(i);
                index.put(CHAIN, keys.buffer, r[0], r[1], i);
            }
            // every key, watched or not, in a shuffled order, probed in batches of a scanner's size
            final int total = keys.ranges.size();
            final int[] offsets = new int[total];
            final int[] lengths = new int[total];
            for (int i = 0; i < total; i++) {
                final int j = random.nextInt(i + 1);
                offsets[i] = offsets[j];
                lengths[i] = lengths[j];
                offsets[j] = keys.ranges.get(i)[0];
                lengths[j] = keys.ranges.get(i)[1];
            }
            final int[] expected = new int[total];
            for (int i = 0; i < total; i++) {
                expected[i] = index.lookup(CHAIN, keys.buffer, offsets[i], lengths[i]);
            }
            final AddressIndex reader = index.concurrentReader();
            final int rounds = TestScale.pick(20, 200);
            for (int round = 0; round < rounds; round++) {
                final int[] byOwner = new int[total];
                final int[] byReader = new int[total];
                final CompletableFuture<Void> other = CompletableFuture.runAsync(() -> probeAll(reader, keys, offsets, lengths, byReader));
                probeAll(index, keys, offsets, lengths, byOwner);
                other.get(1, TimeUnit.MINUTES);
                assertArrayEquals(expected, byOwner, "owner, round " + round + "; seed " + seed);
                assertArrayEquals(expected, byReader, "reader, round " + round + "; seed " + seed);
            }
        }
    }

    /** lookupBatch over all keys in batches of 256 (each a separate call, as the scanner does). */
    private static void probeAll(
        final AddressIndex index, final Keys keys, final int[] offsets, final int[] lengths, final int[] slotsOut) {
        final int batch = 256;
        final int[] o = new int[batch];
        final int[] l = new int[batch];
        final int[] s = new int[batch];
        for (int base = 0; base < offsets.length; base += batch) {
            final int n = Math.min(batch, offsets.length - base);
            System.arraycopy(offsets, base, o, 0, n);
            System.arraycopy(lengths, base, l, 0, n);
            index.lookupBatch(CHAIN, keys.buffer, o, l, n, s);
            System.arraycopy(s, 0, slotsOut, base, n);
        }
    }

    /** A random sample of keys (about half watched): reader lookup and lookupBatch equal the index's and the reference. */
    private static void check(
        final WatchKeyIndex index, final AddressIndex reader, final Keys keys, final Map<String, Integer> reference,
        final SplittableRandom random, final String where) {
        final int n = 600;
        final int[] offsets = new int[n];
        final int[] lengths = new int[n];
        final int[] expected = new int[n];
        for (int i = 0; i < n; i++) {
            final int k = random.nextInt(keys.ranges.size());
            offsets[i] = keys.ranges.get(k)[0];
            lengths[i] = keys.ranges.get(k)[1];
            expected[i] = reference.getOrDefault(keys.text(k), AddressIndex.MISSING);
            assertEquals(expected[i], index.lookup(CHAIN, keys.buffer, offsets[i], lengths[i]), "index, " + where);
            assertEquals(expected[i], reader.lookup(CHAIN, keys.buffer, offsets[i], lengths[i]), "reader lookup, " + where);
        }
        final int[] byReader = new int[n];
        final int[] byIndex = new int[n];
        reader.lookupBatch(CHAIN, keys.buffer, offsets, lengths, n, byReader);
        index.lookupBatch(CHAIN, keys.buffer, offsets, lengths, n, byIndex);
        assertArrayEquals(expected, byReader, "reader lookupBatch, " + where);
        assertArrayEquals(expected, byIndex, "index lookupBatch, " + where);
    }
}
