package io.finality.matcher.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import io.finality.core.spi.AddressIndex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class WatchKeyIndexTest {
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(WatchKeyIndex.MAX_KEY_LENGTH + 16));

    @Test
    void shouldReturnPreviousSlotOnReplaceAndRemovedSlotOnRemove() {
        try (WatchKeyIndex index = new WatchKeyIndex()) {
            buffer.putLong(0, 0x0014_0123_4567_89ABL);
            assertEquals(AddressIndex.MISSING, index.put(1, buffer, 0, 22, 7));
            assertEquals(7, index.put(1, buffer, 0, 22, 9));
            assertEquals(9, index.lookup(1, buffer, 0, 22));
            assertEquals(1, index.size());
            assertEquals(9, index.remove(1, buffer, 0, 22));
            assertEquals(AddressIndex.MISSING, index.remove(1, buffer, 0, 22));
            assertEquals(AddressIndex.MISSING, index.lookup(1, buffer, 0, 22));
            assertEquals(0, index.size());
        }
    }

    @Test
    void shouldKeepSameBytesOnDifferentChainsApart() {
        try (WatchKeyIndex index = new WatchKeyIndex()) {
            buffer.setMemory(0, 20, (byte) 0xAB);
            index.put(10, buffer, 0, 20, 1);
            index.put(13, buffer, 0, 20, 2);
            assertEquals(1, index.lookup(10, buffer, 0, 20));
            assertEquals(2, index.lookup(13, buffer, 0, 20));
            assertEquals(AddressIndex.MISSING, index.lookup(11, buffer, 0, 20));
            assertEquals(AddressIndex.MISSING, index.lookup(10, buffer, 0, 19));
        }
    }

    @Test
    void shouldIndexEmptyAndMaximumLengthKeys() {
        try (WatchKeyIndex index = new WatchKeyIndex()) {
            buffer.setMemory(0, WatchKeyIndex.MAX_KEY_LENGTH, (byte) 0x51);
            index.put(1, buffer, 0, 0, 3);
            index.put(1, buffer, 0, WatchKeyIndex.MAX_KEY_LENGTH, 4);
            assertEquals(3, index.lookup(1, buffer, 0, 0));
            assertEquals(4, index.lookup(1, buffer, 0, WatchKeyIndex.MAX_KEY_LENGTH));
            assertEquals(AddressIndex.MISSING, index.lookup(1, buffer, 0, WatchKeyIndex.MAX_KEY_LENGTH - 1));
        }
    }

    @Test
    void shouldRejectOversizeKeysAtTheApiButMissOnLookup() {
        try (WatchKeyIndex index = new WatchKeyIndex()) {
            final int tooLong = WatchKeyIndex.MAX_KEY_LENGTH + 1;
            assertThrows(IllegalArgumentException.class, () -> index.put(1, buffer, 0, tooLong, 1));
            assertThrows(IllegalArgumentException.class, () -> index.remove(1, buffer, 0, tooLong));
            assertThrows(IllegalArgumentException.class, () -> index.put(1, buffer, 0, 20, -1));
            assertEquals(AddressIndex.MISSING, index.lookup(1, buffer, 0, tooLong));
            assertEquals(AddressIndex.MISSING, index.lookup(1, buffer, 0, -5));
        }
    }

    /**
     * Keys of standard length that differ only between their first and last 8 bytes share a fingerprint (WatchKeyHash
     * reads only those): the index must still tell every one apart by its bytes, through put, lookup, batch and remove.
     */
    @Test
    void shouldTellApartKeysThatShareTheirFingerprint() {
        final int keys = 600;
        final int length = 25;
        final int stride = 32;
        final UnsafeBuffer packed = new UnsafeBuffer(new byte[keys * stride]);
        for (int k = 0; k < keys; k++) {
            packed.setMemory(k * stride, length, (byte) 0x3C);
            packed.putInt(k * stride + 10, k * 0x9E3779B1);
        }
        try (WatchKeyIndex index = new WatchKeyIndex()) {
            for (int k = 0; k < keys; k++) {
                assertEquals(AddressIndex.MISSING, index.put(1, packed, k * stride, length, k));
            }
            final int[] offsets = new int[keys];
            final int[] lengths = new int[keys];
            final int[] slots = new int[keys];
            for (int k = 0; k < keys; k++) {
                offsets[k] = k * stride;
                lengths[k] = length;
            }
            index.lookupBatch(1, packed, offsets, lengths, keys, slots);
            for (int k = 0; k < keys; k++) {
                assertEquals(k, index.lookup(1, packed, k * stride, length), "key " + k);
                assertEquals(k, slots[k], "batch, key " + k);
            }
            buffer.putBytes(0, packed, 0, length);
            buffer.putInt(10, -1);
            assertEquals(AddressIndex.MISSING, index.lookup(1, buffer, 0, length), "same ends, unknown middle");
            for (int k = 0; k < keys; k += 2) {
                assertEquals(k, index.remove(1, packed, k * stride, length));
            }
            for (int k = 0; k < keys; k++) {
                assertEquals(k % 2 == 0 ? AddressIndex.MISSING : k, index.lookup(1, packed, k * stride, length), "after removal, key " + k);
            }
            assertEquals(keys / 2, index.size());
        }
    }

    @Test
    void shouldNotDegradeProbesUnderChurnBecauseDeletionLeavesNoTombstones() {
        final WatchKeyIndexContext context = new WatchKeyIndexContext().expectedKeys(1000).preFilter(false);
        try (WatchKeyIndex index = new WatchKeyIndex(context)) {
            final int capacity = index.capacity();
            for (int round = 0; round < 200; round++) {
                for (int i = 0; i < 1000; i++) {
                    buffer.putInt(0, round * 1000 + i);
                    index.put(1, buffer, 0, 22, i);
                }
                for (int i = 0; i < 1000; i++) {
                    buffer.putInt(0, round * 1000 + i);
                    assertEquals(i, index.remove(1, buffer, 0, 22));
                }
            }
            assertEquals(0, index.size());
            assertEquals(capacity, index.capacity(), "churn alone never grows the table");
        }
    }

    @Test
    void shouldCompactTheKeyArenaAfterAMassRemovalAndKeepAnswering() {
        try (WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(100_000))) {
            for (int i = 0; i < 100_000; i++) {
                buffer.putInt(0, i);
                index.put(2, buffer, 0, 34, i);
            }
            final long before = index.offHeapBytes();
            for (int i = 0; i < 100_000; i++) {
                if (i % 20 != 0) {
                    buffer.putInt(0, i);
                    assertEquals(i, index.remove(2, buffer, 0, 34));
                }
            }
            assertTrue(index.pauseCount() > 0, "compaction ran");
            assertTrue(index.offHeapBytes() < before, "arena shrank: " + index.offHeapBytes() + " < " + before);
            for (int i = 0; i < 100_000; i++) {
                buffer.putInt(0, i);
                assertEquals(i % 20 == 0 ? i : AddressIndex.MISSING, index.lookup(2, buffer, 0, 34));
            }
            buffer.putInt(0, 7);
            assertEquals(AddressIndex.MISSING, index.put(2, buffer, 0, 34, 77));
            assertEquals(77, index.lookup(2, buffer, 0, 34));
        }
    }

    /**
     * Idle upkeep finishes what mutations would otherwise finish a slice at a time: a grown table still draining, then a
     * pre-filter being rebuilt after mass removal; {@code maintenanceDue} says when there is some, and no key is lost.
     */
    @Test
    void shouldFinishAGrownTableAndAStaleFilterInIdleMaintenance() {
        final int keys = 6_000;
        try (WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(16))) {
            assertFalse(index.maintenanceDue());
            assertEquals(0, index.doMaintenance(1024));
            int put = 0;
            while (put < keys || !index.migrating()) {
                buffer.putInt(0, put);
                index.put(3, buffer, 0, 36, put++);
            }
            assertTrue(index.maintenanceDue(), "a grown table still drains");
            int slices = 0;
            while (index.doMaintenance(1024) > 0) {
                slices++;
            }
            assertTrue(slices > 0);
            assertFalse(index.migrating());
            assertFalse(index.maintenanceDue());
            // remove nine keys in ten until a rebuild of the pre-filter starts; from then only idle upkeep moves it on
            int last = -1;
            for (int k = 0; k < put && !index.rebuildingFilter(); k++) {
                if (k % 10 != 0) {
                    buffer.putInt(0, k);
                    assertEquals(k, index.remove(3, buffer, 0, 36));
                    last = k;
                }
            }
            assertTrue(index.rebuildingFilter(), "no rebuild after removing up to key " + last);
            assertTrue(index.maintenanceDue(), "a stale filter is being rebuilt");
            while (index.doMaintenance(1024) > 0) {
                slices++;
            }
            assertFalse(index.rebuildingFilter());
            assertFalse(index.maintenanceDue());
            for (int k = 0; k < put; k++) {
                buffer.putInt(0, k);
                assertEquals(k % 10 == 0 || k > last ? k : AddressIndex.MISSING, index.lookup(3, buffer, 0, 36), "key " + k);
            }
        }
    }

    /**
     * Steady churn at a fixed size, as the outpoint index sees it (payments add outpoints, expiry removes the oldest):
     * every removal leaves stale filter bits, so the filter is rebuilt again and again, a few slots per mutation
     * while keys keep moving under the rebuild's scan (backward shifts). Every live key must be found at every step by
     * both lookups, no rebuild may pause, and the filter must stay as sparse as a fresh one (a filter never rebuilt
     * would fill up: every lookup would pass it).
     */
    @Test
    void shouldRebuildTheFilterUnderChurnWithoutAPauseOrAMissedKey() {
        final int live = 5_000;
        try (WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(live))) {
            for (int i = 0; i < live; i++) {
                buffer.putInt(0, i);
                index.put(3, buffer, 0, 36, i);
            }
            final double fresh = index.filterFill();
            final long pausesBefore = index.pauseCount();
            final int[] offsets = new int[live];
            final int[] lengths = new int[live];
            final int[] slots = new int[live];
            final UnsafeBuffer keys = new UnsafeBuffer(new byte[live * 36]);
            int rebuilds = 0;
            boolean wasRebuilding = false;
            // 40 generations of keys: 200,000 removals, a rebuild due every ~5,000 of them
            for (int next = live; next < 41 * live; next++) {
                buffer.putInt(0, next - live);
                assertEquals(next - live, index.remove(3, buffer, 0, 36));
                buffer.putInt(0, next);
                assertEquals(AddressIndex.MISSING, index.put(3, buffer, 0, 36, next));
                if (index.rebuildingFilter() != wasRebuilding) {
                    rebuilds += wasRebuilding ? 1 : 0;
                    wasRebuilding = !wasRebuilding;
                }
                if (next % 997 == 0 || wasRebuilding && next % 61 == 0) {
                    // every live key, and the one just removed, through both lookups
                    for (int k = 0; k < live; k++) {
                        final int key = next - live + 1 + k;
                        keys.setMemory(k * 36, 36, (byte) 0);
                        keys.putInt(k * 36, key);
                        offsets[k] = k * 36;
                        lengths[k] = 36;
                        buffer.putInt(0, key);
                        assertEquals(key, index.lookup(3, buffer, 0, 36), "key " + key + " at step " + next);
                    }
                    index.lookupBatch(3, keys, offsets, lengths, live, slots);
                    for (int k = 0; k < live; k++) {
                        assertEquals(next - live + 1 + k, slots[k], "batched key at step " + next);
                    }
                    buffer.putInt(0, next - live);
                    assertEquals(AddressIndex.MISSING, index.lookup(3, buffer, 0, 36));
                }
            }
            assertTrue(rebuilds >= 30, "filter rebuilds completed: " + rebuilds);
            assertEquals(pausesBefore, index.pauseCount(), "no pause at a fixed size");
            assertTrue(index.filterFill() < 2 * fresh, "filter fill " + index.filterFill() + " against " + fresh + " fresh");
        }
    }

    /** Once a rebuild has left a spare filter, churn with its rebuilds allocates nothing (the spare is zeroed and reused). */
    @Test
    void shouldNotAllocateWhileChurnRebuildsTheFilter() {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final int live = 2_000;
        try (WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(live))) {
            int next = 0;
            for (; next < live; next++) {
                buffer.putInt(0, next);
                index.put(3, buffer, 0, 36, next);
            }
            long allocated = -1;
            int rebuildsMeasured = 0;
            for (int pass = 0; pass < 3; pass++) {
                final long before = threads.getCurrentThreadAllocatedBytes();
                int rebuilds = 0;
                boolean was = index.rebuildingFilter();
                // ten generations of keys: about ten rebuilds, each reusing the filter the one before replaced
                for (final int end = next + 10 * live; next < end; next++) {
                    buffer.putInt(0, next - live);
                    index.remove(3, buffer, 0, 36);
                    buffer.putInt(0, next);
                    index.put(3, buffer, 0, 36, next);
                    if (index.rebuildingFilter() != was) {
                        was = !was;
                        rebuilds += was ? 0 : 1;
                    }
                }
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
                rebuildsMeasured = rebuilds;
            }
            assertTrue(rebuildsMeasured >= 5, "rebuilds in the measured pass: " + rebuildsMeasured);
            assertEquals(0, allocated, "bytes allocated by 20,000 removes and puts");
            assertEquals(live, index.size());
        }
    }

    @Test
    void shouldNotAllocateOnLookup() {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(10_000))) {
            for (int i = 0; i < 10_000; i++) {
                buffer.putInt(4, i);
                index.put(1, buffer, 0, 25, i);
            }
            long sum = 0;
            for (int pass = 0; pass < 3; pass++) {
                final long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200_000; i++) {
                    buffer.putInt(4, i);
                    sum += index.lookup(1, buffer, 0, 25);
                }
                final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                if (pass == 2) {
                    assertEquals(0, allocated, "bytes allocated by 200k lookups");
                }
            }
            assertTrue(sum != 0);
        }
    }
}
