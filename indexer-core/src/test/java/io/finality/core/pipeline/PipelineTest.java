package io.finality.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.spi.StateEngine;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PipelineTest {
    /** Payload of a test event: producer id (int) and that producer's counter (long). */
    private static final SlotFiller<long[]> COUNTER_FILLER = (slot, arg) -> {
        final UnsafeBuffer tmp = new UnsafeBuffer(new byte[12]);
        tmp.putInt(0, (int)arg[0]);
        tmp.putLong(4, arg[1]);
        return slot.payload(tmp, 0, 12);
    };

    private final List<Pipeline> pipelines = new ArrayList<>();

    @AfterEach
    void closePipelines() {
        pipelines.forEach(Pipeline::close);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("finality-") && t.isAlive()) {
                try {
                    t.join(5_000);
                } catch (final InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                assertFalse(t.isAlive(), "stage thread leaked: " + t.getName());
            }
        }
    }

    private Pipeline pipeline(final int ringSize, final ScanStage scan, final StateEngine engine) {
        return pipeline(ringSize, false, scan, engine);
    }

    /** {@code fused}: one thread for both stages ({@link PipelineContext#fusedStages}), which keeps the same contract. */
    private Pipeline pipeline(final int ringSize, final boolean fused, final ScanStage scan, final StateEngine engine) {
        final Pipeline p = new Pipeline(new PipelineContext().ringSize(ringSize).maxPayloadBytes(4096)
            .initialPayloadBytes(64).memoryBudgetBytes(64L * 1024 * 1024).fusedStages(fused), scan, engine).start();
        pipelines.add(p);
        return p;
    }

    @Test
    void shouldDeliverAMillionEventsFromTwoProducersThroughBothStagesInOrder() throws Exception {
        final int perProducer = 500_000;
        final long[] lastSeenByProducer = {-1, -1};
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();
        final AtomicLong notScanned = new AtomicLong();
        final CountDownLatch done = new CountDownLatch(1);

        // Stage 1 marks each slot; stage 2 checks the mark, per-producer order and the count.
        final ScanStage scan = (event, seq, end) -> event.scanResult(0, 7);
        final StateEngine engine = (event, seq, end) -> {
            if (event.scanErrorOffset() != 7) {
                notScanned.incrementAndGet();
            }
            final int producer = event.payloadBuffer().getInt(0);
            final long counter = event.payloadBuffer().getLong(4);
            if (counter != lastSeenByProducer[producer] + 1) {
                outOfOrder.incrementAndGet();
            }
            lastSeenByProducer[producer] = counter;
            if (delivered.incrementAndGet() == 2L * perProducer) {
                done.countDown();
            }
        };
        final Pipeline p = pipeline(1024, scan, engine);

        final Thread[] producers = new Thread[2];
        for (int id = 0; id < 2; id++) {
            final int producerId = id;
            producers[id] = new Thread(() -> {
                final long[] arg = new long[2];
                arg[0] = producerId;
                for (long i = 0; i < perProducer; i++) {
                    arg[1] = i;
                    final int result = p.publish(EventKind.MEMPOOL_TX, ChainId.BITCOIN_REGTEST, 12, COUNTER_FILLER, arg);
                    if (result != EventPublisher.PUBLISHED) {
                        throw new AssertionError("publish failed: " + EventPublisher.describe(result));
                    }
                }
            }, "producer-" + id);
            producers[id].start();
        }
        for (Thread t : producers) {
            t.join();
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "only " + delivered.get() + " events delivered");
        assertEquals(2L * perProducer, delivered.get());
        assertEquals(0, outOfOrder.get(), "events out of order per producer");
        assertEquals(0, notScanned.get(), "stage 2 saw a slot before stage 1 finished it");
        assertEquals(perProducer - 1, lastSeenByProducer[0]);
        assertEquals(perProducer - 1, lastSeenByProducer[1]);
        assertEquals(2L * perProducer, p.counters().published());
    }

    /** Split (the scan thread releases each slot early to the engine thread) and fused (one thread runs both). */
    @ParameterizedTest(name = "{0}, fused stages: {1}")
    @CsvSource({"HANDOFF, false", "HANDOFF, true", "BLOCKING, true", "YIELDING, true"})
    void shouldHandEverySlotFromScanToEngineInOrderAcrossPauses(final PipelineContext.WaitStrategyKind wait,
        final boolean fused) throws Exception {
        final long seed = System.nanoTime();
        final int perProducer = 100_000;
        final long[] lastSeenByProducer = {-1, -1};
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();
        final AtomicLong notScanned = new AtomicLong();
        final AtomicLong wrongThread = new AtomicLong();
        final Thread[] scanThread = new Thread[1];
        final CountDownLatch done = new CountDownLatch(1);
        // Stage 1 marks each slot only at the end of a little work: the engine, woken by the early release,
        // must never see a slot before that.
        final ScanStage scan = (event, seq, end) -> {
            scanThread[0] = Thread.currentThread();
            event.scanResult(0, 0);
            if ((seq & 63) == 0) {
                LockSupport.parkNanos(20_000);
            }
            event.scanResult(0, 7);
        };
        final StateEngine engine = (event, seq, end) -> {
            if (event.scanErrorOffset() != 7) {
                notScanned.incrementAndGet();
            }
            if ((Thread.currentThread() == scanThread[0]) != fused) {
                wrongThread.incrementAndGet();
            }
            final int producer = event.payloadBuffer().getInt(0);
            final long counter = event.payloadBuffer().getLong(4);
            if (counter != lastSeenByProducer[producer] + 1) {
                outOfOrder.incrementAndGet();
            }
            lastSeenByProducer[producer] = counter;
            if (delivered.incrementAndGet() == 2L * perProducer) {
                done.countDown();
            }
        };
        final Pipeline p = new Pipeline(new PipelineContext().ringSize(256).maxPayloadBytes(4096).initialPayloadBytes(64)
            .memoryBudgetBytes(64L * 1024 * 1024).waitStrategy(wait).fusedStages(fused), scan, engine).start();
        pipelines.add(p);
        final Thread[] producers = new Thread[2];
        for (int id = 0; id < 2; id++) {
            final int producerId = id;
            final SplittableRandom random = new SplittableRandom(seed + id);
            producers[id] = new Thread(() -> {
                final long[] arg = {producerId, 0};
                for (long i = 0; i < perProducer; i++) {
                    arg[1] = i;
                    if (random.nextInt(2_000) == 0) {
                        // long enough for both stages to park
                        LockSupport.parkNanos(random.nextLong(100_000, 2_000_000));
                    }
                    if (p.publish(EventKind.MEMPOOL_TX, ChainId.BITCOIN_REGTEST, 12, COUNTER_FILLER, arg) != EventPublisher.PUBLISHED) {
                        throw new AssertionError("publish failed");
                    }
                }
            }, "producer-" + id);
            producers[id].start();
        }
        for (Thread t : producers) {
            t.join();
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "seed " + seed + ": only " + delivered.get() + " events delivered");
        assertEquals(0, outOfOrder.get(), "seed " + seed + ": events out of order per producer");
        assertEquals(0, notScanned.get(), "seed " + seed + ": stage 2 saw a slot before stage 1 finished it");
        assertEquals(0, wrongThread.get(), fused ? "the engine ran on another thread than the scan"
            : "the engine ran on the scan's thread");
        assertEquals(fused ? "finality-stages" : "finality-scan", scanThread[0].getName());
        assertEquals(perProducer - 1, lastSeenByProducer[0], "seed " + seed);
        assertEquals(perProducer - 1, lastSeenByProducer[1], "seed " + seed);
    }

    /** Fused, the one stage thread is the one pinned. */
    @ParameterizedTest(name = "fused stages: {0}")
    @ValueSource(booleans = {false, true})
    void shouldPinTheScanThreadThroughTheAffinityAsItStartsAndRunOnWhenPinningFails(final boolean fused) throws Exception {
        final List<String> pinned = new java.util.concurrent.CopyOnWriteArrayList<>();
        final ThreadAffinity recording = cpu -> pinned.add(Thread.currentThread().getName() + "@" + cpu);
        final CountDownLatch scanned = new CountDownLatch(1);
        final Pipeline p = new Pipeline(new PipelineContext().ringSize(8).maxPayloadBytes(4096).initialPayloadBytes(64)
            .memoryBudgetBytes(64L * 1024 * 1024).fusedStages(fused).scanCpu(0).threadAffinity(recording),
            (event, seq, end) -> scanned.countDown(), (event, seq, end) -> { }).start();
        pipelines.add(p);
        assertEquals(List.of((fused ? "finality-stages" : "finality-scan") + "@0"), pinned,
            "only the scan thread, once, before the pipeline accepts events");

        final ThreadAffinity refusing = cpu -> {
            throw new IllegalStateException("refused");
        };
        final Pipeline q = new Pipeline(new PipelineContext().ringSize(8).maxPayloadBytes(4096).initialPayloadBytes(64)
            .memoryBudgetBytes(64L * 1024 * 1024).fusedStages(fused).scanCpu(0).threadAffinity(refusing),
            (event, seq, end) -> scanned.countDown(), (event, seq, end) -> { }).start();
        pipelines.add(q);
        assertEquals(EventPublisher.PUBLISHED,
            q.publish(EventKind.MEMPOOL_TX, ChainId.BITCOIN_REGTEST, 12, COUNTER_FILLER, new long[] {0, 1}));
        assertTrue(scanned.await(10, TimeUnit.SECONDS), "a scan thread that could not be pinned still scans");
    }

    @ParameterizedTest(name = "fused stages: {0}")
    @ValueSource(booleans = {false, true})
    void shouldKeepRunningAfterAStageThrowsOnOneEvent(final boolean fused) throws Exception {
        final List<Long> applied = new ArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        final ScanStage scan = (event, seq, end) -> {
            if (event.payloadBuffer().getLong(4) == 3) {
                throw new IllegalStateException("poisoned input at counter 3");
            }
        };
        final StateEngine engine = (event, seq, end) -> {
            final long counter = event.payloadBuffer().getLong(4);
            if (counter == 5) {
                throw new IllegalStateException("engine bug at counter 5");
            }
            applied.add(counter);
            if (counter == 9) {
                done.countDown();
            }
        };
        final Pipeline p = pipeline(8, fused, scan, engine);
        final long[] arg = new long[2];
        for (long i = 0; i < 10; i++) {
            arg[1] = i;
            assertEquals(EventPublisher.PUBLISHED, p.publish(EventKind.MEMPOOL_TX, ChainId.BITCOIN_REGTEST, 12, COUNTER_FILLER, arg));
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        // Slot 3 failed in stage 1 but still reaches stage 2 (the engine decides what a failed scan means);
        // slot 5 failed in stage 2 and is the only one missing.
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 6L, 7L, 8L, 9L), applied);
        assertEquals(1, p.counters().scanErrors());
        assertEquals(1, p.counters().engineErrors());
    }

    @Test
    void shouldReportBackPressureWhenTheRingIsFullAndNeverDrop() throws Exception {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicLong applied = new AtomicLong();
        final ScanStage scan = (event, seq, end) -> {
            try {
                release.await();
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        };
        final Pipeline p = pipeline(4, scan, (event, seq, end) -> applied.incrementAndGet());
        final long[] arg = new long[2];
        int published = 0;
        int refused = 0;
        for (int i = 0; i < 10; i++) {
            arg[1] = i;
            final int r = p.tryPublish(EventKind.MEMPOOL_TX, ChainId.BITCOIN_REGTEST, 12, COUNTER_FILLER, arg);
            if (r == EventPublisher.PUBLISHED) {
                published++;
            } else {
                assertEquals(EventPublisher.BACK_PRESSURED, r);
                refused++;
            }
        }
        assertEquals(4, published, "a ring of 4 takes exactly 4 slots while stage 1 is stalled");
        assertEquals(6, refused);
        assertTrue(p.counters().backPressured() >= 6);
        release.countDown();
        p.close();
        assertEquals(4, applied.get(), "everything published before close went through");
    }

    @Test
    void shouldRefuseOversizedPayloadsBeforeClaimingASlot() {
        final AtomicLong applied = new AtomicLong();
        final Pipeline p = pipeline(8, (event, seq, end) -> { }, (event, seq, end) -> applied.incrementAndGet());
        final int r = p.publish(EventKind.BLOCK_CONNECTED, ChainId.BITCOIN_MAINNET, 4097, (slot, arg) -> true, null);
        assertEquals(EventPublisher.PAYLOAD_TOO_LARGE, r);
        assertEquals(1, p.counters().payloadTooLarge());
        assertEquals(0, p.counters().published());
    }

    @Test
    void shouldSkipDiscardedSlotsInBothStages() {
        final AtomicLong scanned = new AtomicLong();
        final AtomicLong applied = new AtomicLong();
        final Pipeline p = pipeline(8, (event, seq, end) -> scanned.incrementAndGet(),
            (event, seq, end) -> applied.incrementAndGet());
        assertEquals(EventPublisher.DISCARDED, p.publish(EventKind.TICK, ChainId.BITCOIN_MAINNET, 0, (slot, arg) -> false, null));
        assertEquals(EventPublisher.PUBLISHED, p.publish(EventKind.TICK, ChainId.BITCOIN_MAINNET, 0, (slot, arg) -> true, null));
        p.close();
        assertEquals(1, scanned.get());
        assertEquals(1, applied.get());
        assertEquals(1, p.counters().discarded());
    }

    @Test
    void shouldPublishAClaimedSlotAsDiscardedWhenTheFillerThrows() {
        final AtomicLong applied = new AtomicLong();
        final Pipeline p = pipeline(4, (event, seq, end) -> { }, (event, seq, end) -> applied.incrementAndGet());
        final SlotFiller<Object> broken = (slot, arg) -> {
            throw new IllegalStateException("producer bug");
        };
        assertThrows(IllegalStateException.class, () -> p.publish(EventKind.TICK, ChainId.BITCOIN_MAINNET, 0, broken, null));
        // The ring must not stall: four more publications fit and pass through.
        for (int i = 0; i < 4; i++) {
            assertEquals(EventPublisher.PUBLISHED, p.publish(EventKind.TICK, ChainId.BITCOIN_MAINNET, 0, (slot, arg) -> true, null));
        }
        p.close();
        assertEquals(4, applied.get());
    }

    @ParameterizedTest(name = "fused stages: {0}")
    @ValueSource(booleans = {false, true})
    void shouldDrainOnCloseAndRefusePublicationsAfterwards(final boolean fused) {
        final AtomicLong applied = new AtomicLong();
        final Pipeline p = pipeline(64, fused, (event, seq, end) -> { }, (event, seq, end) -> {
            LockSupportSleep.micros(50);
            applied.incrementAndGet();
        });
        final long[] arg = new long[2];
        for (int i = 0; i < 1_000; i++) {
            arg[1] = i;
            p.publish(EventKind.MEMPOOL_TX, ChainId.BITCOIN_REGTEST, 12, COUNTER_FILLER, arg);
        }
        p.close();
        assertEquals(1_000, applied.get());
        assertEquals(EventPublisher.CLOSED, p.publish(EventKind.TICK, ChainId.BITCOIN_MAINNET, 0, (slot, a) -> true, null));
    }

    @Test
    void shouldNotAllocateWhenPublishingInSteadyState() {
        final Pipeline p = pipeline(1024, (event, seq, end) -> { }, (event, seq, end) -> { });
        final UnsafeBuffer source = new UnsafeBuffer(new byte[256]);
        final SlotFiller<UnsafeBuffer> filler = (slot, src) -> slot.payload(src, 0, 256);
        for (int i = 0; i < 200_000; i++) {
            p.publish(EventKind.MEMPOOL_TX, ChainId.BITCOIN_REGTEST, 256, filler, source);
        }
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            p.publish(EventKind.MEMPOOL_TX, ChainId.BITCOIN_REGTEST, 256, filler, source);
        }
        final long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, "publishing 100,000 events allocated " + allocated + " bytes on the producer thread");
    }

    @Test
    void shouldRejectARingWhoseWorstCaseExceedsTheMemoryBudget() {
        final PipelineContext ctx = new PipelineContext().ringSize(256).maxPayloadBytes(4 * 1024 * 1024)
            .memoryBudgetBytes(512L * 1024 * 1024);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, ctx::conclude);
        assertTrue(ex.getMessage().startsWith("memory_budget_bytes"), ex.getMessage());
        assertEquals(1L << 30, ctx.memoryBudgetBytes(1L << 30).conclude().worstCaseRingBytes());
    }

    @Test
    void shouldKeepSlotPayloadsWithinTheirMaximum() {
        final ChainEvent slot = new ChainEvent(16, 1024, 4);
        final byte[] big = new byte[1025];
        assertFalse(slot.payload(big, 0, big.length));
        assertEquals(0, slot.payloadLength());
        assertTrue(slot.payload(big, 0, 1024));
        assertEquals(1024, slot.payloadLength());
        assertFalse(slot.reservePayload(1 << 30), "a lying length must not allocate its size");
        assertTrue(slot.payloadCapacity() <= 2048);
    }

    /** Busy-wait helper so the slow stage does not depend on timer granularity. */
    private static final class LockSupportSleep {
        static void micros(final long micros) {
            final long end = System.nanoTime() + micros * 1000;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }
    }
}
