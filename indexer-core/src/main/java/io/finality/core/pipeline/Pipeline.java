package io.finality.core.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.spi.StateEngine;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The pipeline runner: a multi-producer Disruptor ring of pre-allocated {@link ChainEvent} slots
 * and two dependent single-threaded stages.
 *
 * <pre>
 *  producers (node connections, API, timer)          any thread, via publish / tryPublish
 *        │
 *        ▼
 *  ┌───────────────── ring of ChainEvent ─────────────────┐
 *  │ stage 1: ScanStage   (thread "finality-scan")         │  scan + match; sole writer of the index
 *  │        │ sequence barrier                             │
 *  │ stage 2: StateEngine (thread "finality-engine")       │  payment state, journal
 *  └───────────────────────────────────────────────────────┘
 * </pre>
 *
 * <p>With {@link PipelineContext#fusedStages()} one thread ("finality-stages") runs both: it scans a slot, then applies
 * it. The order of work per slot and the engine's single writer are the same; the hand-off between two threads is gone.
 *
 * <p>Backpressure: {@link #publish} waits (parking briefly) while the ring is full and
 * {@link #tryPublish} reports {@link #BACK_PRESSURED}; neither drops anything silently. A stage
 * that throws on a slot is counted and logged and goes on with the next slot.
 *
 * <p>{@link #close()} refuses new publications, waits for every published slot to pass both
 * stages, then stops the threads.
 */
public final class Pipeline implements EventPublisher, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Pipeline.class.getName());
    private static final long FULL_RING_PARK_NANOS = 10_000;

    private final PipelineContext context;
    private final Disruptor<ChainEvent> disruptor;
    private final PipelineCounters counters = new PipelineCounters();
    private final ScanStage scanStage;
    private final StateEngine engine;
    private final CountDownLatch stagesRunning;
    private final WaitStrategy waitStrategy;
    /** The wait strategy when it is the hand-off one (the producer wakes the scan stage at its claim), else null. */
    private final HandoffWaitStrategy handoff;
    private volatile RingBuffer<ChainEvent> ring;
    private volatile boolean closed;

    public Pipeline(final PipelineContext context, final ScanStage scanStage, final StateEngine engine) {
        this.context = context.conclude();
        this.scanStage = scanStage;
        this.engine = engine;
        final int initialPayload = context.initialPayloadBytes();
        final int maxPayload = context.maxPayloadBytes();
        final int initialMatches = context.initialMatches();
        waitStrategy = waitStrategy(context.waitStrategy());
        handoff = waitStrategy instanceof HandoffWaitStrategy h ? h : null;
        final boolean fused = this.context.fusedStages();
        stagesRunning = new CountDownLatch(fused ? 1 : 2);
        disruptor = new Disruptor<>(
            () -> new ChainEvent(initialPayload, maxPayload, initialMatches),
            context.ringSize(),
            namedThreads(fused),
            ProducerType.MULTI,
            waitStrategy);

        final StageErrorHandler scanErrors = new StageErrorHandler("scan stage", counters.scanErrors);
        final StageErrorHandler engineErrors = new StageErrorHandler("state engine", counters.engineErrors);
        if (fused) {
            final EventHandler<ChainEvent> both = new StageHandler(Stage.BOTH, scanErrors);
            disruptor.handleEventsWith(both);
            disruptor.handleExceptionsFor(both).with(engineErrors);
        } else {
            final EventHandler<ChainEvent> scan = new StageHandler(Stage.SCAN, scanErrors);
            final EventHandler<ChainEvent> apply = new StageHandler(Stage.APPLY, engineErrors);
            disruptor.handleEventsWith(scan).then(apply);
            disruptor.handleExceptionsFor(scan).with(scanErrors);
            disruptor.handleExceptionsFor(apply).with(engineErrors);
        }
    }

    /**
     * Start the stage threads and wait until both run; publications are accepted afterwards.
     * (The Disruptor treats a processor that has not yet started as having no backlog, so a
     * {@link #close()} racing a slow thread start would otherwise skip the drain.)
     */
    public Pipeline start() {
        final RingBuffer<ChainEvent> started = disruptor.start();
        try {
            if (!stagesRunning.await(context.shutdownTimeoutMs() + 10_000, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("pipeline stage threads did not start");
            }
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the pipeline", ex);
        }
        ring = started;
        return this;
    }

    public PipelineContext context() {
        return context;
    }

    public PipelineCounters counters() {
        return counters;
    }

    /** Slots published but not yet through stage 2 (ring lag). */
    public long backlog() {
        final RingBuffer<ChainEvent> r = ring;
        return r == null ? 0 : r.getBufferSize() - r.remainingCapacity();
    }

    @Override
    public <A> int publish(
        final EventKind kind, final ChainId chain, final int payloadLength, final SlotFiller<A> filler, final A arg) {
        return publish0(kind, chain, payloadLength, filler, arg, true);
    }

    @Override
    public <A> int tryPublish(
        final EventKind kind, final ChainId chain, final int payloadLength, final SlotFiller<A> filler, final A arg) {
        return publish0(kind, chain, payloadLength, filler, arg, false);
    }

    private <A> int publish0(
        final EventKind kind,
        final ChainId chain,
        final int payloadLength,
        final SlotFiller<A> filler,
        final A arg,
        final boolean wait) {
        final RingBuffer<ChainEvent> r = ring;
        if (closed || r == null) {
            return CLOSED;
        }
        if (payloadLength < 0 || payloadLength > context.maxPayloadBytes()) {
            counters.payloadTooLarge.incrementAndGet();
            return PAYLOAD_TOO_LARGE;
        }
        long sequence;
        while (true) {
            try {
                sequence = r.tryNext();
                if (handoff != null) {
                    // the scan thread's wake-up overlaps the fill below instead of following the publication
                    handoff.wakeFirstStage();
                }
                break;
            } catch (final InsufficientCapacityException ex) {
                counters.backPressured.incrementAndGet();
                if (!wait) {
                    return BACK_PRESSURED;
                }
                if (closed) {
                    return CLOSED;
                }
                LockSupport.parkNanos(FULL_RING_PARK_NANOS);
            }
        }
        int result = PUBLISHED;
        try {
            final ChainEvent slot = r.get(sequence).reset(kind, chain);
            if (!filler.fill(slot, arg)) {
                slot.discarded(true);
                counters.discarded.incrementAndGet();
                result = DISCARDED;
            } else if (slot.publishNanos() == 0) {
                // Detection latency starts here unless the producer stamped an earlier receive time.
                slot.publishNanos(System.nanoTime());
            }
        } catch (final RuntimeException ex) {
            // The slot is claimed and must be published, or the ring would stall forever.
            r.get(sequence).discarded(true);
            counters.discarded.incrementAndGet();
            r.publish(sequence);
            counters.published.incrementAndGet();
            throw ex;
        }
        r.publish(sequence);
        counters.published.incrementAndGet();
        return result;
    }

    private void onScan(final ChainEvent event, final long sequence, final boolean endOfBatch) {
        try {
            if (!event.discarded()) {
                scanStage.onScan(event, sequence, endOfBatch);
            }
        } finally {
            counters.scanned.lazySet(sequence + 1);
        }
    }

    private void onApply(final ChainEvent event, final long sequence, final boolean endOfBatch) {
        try {
            if (!event.discarded()) {
                engine.onStep(event, sequence, endOfBatch);
            }
        } finally {
            counters.applied.lazySet(sequence + 1);
        }
    }

    /**
     * Refuse further publications, drain what is in the ring through both stages and stop.
     * Waits at most {@link PipelineContext#shutdownTimeoutMs()}, then halts with a logged warning.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ring == null) {
            return;
        }
        try {
            disruptor.shutdown(context.shutdownTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (final TimeoutException ex) {
            LOG.log(System.Logger.Level.WARNING, "pipeline did not drain within " + context.shutdownTimeoutMs()
                + " ms; halting with " + backlog() + " slots unprocessed");
            disruptor.halt();
        }
    }

    /** What a stage thread does with each slot. */
    private enum Stage {
        SCAN, APPLY,
        /** Scan, then apply: {@link PipelineContext#fusedStages()}. */
        BOTH
    }

    /**
     * Binds a stage to the Disruptor once, so dispatch never allocates, and reports its start. With the
     * {@link HandoffWaitStrategy} the scan stage releases each slot as soon as it is scanned and wakes the
     * engine thread, which parks while it waits for the scan instead of spinning through it.
     */
    private final class StageHandler implements EventHandler<ChainEvent> {
        private final Stage stage;
        private final boolean releaseEarly;
        /** Where a fused stage reports a failed scan, which must not skip the slot's apply; the split stages' own. */
        private final StageErrorHandler scanErrors;
        private Sequence sequence;

        StageHandler(final Stage stage, final StageErrorHandler scanErrors) {
            this.stage = stage;
            this.releaseEarly = stage == Stage.SCAN && handoff != null;
            this.scanErrors = scanErrors;
        }

        @Override
        public void setSequenceCallback(final Sequence sequenceCallback) {
            sequence = sequenceCallback;
        }

        @Override
        public void onStart() {
            if (stage != Stage.APPLY && context.scanCpu() >= 0) {
                pinScanThread(context.scanCpu(), context.threadAffinity());
            }
            stagesRunning.countDown();
        }

        @Override
        public void onEvent(final ChainEvent event, final long sequence, final boolean endOfBatch) {
            switch (stage) {
                case SCAN -> {
                    onScan(event, sequence, endOfBatch);
                    if (releaseEarly) {
                        // a full fence before the wait strategy reads whether the engine thread parked
                        this.sequence.setVolatile(sequence);
                        waitStrategy.signalAllWhenBlocking();
                    }
                }
                case APPLY -> onApply(event, sequence, endOfBatch);
                case BOTH -> scanThenApply(event, sequence, endOfBatch);
                default -> throw new IllegalStateException(stage.name());
            }
        }

        /** As the split stages do: a scan that fails is counted and logged, and the slot is still applied. */
        private void scanThenApply(final ChainEvent event, final long sequence, final boolean endOfBatch) {
            try {
                onScan(event, sequence, endOfBatch);
            } catch (final Throwable ex) {
                scanErrors.handleEventException(ex, sequence, event);
            }
            onApply(event, sequence, endOfBatch);
        }
    }

    private static WaitStrategy waitStrategy(final PipelineContext.WaitStrategyKind kind) {
        return switch (kind) {
            case BLOCKING -> new BlockingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            case SLEEPING -> new SleepingWaitStrategy();
            case BUSY_SPIN -> new BusySpinWaitStrategy();
            case HANDOFF -> new HandoffWaitStrategy();
        };
    }

    /** Pin the scan thread as configured (without an affinity implementation, say so and run unpinned). */
    private static void pinScanThread(final int cpu, final ThreadAffinity affinity) {
        if (affinity == null) {
            LOG.log(System.Logger.Level.WARNING, "scan_cpu " + cpu
                + " is set but no thread affinity is available; the scan thread is unpinned");
        } else {
            affinity.pinOrWarn(cpu, "scan thread", LOG);
        }
    }

    private static ThreadFactory namedThreads(final boolean fused) {
        final String[] names = fused ? new String[] {"finality-stages"} : new String[] {"finality-scan", "finality-engine"};
        final AtomicInteger next = new AtomicInteger();
        return runnable -> {
            final int i = next.getAndIncrement();
            final Thread t = new Thread(runnable, i < names.length ? names[i] : "finality-stage-" + i);
            t.setDaemon(true);
            return t;
        };
    }
}
