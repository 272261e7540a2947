package io.finality.core.pipeline;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.atomic.AtomicInteger;
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
 * producer and everything else. (Waking the stages already when a producer claims a slot was tried and
 * is worse on 2 cores: three runnable threads during the copy, the producer's copy preempted.)
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
        parked.incrementAndGet();
        try {
            while (dependentSequence.get() < sequence && cursor.get() < sequence) {
                barrier.checkAlert();
                LockSupport.parkNanos(this, maxParkNanos);
            }
        } finally {
            parked.decrementAndGet();
            waiters.set(slot, null);
        }
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
