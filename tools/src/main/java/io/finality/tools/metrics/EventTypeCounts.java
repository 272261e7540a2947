package io.finality.tools.metrics;

import io.finality.core.event.PaymentEventDecoder;
import io.finality.core.event.PaymentEventType;
import io.finality.engine.journal.EventJournal;
import io.finality.engine.journal.EventTailer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Payment events journaled by this process, by type, counted from the journal itself (the source of truth,
 * so the numbers can never disagree with what gateways read): each {@link #refresh()} tails the events
 * appended since the previous one. Nothing is added to the engine thread's work.
 *
 * <p>Thread rules: any thread. A Chronicle tailer is confined to one thread, so the tailer lives on a
 * private daemon thread ({@code finality-metrics}) and callers hand it the work. Close it before the journal.
 */
public final class EventTypeCounts implements AutoCloseable {
    private static final int POLL_DOCUMENTS = 1024;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        final Thread t = new Thread(r, "finality-metrics");
        t.setDaemon(true);
        return t;
    });
    private final long[] counts = new long[PaymentEventType.values().length];
    private final EventTailer.Handler counter = this::count;
    private final EventJournal journal;
    private final long afterIndex;
    private final long fromSequence;
    /** Created, used and closed on {@link #thread} only. */
    private EventTailer tailer;
    private boolean closed;

    /**
     * Count events from {@code fromSequence} on (the first sequence this process writes), reading only the journal
     * after index {@code afterIndex} (its last index when this process started), so a long history is never re-read.
     */
    public EventTypeCounts(final EventJournal journal, final long afterIndex, final long fromSequence) {
        this.journal = journal;
        this.afterIndex = afterIndex;
        this.fromSequence = fromSequence;
    }

    /** Read what was journaled since the last call (on the tailer's thread, waiting for it); returns this. */
    public synchronized EventTypeCounts refresh() {
        if (closed) {
            return this;
        }
        try {
            thread.submit(() -> {
                if (tailer == null) {
                    tailer = new EventTailer(journal, afterIndex, fromSequence);
                }
                while (tailer.poll(counter, POLL_DOCUMENTS) > 0) {
                    Thread.onSpinWait();
                }
            }).get();
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (final ExecutionException ex) {
            throw new IllegalStateException("cannot tail the journal for metrics: " + ex.getCause().getMessage(), ex.getCause());
        }
        return this;
    }

    /** Events of {@code type} counted so far. */
    public synchronized long count(final PaymentEventType type) {
        return counts[type.ordinal()];
    }

    private void count(final PaymentEventDecoder event) {
        // On the tailer's thread while refresh() holds the lock and waits: the caller sees every increment.
        counts[event.eventType().ordinal()]++;
    }

    /** Close the tailer and stop its thread. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.execute(() -> {
            if (tailer != null) {
                tailer.close();
            }
        });
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (final InterruptedException ex) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
