package io.finality.tools.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * For the long-running offline commands (import-blk, rescan): a shutdown hook that asks the work to stop
 * between blocks on SIGTERM / Ctrl-C and then holds the JVM until the command has drained, snapshotted and
 * printed its summary (at most {@value #WAIT_SECONDS} s). Use with try-with-resources around the work.
 */
final class StopOnSignal implements AutoCloseable {
    private static final long WAIT_SECONDS = 60;

    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    StopOnSignal(final String name, final Runnable stop) {
        hook = new Thread(() -> {
            stop.run();
            try {
                done.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The work is done: a signal's hook may now let the JVM exit. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (final IllegalStateException shuttingDown) {
            // the JVM is exiting and the hook is running: it only waits for this thread, which is done
            return;
        }
    }
}
