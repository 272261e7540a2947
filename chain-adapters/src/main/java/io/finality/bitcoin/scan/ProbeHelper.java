package io.finality.bitcoin.scan;

import java.util.concurrent.locks.LockSupport;

/**
 * A second thread for one {@link BitcoinBlockScanner}: while the scan thread walks a large block, this thread probes
 * the block's output scripts already walked, so the scan takes about the larger of walk and probes instead of their
 * sum (issue 9: the scan of a 1 MB block is the largest part of the pipeline's tail latency, and the second CPU is
 * idle meanwhile). One daemon thread named {@value #THREAD_NAME}; parked when idle (no CPU at all between blocks),
 * unparked by the scanner at the start of a large block, polling for work while the block is open (yielding its
 * CPU between polls: see {@code run}), parked again once the scanner closes it. The scanner never waits for this thread to start a chunk
 * (it steals every unclaimed chunk after its walk), nor long for it to finish one (it probes a chunk again itself when
 * the helper has not finished it in {@value SharedProbeJob#TAKE_OVER_NANOS} ns), so a helper that gets no CPU, or
 * loses it in the middle of a chunk, only costs the scan its help.
 *
 * <p>Thread rules: constructed and closed by the owner of the scanner (start-up and shutdown); {@link #open} and
 * {@link #idle} only by the one scanner's thread. One helper serves one scanner.
 */
public final class ProbeHelper implements AutoCloseable {
    /** The helper thread's name. */
    public static final String THREAD_NAME = "finality-scan-probe";

    private final Thread thread;
    private final Runnable threadStart;
    private volatile SharedProbeJob job;
    private volatile boolean running = true;

    /** A helper with its thread started. */
    public ProbeHelper() {
        this(true, null);
    }

    /**
     * A helper with its thread started, which first runs {@code threadStart} (e.g. pinning itself to a CPU other than
     * the scan thread's: measured in docs/BENCHMARKS.md, "Probe helper", a woken helper left to the scheduler often
     * lands on the scan thread's own CPU and helps little).
     */
    public ProbeHelper(final Runnable threadStart) {
        this(true, threadStart);
    }

    /**
     * Test hook: {@code start} false leaves the thread unstarted, so the scanner does every probe itself (stealing).
     */
    ProbeHelper(final boolean start) {
        this(start, null);
    }

    private ProbeHelper(final boolean start, final Runnable threadStart) {
        this.threadStart = threadStart;
        thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
        if (start) {
            thread.start();
        }
    }

    /** Test hook: the helper thread's id (for its allocation counter). */
    long threadId() {
        return thread.threadId();
    }

    /** Scan thread: a block's probes are open; wake the helper. */
    void open(final SharedProbeJob job) {
        this.job = job;
        LockSupport.unpark(thread);
    }

    /** Scan thread: the block's probes are all done; the helper parks once it sees this. */
    void idle() {
        this.job = null;
    }

    private void run() {
        if (threadStart != null) {
            threadStart.run();
        }
        while (running) {
            final SharedProbeJob j = job;
            if (j == null) {
                // a spurious or stale wake-up just loops; an open() between the read and the park leaves a permit
                LockSupport.park(this);
                continue;
            }
            if (!j.helpOnce()) {
                // Yield, not spin: measured (docs/BENCHMARKS.md, "Probe helper"), the woken helper was often placed
                // on the scan thread's CPU (the scheduler puts a wakee near its waker) and, spinning there, held the
                // scan thread off for a whole time slice (scan 3.1 ms instead of 0.4); a yield hands that CPU back.
                Thread.yield();
            }
        }
    }

    /** Stops and joins the thread (a block in progress is finished by the scan thread alone). */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (thread.isAlive()) {
            try {
                thread.join();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
