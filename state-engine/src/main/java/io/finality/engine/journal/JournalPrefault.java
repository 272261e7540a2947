package io.finality.engine.journal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * Fills the page tables of the journal appender's own mapping, writable, ahead of its write position, from the pretouch
 * thread: {@code madvise(MADV_POPULATE_WRITE)} (Linux 5.14+) works "as if writing to each page, without the actual
 * memory access", so the state engine's first write into each page no longer faults.
 *
 * <p>Why: reading the file ahead ({@link JournalPretoucher}) creates its page-cache pages, but each page still faulted on
 * the appender's first write into it, in the appender's mapping (~5 µs a page here; in some phases the stage thread
 * took 1,500-2,300 such faults in 20 s, with engine steps of 10-35 ms among them: docs/BENCHMARKS.md, "The floor").
 *
 * <p>Safe by construction: no byte is read or written. If the range is no longer mapped the call fails ({@code
 * ENOMEM}) and the next mapping is awaited; if something else is mapped there by then, populating it changes no content
 * either. A kernel without the advice ({@code EINVAL}) or a missing JNA turns prefaulting off, with one warning.
 *
 * <p>Why JNA, by hand: the JDK has no {@code madvise}, {@code java.lang.foreign} is final only from Java 22 (the
 * project's bytecode is 21), and Chronicle's posix wrapper is a no-op without JNR. JNA comes with Chronicle already.
 *
 * <p>Thread rules: {@link #onMapping} on the appending thread; {@link #populateAhead} on the pretouch thread.
 */
final class JournalPrefault {
    /** Bytes kept populated ahead of the appender. */
    static final long AHEAD_BYTES = 4L << 20;
    /** Bytes populated per call. */
    private static final long STEP_BYTES = 64 * 1024;
    private static final int MADV_POPULATE_WRITE = 23;
    private static final int EINVAL = 22;
    private static final long PAGE_MASK = -4096L;
    private static final System.Logger LOG = System.getLogger(JournalPrefault.class.getName());

    /** One mapping of the appender: file offsets {@code [start, limit)} at addresses from {@code base}. */
    private record Mapping(long base, long start, long limit) {
    }

    private volatile Mapping mapping;
    // pretouch thread only
    private Mapping populatedMapping;
    private long populatedUpTo;
    private boolean off;

    /** Appending thread: its writes now go to file offsets {@code [start, limit)} mapped at {@code base} (on a change only). */
    void onMapping(final long base, final long start, final long limit) {
        mapping = new Mapping(base, start, limit);
    }

    /**
     * Pretouch thread: populate the current mapping up to {@value #AHEAD_BYTES} bytes past {@code position}.
     *
     * @return the file offset populated up to in the current mapping, or -1 if there is none or prefaulting is off.
     */
    long populateAhead(final long position) {
        final Mapping m = mapping;
        if (m == null || off) {
            return -1;
        }
        if (m != populatedMapping) {
            populatedMapping = m;
            populatedUpTo = m.start();
        }
        long from = Math.max(populatedUpTo, Math.max(position, m.start())) & PAGE_MASK;
        final long to = Math.min(position + AHEAD_BYTES, m.limit()) & PAGE_MASK;
        while (from < to) {
            // a step at a time, yielding between: the first touch of a page can stop this vCPU for microseconds each,
            // and whatever shares it (the scan's probe helper) should wait for a step at most, not for megabytes
            final long step = Math.min(STEP_BYTES, to - from);
            final int error = populateWrite(m.base() + (from - m.start()), step);
            if (error == EINVAL) {
                turnOff("the kernel refused MADV_POPULATE_WRITE (errno " + error + ", Linux 5.14+ needed)", null);
            }
            if (error != 0) {
                // off, or ENOMEM: the appender has left this mapping; wait for the next one
                break;
            }
            from += step;
            populatedUpTo = from;
            Thread.yield();
        }
        return off ? -1 : populatedUpTo;
    }

    /** 0, the errno of a failed call, or -1 when JNA is missing (prefaulting is then off). */
    private int populateWrite(final long address, final long length) {
        try {
            return Libc.madvise(address, length, MADV_POPULATE_WRITE) == 0 ? 0 : Native.getLastError();
        } catch (final LinkageError ex) {
            turnOff("JNA or the C library could not be loaded", ex);
            return -1;
        }
    }

    private void turnOff(final String why, final Throwable cause) {
        off = true;
        LOG.log(System.Logger.Level.WARNING, "journal prefault off: " + why + "; the state engine's first write into each "
            + "journal page faults again", cause);
    }

    /** Loaded on first use, so that a missing JNA surfaces as a LinkageError at that call only. */
    private static final class Libc {
        static {
            Native.register(NativeLibrary.getInstance("c"));
        }

        private Libc() {
        }

        static native int madvise(long address, long length, int advice);
    }
}
