package io.finality.core.pipeline;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@link PipelineContext.WaitStrategyKind#HANDOFF} wait: spin for {@value #SPIN_NANOS} ns, yield until
 * {@value #YIELD_NANOS} ns, then park until signalled, but only while the ring holds no slot for this stage:
 * a stage whose next slot is already claimed upstream (the producer is copying it in, or stage 1 is
 * scanning it) yields instead, since that slot is due within a block's scan time.
 *
 * <p>So an idle pipeline costs no CPU, and while a block passes through, only the threads that have
 * or are about to get work are runnable: the producer's publication wakes stage 1 (and stage 2, which
 * then yields through the scan instead of parking again and waiting to be woken after it); stage 1
 * releases each slot as soon as it is scanned and signals, which wakes stage 2 if it did park. The
 * Disruptor's {@code BlockingWaitStrategy} instead makes stage 2 spin through stage 1, and the
 * yielding one keeps both stage threads runnable all the time, competing on a 2-core machine with the
 * producer and everything else. A producer that claims a slot wakes the first stage only ({@link #wakeFirstStage}),
 * so that the scan thread's wake-up (~40-80 µs of futex, scheduler and an idle vCPU) overlaps the producer's copy
 * into the slot instead of following it; until the slot is published the stage yields (see {@link #waitFor}), which
 * matters when the scheduler has placed it on the producer's CPU (it puts a wakee near its waker): spinning there
 * preempted the copy by milliseconds. (Waking both stages at the claim was tried and is worse on 2 cores: three
 * runnable threads during the copy.)
 *
 * <p>No lost wake-up: a waiter announces itself ({@link #parked}, a full fence) before it re-reads the
 * sequences it waits for, and every signaller advances its sequence with a full fence (the producer's
 * claim CAS on the cursor, before it publishes and signals; the scan stage's {@code setVolatile}) before
 * it reads {@link #parked}, so one of the two
 * always sees the other. Parks are still bounded ({@value #MAX_PARK_NANOS} ns) so that a path which
 * advances a sequence without signalling costs at most that, never a hang.
 *
 * <p>Thread rules: {@link #waitFor} from the stage threads (at most {@value #MAX_WAITERS} at once);
 * {@link #signalAllWhenBlocking} from any thread. Allocation-free.
 */
final class HandoffWaitStrategy implements WaitStrategy {
    /** Spin this long first: a slot published right after the last one is taken without a system call. */
    static final long SPIN_NANOS = 20_000;
    /** Then yield until this long: a busy machine gets the core back, a replay's stage still rarely parks. */
    static final long YIELD_NANOS = 100_000;
    static final long MAX_PARK_NANOS = 10_000_000;
    static final int MAX_WAITERS = 8;
    private static final int SPINS_BEFORE_CLOCK = 64;

    private final AtomicReferenceArray<Thread> waiters = new AtomicReferenceArray<>(MAX_WAITERS);
    private final AtomicInteger parked = new AtomicInteger();
    /** The first stage's thread while it parks: the one whose barrier waits on the ring's cursor itself. */
    private volatile Thread firstStage;
    /** The sequence the first stage asked for last; written and read by that thread only. */
    private long firstStageAsked = -1;
    private final AtomicLong earlyWakes = new AtomicLong();
    private final long maxParkNanos;

    HandoffWaitStrategy() {
        this(MAX_PARK_NANOS);
    }

    /** With another bound on one park: tests make it huge, so that a lost wake-up hangs instead of hiding. */
    HandoffWaitStrategy(final long maxParkNanos) {
        this.maxParkNanos = maxParkNanos;
    }

    @Override
    public long waitFor(
        final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
        throws AlertException {
        if (dependentSequence == cursor) {
            // The first stage (the Disruptor hands it the cursor itself as its dependency). Asked again for the same
            // slot: the cursor had passed it, but the barrier found it unpublished, so a producer is still filling it.
            // Yield instead of spinning, in case this thread shares the producer's CPU.
            if (sequence == firstStageAsked) {
                Thread.yield();
            }
            firstStageAsked = sequence;
        }
        long available;
        int spins = 0;
        long start = 0;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            if (spins < SPINS_BEFORE_CLOCK) {
                spins++;
                Thread.onSpinWait();
                continue;
            }
            final long now = System.nanoTime();
            if (start == 0) {
                start = now;
            }
            final long waited = now - start;
            if (waited < SPIN_NANOS) {
                Thread.onSpinWait();
            } else if (waited < YIELD_NANOS || cursor.get() >= sequence) {
                // a producer has claimed our slot: it is on its way through the stage before us
                Thread.yield();
            } else {
                park(sequence, cursor, dependentSequence, barrier);
            }
        }
        return available;
    }

    private void park(final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
        throws AlertException {
        final Thread self = Thread.currentThread();
        int slot = -1;
        for (int i = 0; i < MAX_WAITERS && slot < 0; i++) {
            if (waiters.compareAndSet(i, null, self)) {
                slot = i;
            }
        }
        if (slot < 0) {
            // more waiters than slots (not a pipeline of two stages): poll instead of sleeping unseen
            LockSupport.parkNanos(YIELD_NANOS);
            return;
        }
        final boolean first = dependentSequence == cursor;
        parked.incrementAndGet();
        if (first) {
            firstStage = self;
        }
        try {
            while (dependentSequence.get() < sequence && cursor.get() < sequence) {
                barrier.checkAlert();
                LockSupport.parkNanos(this, maxParkNanos);
            }
        } finally {
            if (first) {
                firstStage = null;
            }
            parked.decrementAndGet();
            waiters.set(slot, null);
        }
    }

    /**
     * A producer has claimed a slot (the cursor of a multi-producer ring has moved past it): wake the first stage if
     * it is parked, so that it is on a CPU by the time the slot is published. It finds the cursor past its sequence,
     * leaves its park and yields until the publication. Any thread; allocation-free.
     */
    void wakeFirstStage() {
        final Thread stage = firstStage;
        if (stage != null) {
            earlyWakes.incrementAndGet();
            LockSupport.unpark(stage);
        }
    }

    /** How often {@link #wakeFirstStage} found the first stage parked and woke it. */
    long earlyWakes() {
        return earlyWakes.get();
    }

    @Override
    public void signalAllWhenBlocking() {
        if (parked.get() == 0) {
            return;
        }
        for (int i = 0; i < MAX_WAITERS; i++) {
            final Thread t = waiters.get(i);
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }
}
