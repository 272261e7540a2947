package io.finality.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hand-off wait never loses a wake-up: its parks are made unbounded here (one minute), so a signal
 * that a parked waiter misses hangs the test instead of costing a hidden 10 ms. The signaller hands
 * over after random pauses, so the waiter is caught spinning, yielding, parking, and between them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandoffWaitStrategyTest {
    private static final long MINUTE = 60_000_000_000L;

    @Test
    void shouldWakeAParkedWaiterOnEverySignalWithoutTheParkTimeout() throws Exception {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final HandoffWaitStrategy strategy = new HandoffWaitStrategy(MINUTE);
        final Sequence cursor = new Sequence();
        final Sequence dependent = new Sequence();
        final TestBarrier barrier = new TestBarrier();
        final int handoffs = 3_000;
        final AtomicLong seen = new AtomicLong(-1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread waiter = new Thread(() -> {
            try {
                for (long s = 0; s < handoffs; s++) {
                    final long available = strategy.waitFor(s, cursor, dependent, barrier);
                    if (available < s) {
                        throw new AssertionError("returned " + available + " before " + s + " was available");
                    }
                    seen.set(s);
                }
            } catch (final Throwable t) {
                failure.set(t);
            }
        }, "handoff-waiter");
        waiter.start();
        int parkedHandoffs = 0;
        for (long s = 0; s < handoffs; s++) {
            final int pause = random.nextInt(4);
            if (pause == 1) {
                LockSupport.parkNanos(random.nextLong(1_000, HandoffWaitStrategy.YIELD_NANOS * 2));
            } else if (pause == 2) {
                // the waiter is parked: the hand-off below must wake it
                while (waiter.getState() != Thread.State.TIMED_WAITING && waiter.isAlive()) {
                    Thread.onSpinWait();
                }
                parkedHandoffs++;
            }
            dependent.setVolatile(s);
            strategy.signalAllWhenBlocking();
            while (seen.get() < s && waiter.isAlive()) {
                Thread.onSpinWait();
            }
        }
        waiter.join(10_000);
        assertEquals(null, failure.get(), "seed " + seed);
        assertEquals(handoffs - 1, seen.get(), "seed " + seed);
        assertTrue(parkedHandoffs > handoffs / 6, "seed " + seed + ": only " + parkedHandoffs + " hand-offs to a parked waiter");
    }

    @Test
    void shouldKeepYieldingWithoutParkingWhileTheSlotIsClaimedUpstream() throws Exception {
        final HandoffWaitStrategy strategy = new HandoffWaitStrategy(MINUTE);
        final Sequence cursor = new Sequence(0);
        final Sequence scanned = new Sequence();
        final AtomicLong returned = new AtomicLong(-1);
        final Thread engine = new Thread(() -> {
            try {
                returned.set(strategy.waitFor(0, cursor, scanned, new TestBarrier()));
            } catch (final AlertException ex) {
                throw new AssertionError(ex);
            }
        }, "handoff-engine");
        engine.start();
        // well past the spin and yield windows: a parked waiter would now need a signal, and none comes
        Thread.sleep(50);
        scanned.set(0);
        engine.join(10_000);
        assertEquals(0, returned.get(), "the stage waiting on a claimed slot parked and missed an unsignalled release");
    }

    @Test
    void shouldWakeOnlyTheFirstStageWhenAProducerClaimsASlot() throws Exception {
        final HandoffWaitStrategy strategy = new HandoffWaitStrategy(MINUTE);
        final Sequence cursor = new Sequence();
        final Sequence scanned = new Sequence();
        final AtomicLong scanReturned = new AtomicLong(-1);
        final AtomicLong engineReturned = new AtomicLong(-1);
        // as the Disruptor wires them: the first stage depends on the cursor itself, the second on the first
        final Thread scan = waiter("handoff-scan", () -> scanReturned.set(strategy.waitFor(0, cursor, cursor, new TestBarrier())));
        final Thread engine = waiter("handoff-engine", () -> engineReturned.set(strategy.waitFor(0, cursor, scanned, new TestBarrier())));
        awaitParked(scan);
        awaitParked(engine);
        assertEquals(0, strategy.earlyWakes());
        // a producer claims slot 0 (a multi-producer ring moves its cursor at the claim) and is still filling it
        cursor.set(0);
        strategy.wakeFirstStage();
        scan.join(10_000);
        assertEquals(0, scanReturned.get(), "the first stage must leave its (one-minute) park at the claim");
        assertEquals(1, strategy.earlyWakes());
        Thread.sleep(20);
        assertEquals(Thread.State.TIMED_WAITING, engine.getState(), "the second stage must stay parked until the scan releases");
        assertEquals(-1, engineReturned.get());
        strategy.wakeFirstStage();
        assertEquals(1, strategy.earlyWakes(), "nobody to wake: the first stage is no longer parked");
        scanned.setVolatile(0);
        strategy.signalAllWhenBlocking();
        engine.join(10_000);
        assertEquals(0, engineReturned.get());
    }

    private interface Wait {
        void run() throws AlertException;
    }

    private static Thread waiter(final String name, final Wait wait) {
        final Thread t = new Thread(() -> {
            try {
                wait.run();
            } catch (final AlertException ex) {
                throw new AssertionError(ex);
            }
        }, name);
        t.start();
        return t;
    }

    private static void awaitParked(final Thread t) {
        while (t.getState() != Thread.State.TIMED_WAITING && t.isAlive()) {
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldLeaveAParkOnAlert() throws Exception {
        final HandoffWaitStrategy strategy = new HandoffWaitStrategy(MINUTE);
        final TestBarrier barrier = new TestBarrier();
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread waiter = new Thread(() -> {
            try {
                strategy.waitFor(0, new Sequence(), new Sequence(), barrier);
            } catch (final Throwable t) {
                thrown.set(t);
            }
        });
        waiter.start();
        while (waiter.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
        barrier.alert = true;
        // as the Disruptor's ProcessingSequenceBarrier.alert() does
        strategy.signalAllWhenBlocking();
        waiter.join(10_000);
        assertEquals(AlertException.class, thrown.get() == null ? null : thrown.get().getClass());
        assertThrows(AlertException.class, barrier::checkAlert);
    }

    /** Just the alert flag: the strategy reads nothing else of its barrier. */
    private static final class TestBarrier implements SequenceBarrier {
        private volatile boolean alert;

        @Override
        public long waitFor(final long sequence) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getCursor() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isAlerted() {
            return alert;
        }

        @Override
        public void alert() {
            alert = true;
        }

        @Override
        public void clearAlert() {
            alert = false;
        }

        @Override
        public void checkAlert() throws AlertException {
            if (alert) {
                throw AlertException.INSTANCE;
            }
        }
    }
}
