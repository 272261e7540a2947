package io.finality.bitcoin.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.buffer.Hex;
import io.finality.core.spi.MutableAddressIndex;
import io.finality.core.test.TestScale;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link OutpointWatch} against a plain model of its contract (an outpoint is watched from the block it was added at
 * until {@code retention} blocks later; adding a watched one again changes nothing), through random adds and block
 * advances that grow the bit-set pre-filter and clear bits as outpoints expire: the pre-filter must never hide a
 * watched outpoint, must keep most other inputs away from the index, and must be empty once everything expired.
 */
class OutpointWatchTest {
    private static final int CHAINS = 2;

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 20261121L})
    void shouldAnswerExactlyAsTheModelWhileTheBitSetGrowsAndIsRebuilt(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final CountingIndex index = new CountingIndex();
        final int retention = 40;
        final OutpointWatch watch = new OutpointWatch(index, retention);
        final List<UnsafeBuffer> pool = outpoints(random, 6_000);
        final Map<String, Long> model = new HashMap<>();
        long height = 0;
        long probes = 0;
        long unwatchedProbes = 0;
        long lookupsForUnwatched = 0;
        for (int step = 0; step < 400; step++) {
            height += random.nextInt(3);
            watch.onBlock(height);
            final long tip = height;
            model.values().removeIf(added -> tip - added >= retention);
            // bursts early on (growth), quiet stretches later (expiry, rebuilds)
            final int adds = step < 150 ? random.nextInt(200) : random.nextInt(8);
            for (int a = 0; a < adds; a++) {
                final UnsafeBuffer outpoint = pool.get(random.nextInt(pool.size()));
                final int chain = 1 + random.nextInt(CHAINS);
                watch.add(chain, outpoint, 0);
                model.putIfAbsent(key(chain, outpoint), height);
            }
            for (int probe = 0; probe < 300; probe++) {
                final UnsafeBuffer outpoint = pool.get(random.nextInt(pool.size()));
                final int chain = 1 + random.nextInt(CHAINS);
                final boolean watched = model.containsKey(key(chain, outpoint));
                final long lookupsBefore = index.lookups;
                assertEquals(watched, watch.contains(chain, outpoint, 0),
                    () -> "seed " + seed + ", height " + tip + ", outpoint " + key(chain, outpoint));
                probes++;
                if (!watched) {
                    unwatchedProbes++;
                    lookupsForUnwatched += index.lookups - lookupsBefore;
                }
            }
            assertEquals(model.size(), watch.size(), "seed " + seed + ": watched outpoints");
        }
        assertTrue(watch.bitSetSize() > 1 << 15, "seed " + seed + ": the bit set must have grown, is " + watch.bitSetSize());
        assertTrue(watch.bitSetRebuilds() >= 1, "seed " + seed + ": rebuilds " + watch.bitSetRebuilds());
        // once everything has expired every bit must be clear again: no probe reaches the index
        watch.onBlock(height + retention);
        assertEquals(0, watch.size());
        final long lookupsBefore = index.lookups;
        for (UnsafeBuffer outpoint : pool) {
            for (int chain = 1; chain <= CHAINS; chain++) {
                assertEquals(false, watch.contains(chain, outpoint, 0));
            }
        }
        assertEquals(lookupsBefore, index.lookups, "seed " + seed + ": bits left set after every outpoint expired");
        assertTrue(probes > 100_000 && unwatchedProbes > probes / 2, "seed " + seed + ": the probes must be mostly unwatched");
        // at most 1 bit in 8 set (two per outpoint) plus the stale bits of expired outpoints: well under a fifth pass
        assertTrue(lookupsForUnwatched < unwatchedProbes / 5,
            "seed " + seed + ": " + lookupsForUnwatched + " index lookups for " + unwatchedProbes + " unwatched outpoints");
    }

    /**
     * At its fullest (as many outpoints as the smallest bit set holds before it grows: 2^15 bits at 16 per outpoint),
     * the bit set must still keep all but a few of 200,000 other outpoints away from the index: two bits per outpoint
     * in one word let ~1.7 % through (computed); one bit per outpoint let 1 in 16 through, and fails this.
     */
    @Test
    void shouldLetFewOtherInputsPastTheBitSetAtItsFullest() {
        final SplittableRandom random = new SplittableRandom(TestScale.seed(0xB175L));
        final CountingIndex index = new CountingIndex();
        final OutpointWatch watch = new OutpointWatch(index, 100);
        final int fullest = (1 << 15) / OutpointWatch.BITS_PER_OUTPOINT;
        for (int i = 0; i < fullest; i++) {
            watch.add(1, randomOutpoint(random), 0);
        }
        assertEquals(fullest, watch.size());
        assertEquals(1 << 15, watch.bitSetSize(), "the bit set must not have grown yet");
        final int probes = 200_000;
        final long lookupsBefore = index.lookups;
        for (int i = 0; i < probes; i++) {
            assertFalse(watch.contains(1, randomOutpoint(random), 0));
        }
        final long passed = index.lookups - lookupsBefore;
        assertTrue(passed < probes / 40, passed + " of " + probes + " unwatched outpoints got past the bit set");
    }

    private static UnsafeBuffer randomOutpoint(final SplittableRandom random) {
        final byte[] bytes = new byte[OutpointWatch.OUTPOINT_LENGTH];
        random.nextBytes(bytes);
        return new UnsafeBuffer(bytes);
    }

    /** Random outpoints; every tenth shares its txid with the one before, with another output index. */
    private static List<UnsafeBuffer> outpoints(final SplittableRandom random, final int count) {
        final List<UnsafeBuffer> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final byte[] bytes = new byte[OutpointWatch.OUTPOINT_LENGTH];
            if (i % 10 == 9) {
                out.get(i - 1).getBytes(0, bytes, 0, 32);
            } else {
                random.nextBytes(bytes);
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            buffer.putInt(32, random.nextInt(4), java.nio.ByteOrder.LITTLE_ENDIAN);
            out.add(buffer);
        }
        return out;
    }

    private static String key(final int chain, final DirectBuffer outpoint) {
        return chain + ":" + Hex.toHex(outpoint, 0, OutpointWatch.OUTPOINT_LENGTH);
    }

    /** The test map index, counting the lookups that get past the watch's bit set. */
    private static final class CountingIndex implements MutableAddressIndex {
        private final MapIndex map = new MapIndex();
        long lookups;

        @Override
        public int lookup(final int chainCode, final DirectBuffer key, final int offset, final int length) {
            lookups++;
            return map.lookup(chainCode, key, offset, length);
        }

        @Override
        public int put(final int chainCode, final DirectBuffer key, final int offset, final int length, final int slot) {
            return map.put(chainCode, key, offset, length, slot);
        }

        @Override
        public int remove(final int chainCode, final DirectBuffer key, final int offset, final int length) {
            return map.remove(chainCode, key, offset, length);
        }

        @Override
        public int size() {
            return map.size();
        }
    }
}
