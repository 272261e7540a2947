package io.finality.matcher.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The huge-page regions really are huge pages (read back from the kernel's own account in {@code /proc/self/smaps}),
 * start zeroed and 2 MiB-aligned, are given back on free, and the switch and the size threshold fall back to plain
 * direct buffers. Needs Linux with THP in {@code madvise} or {@code always} mode; skipped elsewhere.
 */
class HugePageAllocatorTest {
    private static final long MIB = 1 << 20;

    @Test
    void shouldBackALargeRegionWithHugePagesFromTheFirstTouch() throws IOException {
        assumeTransparentHugePages();
        final UnsafeBuffer region = HugePageAllocator.allocate(8 * MIB, true);
        try {
            assertTrue(HugePageAllocator.mapped(region), "an 8 MiB region must be an advised mapping, not a direct buffer");
            assertEquals(0, region.addressOffset() % HugePageAllocator.HUGE_PAGE_SIZE, "2 MiB-aligned start");
            assertEquals(8 * MIB, region.capacity());
            for (int at = 0; at < region.capacity(); at += 4096) {
                assertEquals(0L, region.getLong(at), "mapping must start zeroed at " + at);
                region.putLong(at, at + 1L);
            }
            for (int at = 0; at < region.capacity(); at += 4096) {
                assertEquals(at + 1L, region.getLong(at));
            }
            // Direct compaction may now and then fail to find a free 2 MiB frame; three of four must be huge.
            final long hugeKb = anonHugePagesKb(region.addressOffset());
            assertTrue(hugeKb >= 6 * 1024, "AnonHugePages of the region's mapping: " + hugeKb + " kB, want >= 6144 kB");
        } finally {
            final long address = region.addressOffset();
            HugePageAllocator.free(region);
            assertEquals(-1, anonHugePagesKb(address), "the mapping must be gone after free");
        }
    }

    @Test
    void shouldPutTheIndexTableAndFilterOnHugePages() throws IOException {
        assumeTransparentHugePages();
        // 300,000 keys -> 2^19 slots: an 8 MiB table and, at 32 bits per slot, a 2 MiB filter.
        try (WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(300_000).filterBitsPerSlot(32))) {
            final UnsafeBuffer key = new UnsafeBuffer(new byte[25]);
            final SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < 300_000; i++) {
                random.nextBytes(key.byteArray());
                index.put(1, key, 0, 25, i);
            }
            assertTrue(anonHugePagesKb(index.tableAddress()) >= 6 * 1024, "table on huge pages");
            assertTrue(anonHugePagesKb(index.filterAddress()) >= 1536, "2 MiB filter on a huge page");
        }
    }

    @Test
    void shouldUseDirectBuffersWhenSwitchedOffOrTooSmall() {
        final UnsafeBuffer off = HugePageAllocator.allocate(4 * MIB, false);
        final UnsafeBuffer small = HugePageAllocator.allocate(MIB, true);
        final UnsafeBuffer ragged = HugePageAllocator.allocate(3 * MIB, true);
        try {
            assertFalse(HugePageAllocator.mapped(off));
            assertFalse(HugePageAllocator.mapped(small));
            assertFalse(HugePageAllocator.mapped(ragged));
            assertEquals(4 * MIB, off.capacity());
            assertEquals(0L, off.getLong(off.capacity() - 8));
        } finally {
            HugePageAllocator.free(off);
            HugePageAllocator.free(small);
            HugePageAllocator.free(ragged);
        }
        assertEquals(0, off.capacity(), "a freed region is unwrapped so any later use fails its bounds check");
    }

    private static void assumeTransparentHugePages() throws IOException {
        final Path mode = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        assumeTrue(Files.isReadable(mode) && !Files.readString(mode).contains("[never]"), "THP not available here");
    }

    /** AnonHugePages (kB) of the mapping containing {@code address} per /proc/self/smaps, or -1 if nothing maps it. */
    static long anonHugePagesKb(final long address) throws IOException {
        final List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        boolean inside = false;
        for (final String line : lines) {
            final int dash = line.indexOf('-');
            final int space = line.indexOf(' ');
            if (dash > 0 && space > dash && isHex(line, 0, dash)) {
                final long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                final long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
            } else if (inside && line.startsWith("AnonHugePages:")) {
                return Long.parseLong(line.substring("AnonHugePages:".length()).replace("kB", "").trim());
            }
        }
        return -1;
    }

    private static boolean isHex(final String line, final int from, final int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(line.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
