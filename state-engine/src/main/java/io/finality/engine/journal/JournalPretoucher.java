package io.finality.engine.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads the journal's cycle file ahead of the appender, on its own thread, so that the page-cache pages
 * the next appends will write into already exist when the state engine writes them.
 *
 * <p>Why: on the project machine (ext4, Linux 6.18) the first write into each new 8 MiB of a freshly
 * grown file costs the writing thread ~18 ms of kernel CPU (creating the page-cache pages; measured with a
 * plain {@code MappedByteBuffer} too, and not on tmpfs). The state engine paid it once every ~2,400 blocks
 * of the pipeline's latency run (its largest single stall), and ~2 % of the replay's time. Once another
 * thread has read the range, those pages exist and the appender's write faults are cheap. Chronicle
 * Queue's own pretoucher is an Enterprise feature (the open-source factory is empty).
 *
 * <p>Safe by construction: the file is opened read-only and read with {@code pread} into a private buffer,
 * never past its current end, so it can neither change a byte of the journal nor fault on a missing page.
 * It also keeps the appender's own mapping populated a little ahead ({@link JournalPrefault}), which changes no byte.
 *
 * <p>The touch thread sleeps until the appender has used half of what was touched or prefaulted ahead (it then wakes
 * it: one {@code unpark} per ~2 MiB appended with the prefault, ~8 MiB without), and looks by itself every
 * {@value #PERIOD_NANOS} ns.
 *
 * <p>Thread rules: {@link #onAppend} and {@link #onMapping} from the appending (state-engine) thread only,
 * allocation-free unless the appender moved to a new cycle file or mapping; the reading and populating run on the daemon
 * thread {@value #THREAD_NAME}; {@link #close} from any thread.
 */
final class JournalPretoucher implements AutoCloseable {
    static final String THREAD_NAME = "finality-journal-touch";
    /** The touch thread also looks without being woken this often (an idle journal costs 10 wake-ups/s). */
    static final long PERIOD_NANOS = 100_000_000;
    /** The appender wakes the touch thread at most once per this many bytes when the file end holds it back. */
    private static final long MIN_WAKE_STEP = 64 * 1024;
    private static final System.Logger LOG = System.getLogger(JournalPretoucher.class.getName());
    private static final int PAGE = 4096;
    private static final int READ_BYTES = 64 * 1024;

    private final long aheadBytes;
    private final Runnable threadStart;
    /** Null when the context turns the prefault off. */
    private final JournalPrefault prefault;
    private volatile long prefaulted = -1;
    private final AtomicLong writePosition = new AtomicLong();
    private final AtomicLong touchedUpTo = new AtomicLong();
    /** The appender wakes the touch thread once its position passes this (then sets it out of reach). */
    private final AtomicLong wakeAt = new AtomicLong();
    private final Thread thread;
    private volatile File file;
    private volatile boolean running = true;
    private int cycle = Integer.MIN_VALUE;

    // touch thread only
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BYTES);
    private File openFile;
    private FileChannel channel;
    private long touched;
    private boolean warned;

    /**
     * Start touching up to {@link JournalContext#pretouchBytes} past the appender's position (and prefaulting, if the
     * context asks for it); the thread first runs {@link JournalContext#pretouchThreadStart}, e.g. to pin itself.
     */
    JournalPretoucher(final JournalContext context) {
        this.aheadBytes = context.pretouchBytes();
        this.threadStart = context.pretouchThreadStart();
        this.prefault = context.prefault() ? new JournalPrefault() : null;
        thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The appender just wrote up to {@code position} of the file of {@code appenderCycle}; {@code currentFile}
     * is asked for that file only when the cycle changed.
     */
    void onAppend(final int appenderCycle, final java.util.function.Supplier<File> currentFile, final long position) {
        writePosition.lazySet(position);
        if (appenderCycle != cycle) {
            cycle = appenderCycle;
            file = currentFile.get();
            wake();
        } else if (position >= wakeAt.get()) {
            wake();
        }
    }

    /** Whether the appender's mapping is prefaulted: only then does {@link #onMapping} need calling. */
    boolean prefaults() {
        return prefault != null;
    }

    /** Appending thread: its writes now go to file offsets {@code [start, limit)} mapped at {@code base} (populate it now). */
    void onMapping(final long base, final long start, final long limit) {
        prefault.onMapping(base, start, limit);
        wake();
    }

    private void wake() {
        wakeAt.set(Long.MAX_VALUE);
        LockSupport.unpark(thread);
    }

    /** How far the appender's current mapping is populated, -1 if not at all (for tests and diagnostics). */
    long prefaultedUpTo() {
        return prefaulted;
    }

    /** How far the current file has been read (for tests and diagnostics). */
    long touchedUpTo() {
        return touchedUpTo.get();
    }

    private void run() {
        if (threadStart != null) {
            try {
                threadStart.run();
            } catch (final RuntimeException ex) {
                // the touching itself still works wherever the thread runs
                LOG.log(System.Logger.Level.WARNING, "journal pretouch thread start action failed; it runs as it is", ex);
            }
        }
        while (running) {
            try {
                touchAhead();
            } catch (final IOException | RuntimeException ex) {
                // best effort: the appender works without it, only slower at each new 8 MiB
                if (!warned) {
                    warned = true;
                    LOG.log(System.Logger.Level.WARNING, "journal pretouch failed; appends may stall on new pages", ex);
                }
                closeChannel();
            }
            LockSupport.parkNanos(PERIOD_NANOS);
        }
        closeChannel();
    }

    private void touchAhead() throws IOException {
        final File f = file;
        if (f == null) {
            return;
        }
        if (!f.equals(openFile)) {
            closeChannel();
            channel = FileChannel.open(f.toPath(), StandardOpenOption.READ);
            openFile = f;
            touched = 0;
        }
        final long position = writePosition.get();
        // the pages the appender writes next first, then the reading further ahead
        final long populated = prefault == null ? -1 : prefault.populateAhead(position);
        prefaulted = populated;
        if (touched < position) {
            touched = position & -PAGE;
        }
        final long target = Math.min(position + aheadBytes, channel.size());
        while (touched < target && running) {
            buffer.clear().limit((int)Math.min(READ_BYTES, target - touched));
            final int n = channel.read(buffer, touched);
            if (n <= 0) {
                break;
            }
            touched += n;
        }
        touchedUpTo.set(touched);
        // wake again halfway through what is touched or populated, but not on every append while the file end holds us back
        long next = touched - aheadBytes / 2;
        if (populated >= 0) {
            next = Math.min(next, populated - JournalPrefault.AHEAD_BYTES / 2);
        }
        wakeAt.set(Math.max(next, position + MIN_WAKE_STEP));
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (final IOException ex) {
                // nothing was written through it
            }
            channel = null;
            openFile = null;
        }
    }

    /** Stop the touch thread and wait for it (it closes its file itself). */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
