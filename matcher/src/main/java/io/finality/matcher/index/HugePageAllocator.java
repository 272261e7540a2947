package io.finality.matcher.index;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.PosixAPI;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Zeroed off-heap regions for the index's probe table and pre-filter, backed by 2 MiB transparent huge pages
 * where the kernel allows it.
 *
 * <p>Why: at 10 M keys every probe reads a random word of an 8 MiB filter and a few per cent also a random slot of
 * a 256 MiB table. With 4 KiB pages that is 2,048 + 65,536 pages, far more than the TLB holds, so most of those
 * reads also pay a page walk; with 2 MiB pages the filter is 4 pages and the table 128. THP is often in
 * {@code madvise} mode, where only regions flagged {@code MADV_HUGEPAGE} get huge pages, and
 * {@link ByteBuffer#allocateDirect} both misaligns the region and touches (zeroes) it before one could flag it. So a
 * region of at least {@value #HUGE_PAGE_SIZE} bytes is an anonymous {@code mmap} (zero-filled by the kernel, not
 * touched), trimmed to a 2 MiB-aligned start and length, and flagged {@code MADV_HUGEPAGE} before its first
 * touch; the pages are then faulted in as huge pages lazily, on first write.
 *
 * <p>Degrades gracefully: without the native POSIX binding ({@code net.openhft:posix}, loaded through JNR), or when
 * {@code mmap} fails, regions come from {@link ByteBuffer#allocateDirect} (4 KiB pages, counted against
 * {@code -XX:MaxDirectMemorySize}); when only {@code madvise} fails the region is kept with normal pages. Either is
 * logged once. Smaller regions always come from {@link ByteBuffer#allocateDirect}. Mapped regions do not count
 * against {@code -XX:MaxDirectMemorySize}.
 *
 * <p>Thread rules: stateless apart from the log-once flags; any thread may allocate, and a region is freed exactly
 * once, by its owner, with {@link #free}.
 */
final class HugePageAllocator {
    /** Size (and alignment) of an x86-64 / arm64 transparent huge page. */
    static final long HUGE_PAGE_SIZE = 2L << 20;

    private static final System.Logger LOG = System.getLogger(HugePageAllocator.class.getName());
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final long MAP_FAILED = -1L;

    /**
     * The native binding, or {@code null} when it cannot load. Loaded with the class (i.e. when the first index is
     * built, on the start-up thread), not on the first large allocation: loading takes a few hundred milliseconds,
     * which would otherwise stall the scan stage at the first growth past 2 MiB.
     */
    private static final PosixAPI POSIX = loadPosix();

    private static volatile boolean mapUnavailable = POSIX == null;
    private static volatile boolean adviceLogged;

    private HugePageAllocator() {
    }

    /**
     * A zeroed region of exactly {@code bytes} bytes (at most {@link Integer#MAX_VALUE}). When {@code hugePages} is set
     * and the size is a multiple of {@value #HUGE_PAGE_SIZE}, it is a 2 MiB-aligned mapping advised to use huge pages
     * (which the kernel may still decline); otherwise a direct buffer.
     */
    static UnsafeBuffer allocate(final long bytes, final boolean hugePages) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalStateException("off-heap region too large: " + bytes + " bytes");
        }
        if (!hugePages || bytes < HUGE_PAGE_SIZE || bytes % HUGE_PAGE_SIZE != 0 || mapUnavailable) {
            return direct(bytes);
        }
        final long address = map(bytes);
        return address == MAP_FAILED ? direct(bytes) : new UnsafeBuffer(address, (int) bytes);
    }

    /** Releases a region from {@link #allocate}; it must not be used afterwards. */
    static void free(final UnsafeBuffer region) {
        if (region.byteBuffer() != null) {
            BufferUtil.free(region);
        } else {
            final int result = POSIX.munmap(region.addressOffset(), region.capacity());
            if (result != 0) {
                throw new IllegalStateException("munmap of " + region.capacity() + " bytes failed: " + POSIX.lastErrorStr());
            }
        }
        region.wrap(0L, 0);
    }

    /** Whether a region from {@link #allocate} is a mapped, huge-page-advised one (not a direct buffer). */
    static boolean mapped(final UnsafeBuffer region) {
        return region.byteBuffer() == null && region.capacity() > 0;
    }

    private static PosixAPI loadPosix() {
        try {
            final PosixAPI api = PosixAPI.posix();
            // One round trip through every call used (the no-op fallback binding throws on mmap), so that binding and
            // first-call costs are all paid here.
            final long probe = api.mmap(0L, HUGE_PAGE_SIZE, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (probe == MAP_FAILED || probe == 0L) {
                LOG.log(Level.WARNING, "huge pages unavailable (mmap failed: {0}); watch key index uses 4 KiB pages",
                    api.lastErrorStr());
                return null;
            }
            api.madvise(probe, HUGE_PAGE_SIZE, MAdviseFlag.MADV_HUGEPAGE);
            api.munmap(probe, HUGE_PAGE_SIZE);
            return api;
        } catch (final RuntimeException | LinkageError ex) {
            LOG.log(Level.WARNING, "huge pages unavailable (no native POSIX binding: {0}); watch key index uses 4 KiB pages",
                ex.toString());
            return null;
        }
    }

    private static UnsafeBuffer direct(final long bytes) {
        // allocateDirect zeroes the memory: every slot starts EMPTY and every filter bit clear.
        return new UnsafeBuffer(ByteBuffer.allocateDirect((int) bytes));
    }

    /** @return the 2 MiB-aligned address of a fresh zeroed mapping of {@code bytes}, or {@link #MAP_FAILED}. */
    private static long map(final long bytes) {
        final PosixAPI posix = POSIX;
        final long raw;
        final long rawLength = bytes + HUGE_PAGE_SIZE;
        try {
            raw = posix.mmap(0L, rawLength, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
        } catch (final RuntimeException | LinkageError ex) {
            mapUnavailable = true;
            LOG.log(Level.WARNING, "huge pages unavailable (no native mmap: {0}); watch key index uses 4 KiB pages", ex.toString());
            return MAP_FAILED;
        }
        if (raw == MAP_FAILED || raw == 0L) {
            LOG.log(Level.WARNING, "mmap of {0} bytes failed ({1}); this region uses a direct buffer", rawLength,
                posix.lastErrorStr());
            return MAP_FAILED;
        }
        // Over-allocated by one huge page: keep the aligned middle, give the ragged ends back.
        final long aligned = (raw + HUGE_PAGE_SIZE - 1) & -HUGE_PAGE_SIZE;
        final long head = aligned - raw;
        final long tail = rawLength - head - bytes;
        if (head > 0) {
            posix.munmap(raw, head);
        }
        if (tail > 0) {
            posix.munmap(aligned + bytes, tail);
        }
        if (posix.madvise(aligned, bytes, MAdviseFlag.MADV_HUGEPAGE) != 0 && !adviceLogged) {
            adviceLogged = true;
            LOG.log(Level.WARNING, "madvise(MADV_HUGEPAGE) failed ({0}); watch key index regions use 4 KiB pages",
                posix.lastErrorStr());
        }
        return aligned;
    }
}
