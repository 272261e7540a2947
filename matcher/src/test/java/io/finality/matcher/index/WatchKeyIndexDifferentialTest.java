package io.finality.matcher.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Drives {@link WatchKeyIndex} and a {@code HashMap} reference with the same seeded random operations
 * (put, remove, lookup of present and absent keys, keys of every script length on several chains) and
 * requires identical answers at every step.
 */
class WatchKeyIndexDifferentialTest {
    private static final int[] CHAINS = {1, 2, 10, 13};
    /** Sixteen fingerprints, one of them the empty marker, spread over the table. */
    private static final long[] SPREAD = new long[16];

    static {
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 1; i < SPREAD.length; i++) {
            SPREAD[i] = random.nextLong();
        }
    }

    /** Half the keys collapse onto sixteen fingerprints, so only the full key compare tells them apart. */
    private static final KeyHasher HALF_COLLIDING = (chain, key, offset, length) -> {
        final long h = WatchKeyHash.hash(chain, key, offset, length);
        return (h & 1) == 0 ? h : SPREAD[(int) (h >>> 1) & 15];
    };

    /** Every key collapses onto sixteen fingerprints. */
    private static final KeyHasher ALL_COLLIDING = (chain, key, offset, length) ->
        SPREAD[(int) WatchKeyHash.hash(chain, key, offset, length) & 15];

    record Key(int chain, ByteBuffer bytes) {
    }

    @Test
    void shouldAnswerLikeHashMapOverAMillionOperationsWithGrowthAndFilter() {
        run(TestScale.seed(0x5EED_0001L), TestScale.pick(1_000_000, 10_000_000), 250_000,
            new WatchKeyIndexContext().expectedKeys(16), KeyHasher.DEFAULT, true);
    }

    @Test
    void shouldAnswerLikeHashMapWithoutPreFilter() {
        run(TestScale.seed(0x5EED_0002L), TestScale.pick(300_000, 3_000_000), 60_000,
            new WatchKeyIndexContext().preFilter(false).expectedKeys(1000), KeyHasher.DEFAULT, false);
    }

    @Test
    void shouldAnswerLikeHashMapWhenHalfTheFingerprintsCollide() {
        run(TestScale.seed(0x5EED_0003L), TestScale.pick(1_000_000, 5_000_000), 4_000,
            new WatchKeyIndexContext().expectedKeys(16), HALF_COLLIDING, true);
    }

    @Test
    void shouldAnswerLikeHashMapWhenAllFingerprintsCollide() {
        run(TestScale.seed(0x5EED_0004L), TestScale.pick(200_000, 1_000_000), 600,
            new WatchKeyIndexContext().expectedKeys(16).filterBitsPerSlot(1), ALL_COLLIDING, false);
    }

    private static void run(
        final long seed, final int operations, final int poolSize, final WatchKeyIndexContext context,
        final KeyHasher hasher, final boolean expectMaintenance) {
        final SplittableRandom random = new SplittableRandom(seed);
        final String where = "seed=" + seed + " (rerun with -Dfinality.seed=" + seed + ")";
        final List<Key> pool = new ArrayList<>(poolSize);
        final Map<Key, Integer> reference = new HashMap<>();
        final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(WatchKeyIndex.MAX_KEY_LENGTH + 64));
        int puts = 0;
        int hits = 0;
        int misses = 0;
        boolean sawMigration = false;
        try (WatchKeyIndex index = new WatchKeyIndex(context, hasher)) {
            for (int op = 0; op < operations; op++) {
                final Key key = pickKey(random, pool, poolSize);
                // Unaligned position with junk around the key: the index must read only the key's bytes.
                final int offset = random.nextInt(8);
                scratch.setMemory(0, 16, (byte) random.nextInt());
                scratch.setMemory(offset + key.bytes.capacity(), 16, (byte) random.nextInt());
                scratch.putBytes(offset, key.bytes, 0, key.bytes.capacity());
                final int length = key.bytes.capacity();
                final int roll = random.nextInt(100);
                if (roll < 35) {
                    final int slot = random.nextInt(Integer.MAX_VALUE);
                    final Integer previous = reference.put(key, slot);
                    assertEquals(previous == null ? AddressIndex.MISSING : previous,
                        index.put(key.chain, scratch, offset, length, slot), () -> "put at op " + where);
                    puts++;
                } else if (roll < 60) {
                    final Integer previous = reference.remove(key);
                    assertEquals(previous == null ? AddressIndex.MISSING : previous,
                        index.remove(key.chain, scratch, offset, length), () -> "remove at op " + where);
                } else {
                    final Integer expected = reference.get(key);
                    final int actual = index.lookup(key.chain, scratch, offset, length);
                    assertEquals(expected == null ? AddressIndex.MISSING : expected, actual, () -> "lookup " + where);
                    if (expected == null) {
                        misses++;
                    } else {
                        hits++;
                    }
                }
                if ((op & 1023) == 0) {
                    assertEquals(reference.size(), index.size(), () -> "size " + where);
                }
                if (index.migrating()) {
                    sawMigration = true;
                    if (random.nextInt(64) == 0) {
                        index.doMaintenance(random.nextInt(1, 256));
                    }
                }
            }
            assertEquals(reference.size(), index.size(), () -> "final size " + where);
            for (Map.Entry<Key, Integer> entry : reference.entrySet()) {
                final ByteBuffer bytes = entry.getKey().bytes;
                scratch.putBytes(0, bytes, 0, bytes.capacity());
                assertEquals(entry.getValue(), index.lookup(entry.getKey().chain, scratch, 0, bytes.capacity()),
                    () -> "final sweep " + where);
            }
            assertTrue(hits > operations / 20 && misses > operations / 20,
                "both hits and misses exercised: hits=" + hits + " misses=" + misses + " " + where);
            assertTrue(puts > operations / 4, where);
            if (expectMaintenance) {
                assertTrue(index.pauseCount() > 0, "growth, filter rebuild or compaction exercised " + where);
                assertTrue(sawMigration, "operations ran while a grown table was draining " + where);
            }
        }
    }

    private static Key pickKey(final SplittableRandom random, final List<Key> pool, final int poolSize) {
        if (!pool.isEmpty() && (pool.size() >= poolSize || random.nextInt(100) < 70)) {
            final Key known = pool.get(random.nextInt(pool.size()));
            if (random.nextInt(100) < 3) {
                // Same bytes on another chain: a different key.
                return new Key(CHAINS[random.nextInt(CHAINS.length)], known.bytes);
            }
            return known;
        }
        final byte[] bytes = new byte[randomLength(random)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextInt(100) < 10) {
            // Keys that share a long prefix and differ only in the last byte.
            bytes[bytes.length - 1] ^= 1;
        }
        final Key key = new Key(CHAINS[random.nextInt(CHAINS.length)], ByteBuffer.wrap(bytes));
        pool.add(key);
        return key;
    }

    private static int randomLength(final SplittableRandom random) {
        final int roll = random.nextInt(1000);
        if (roll < 150) {
            return 20;
        } else if (roll < 300) {
            return 22;
        } else if (roll < 450) {
            return 25;
        } else if (roll < 550) {
            return 23;
        } else if (roll < 700) {
            return 34;
        } else if (roll < 995) {
            return random.nextInt(0, 80);
        }
        return random.nextInt(80, WatchKeyIndex.MAX_KEY_LENGTH + 1);
    }
}
