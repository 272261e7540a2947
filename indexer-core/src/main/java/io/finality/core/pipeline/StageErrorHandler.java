package io.finality.core.pipeline;

import com.lmax.disruptor.ExceptionHandler;
import io.finality.core.ring.ChainEvent;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts and logs an exception thrown by a stage for one slot, then lets the stage carry on with
 * the next slot (the Disruptor's default handler would halt the whole pipeline).
 *
 * <p>Logging is rate-limited so a poisoned input stream cannot flood the log: the first
 * {@value #LOGGED_IN_FULL} errors are logged with their stack trace, then every
 * {@value #LOG_EVERY}th with a count.
 *
 * <p>Thread rules: called on the stage's own thread.
 */
final class StageErrorHandler implements ExceptionHandler<ChainEvent> {
    static final int LOGGED_IN_FULL = 10;
    static final int LOG_EVERY = 10_000;
    private static final System.Logger LOG = System.getLogger(StageErrorHandler.class.getName());

    private final String stageName;
    private final AtomicLong errors;

    StageErrorHandler(final String stageName, final AtomicLong errors) {
        this.stageName = stageName;
        this.errors = errors;
    }

    @Override
    public void handleEventException(final Throwable ex, final long sequence, final ChainEvent event) {
        final long n = errors.incrementAndGet();
        if (n <= LOGGED_IN_FULL) {
            LOG.log(System.Logger.Level.ERROR, () -> stageName + " failed on sequence " + sequence + " ("
                + describe(event) + "); skipped it and continuing", ex);
        } else if (n % LOG_EVERY == 0) {
            LOG.log(System.Logger.Level.ERROR, stageName + " has failed " + n + " times; latest on sequence "
                + sequence + " (" + describe(event) + "): " + ex);
        }
    }

    @Override
    public void handleOnStartException(final Throwable ex) {
        LOG.log(System.Logger.Level.ERROR, stageName + " failed to start", ex);
    }

    @Override
    public void handleOnShutdownException(final Throwable ex) {
        LOG.log(System.Logger.Level.ERROR, stageName + " failed to shut down cleanly", ex);
    }

    private static String describe(final ChainEvent event) {
        return event == null ? "no event"
            : event.kind() + " " + (event.chain() == null ? "-" : event.chain().configName()) + " height " + event.height();
    }
}
