package io.finality.matcher.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The key arena grows by adding chunks, never by copying: records keep their chunk and their bytes as it grows from
 * 4 KiB past 2 MiB chunks (mapped ones), keys of every length up to the longest fit, and every reference still reads
 * back its own key.
 */
class KeyArenaTest {
    @Test
    void shouldGrowByAddingChunksWithoutMovingARecord() {
        final SplittableRandom random = new SplittableRandom(11);
        final List<byte[]> keys = new ArrayList<>();
        final List<Integer> refs = new ArrayList<>();
        try (KeyArena arena = new KeyArena(0, true)) {
            final UnsafeBuffer first = arena.chunk(0);
            final UnsafeBuffer key = new UnsafeBuffer(new byte[WatchKeyIndex.MAX_KEY_LENGTH]);
            long bytes = 0;
            // ~6 MiB of records: 20..40-byte keys, with a key of the longest length every 5,000th
            for (int i = 0; bytes < 6L << 20; i++) {
                final int length = i % 5_000 == 0 ? WatchKeyIndex.MAX_KEY_LENGTH : 20 + random.nextInt(21);
                final byte[] k = new byte[length];
                random.nextBytes(k);
                key.putBytes(0, k);
                refs.add(arena.add(i % 7, key, 0, length));
                keys.add(k);
                bytes += KeyArena.recordLength(length);
            }
            assertSame(first, arena.chunk(0), "the first chunk is never replaced");
            assertTrue(arena.chunkCount() >= 10, "chunks: " + arena.chunkCount());
            assertTrue(HugePageAllocator.mapped(arena.chunk(arena.chunkCount() - 1)) || !mappingPossible(),
                "the last chunk (" + arena.chunk(arena.chunkCount() - 1).capacity() + " bytes) is a lazily zeroed mapping");
            for (int i = 0; i < keys.size(); i++) {
                final byte[] k = keys.get(i);
                key.putBytes(0, k);
                assertTrue(arena.matches(refs.get(i), i % 7, key, 0, k.length), "record " + i);
                assertTrue(!arena.matches(refs.get(i), i % 7 + 1, key, 0, k.length), "record " + i + " on another chain");
            }
            assertEquals(bytes, arena.liveBytes());
        }
    }

    /** Whether this JVM can map regions at all (the POSIX binding loads), as HugePageAllocatorTest checks. */
    private static boolean mappingPossible() {
        final UnsafeBuffer probe = HugePageAllocator.allocate(HugePageAllocator.HUGE_PAGE_SIZE, true);
        final boolean mapped = HugePageAllocator.mapped(probe);
        HugePageAllocator.free(probe);
        return mapped;
    }
}
