package io.finality.bench.pipeline;

import io.finality.bench.bitcoin.BitcoinBlocks;
import io.finality.bitcoin.scan.BitcoinBlockScanner;
import io.finality.bitcoin.scan.ProbeHelper;
import io.finality.bitcoin.scan.BlockFlyweight;
import io.finality.bitcoin.scan.OutpointWatch;
import io.finality.bitcoin.scan.TransactionFlyweight;
import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import io.finality.core.pipeline.EventPublisher;
import io.finality.core.pipeline.MatchingScanStage;
import io.finality.core.pipeline.Pipeline;
import io.finality.core.pipeline.PipelineContext;
import io.finality.core.pipeline.ScanStage;
import io.finality.core.pipeline.SlotFiller;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.spi.StateEngine;
import io.finality.engine.command.InvoiceCommandCodec;
import io.finality.engine.command.InvoiceWatchCommands;
import io.finality.engine.journal.FileSnapshotStore;
import io.finality.engine.journal.JournalContext;
import io.finality.engine.journal.JournaledStateEngine;
import io.finality.engine.model.InvoiceSpec;
import io.finality.engine.policy.PolicyBook;
import io.finality.matcher.index.WatchKeyIndex;
import io.finality.matcher.index.WatchKeyIndexContext;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Context;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionOutput;

/**
 * Question: how fast does the whole pipeline replay real blocks, and how long from a block's
 * publication to its events being in the journal?
 *
 * <p>One process, as in production: real mainnet blocks (the 16 of 300 kB or more in
 * {@code shared/data}) published into the Disruptor ring as a node connection would (one copy
 * into the slot), 1,000,000 open invoices (every 499th real output script of the blocks, the rest
 * random scripts), stage 1 scanning and matching with the off-heap matcher and the outpoint
 * watch, stage 2 applying the state engine and appending one Chronicle document per block.
 * Beside it, in the same run, bitcoinj merely finding the payments in the same blocks (parse,
 * look every output script up in a {@code HashSet}, txid of matches): the peer line.
 *
 * <ul>
 *   <li><b>replay</b>: publish as fast as the ring takes them for the measurement time; MB/s and
 *   blocks/s through stage 2, and the bytes the two stage threads allocated per block;</li>
 *   <li><b>latency</b>: 1 MB-class blocks at a fixed rate; publish-to-journal latency per block
 *   from the <em>intended</em> send time (corrected for coordinated omission) into an HdrHistogram;</li>
 *   <li>GC collections and pause time during each phase.</li>
 * </ul>
 * The latency phase's baseline is its floor ({@code -Dfinality.bench.floor=true}, {@link FloorStages}): the same run
 * with scan and engine replaced by one read of each block.
 *
 * <p>Run: {@code java <flags> -cp benchmarks/target/benchmarks.jar io.finality.bench.pipeline.PipelineReplayHarness
 * [seconds [wait [latency]]]} with the flags of docs/BENCHMARKS.md, where {@code wait} is a
 * {@link PipelineContext.WaitStrategyKind} (default yielding) and {@code latency} skips the bitcoinj line and
 * the replay phase. The latency phase also prints what the slow blocks' latency is made of ({@link PhaseTrace}).
 * With {@code -XX:-UseTLAB} the replay attributes every stage-thread allocation to its stack ({@link AllocationStacks}).
 */
public final class PipelineReplayHarness {
    private static final ChainId CHAIN = ChainId.BITCOIN_MAINNET;
    private static final int INVOICES = 1_000_000;
    private static final int REAL_STRIDE = 499;
    private static final int LATENCY_BLOCKS_PER_SECOND = 100;
    private static final int LATENCY_WARMUP_SECONDS = 5;
    /**
     * The paced producer parks until this long before a block's intended send time, then spins
     * ({@code -Dfinality.bench.spinUs}, default 1,000): a parked thread on this VM wakes 50-200 µs after its timer
     * (the kernel's 50 µs timer slack, then the halted vCPU's wake-up), and that lateness of the load generator would
     * otherwise be charged to the pipeline. Session 5 and earlier ran with 100 µs.
     */
    private static final long PRODUCER_SPIN_NANOS = Long.getLong("finality.bench.spinUs", 1_000) * 1_000;
    /**
     * Diagnostic ({@code -Dfinality.bench.warmSource=true}): the paced producer reads each block once as its spin
     * begins, so that the copy into the slot starts from cached bytes, as a node connection's copy out of the buffer a
     * socket read has just filled would. Off by default: the fixture's blocks are then cold in cache, a harder case.
     */
    private static final boolean WARM_SOURCE = Boolean.getBoolean("finality.bench.warmSource");
    /** Ring slots ({@code -Dfinality.bench.ring}, default 64 as the sidecar's): how many blocks can be in flight. */
    private static final java.lang.management.ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final int RING_SIZE = Integer.getInteger("finality.bench.ring", 64);
    /**
     * Experiment: {@code -Dfinality.bench.pin=scanCpu,engineCpu,producerCpu} pins the three threads (each pins
     * itself on its first slot) with OpenHFT affinity; unset, the scheduler places them.
     */
    private static final int[] PIN = pins(System.getProperty("finality.bench.pin", ""));
    /**
     * {@code -Dfinality.bench.probeHelper=true} scans with the Bitcoin scanner's {@link ProbeHelper} (default: without,
     * as the node runs by default, {@code pipeline.scan_helper: false}): for A/B runs. {@code -Dfinality.bench.pinHelper=N}
     * pins the helper thread to CPU N (with {@code -Dfinality.bench.pin} putting the scan thread on another one).
     */
    private static final boolean PROBE_HELPER = Boolean.getBoolean("finality.bench.probeHelper");
    private static final int PIN_HELPER = Integer.getInteger("finality.bench.pinHelper", -1);
    /** {@code -Dfinality.bench.pinTouch=N} pins the journal's pretouch thread to CPU N (the node's {@code journal.pretouch_cpu}). */
    private static final int PIN_TOUCH = Integer.getInteger("finality.bench.pinTouch", -1);
    /** {@code -Dfinality.bench.prefault=false} turns the journal's prefault off ({@code JournalContext.prefault}). */
    private static final boolean PREFAULT = !"false".equals(System.getProperty("finality.bench.prefault"));
    /**
     * {@code -Dfinality.bench.fused=true}: one thread scans and applies each slot ({@code pipeline.fused_stages}); its
     * CPU is the scan's in {@code -Dfinality.bench.pin} (leave the engine's at -1).
     */
    private static final boolean FUSED = Boolean.getBoolean("finality.bench.fused");
    /**
     * {@code -Dfinality.bench.floor=true}: the latency phase's baseline, {@link FloorStages} in place of scan and engine
     * ({@code -Dfinality.bench.floorCpuUs=N}: each block also burns N µs of the read stage's CPU).
     */
    private static final boolean FLOOR = Boolean.getBoolean("finality.bench.floor");
    private static final long FLOOR_CPU_NANOS = Long.getLong("finality.bench.floorCpuUs", 0) * 1_000;
    /** Diagnostic run ({@code -XX:-UseTLAB}): attribute every stage-thread allocation of the replay to its stack. */
    private static final boolean ALLOCATION_STACKS =
        ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:-UseTLAB");

    private PipelineReplayHarness() {
    }

    public static void main(final String[] args) throws Exception {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        final PipelineContext.WaitStrategyKind wait = args.length > 1
            ? PipelineContext.WaitStrategyKind.valueOf(args[1].toUpperCase(java.util.Locale.ROOT).replace('-', '_'))
            : PipelineContext.WaitStrategyKind.YIELDING;
        final boolean latencyOnly = args.length > 2 && args[2].equals("latency");
        final List<byte[]> blocks = BitcoinBlocks.mainnet();
        long totalBytes = 0;
        for (byte[] b : blocks) {
            totalBytes += b.length;
        }
        final List<byte[]> scripts = watchedScripts(blocks);
        if (PIN != null) {
            pin(PIN[2]);
        }
        System.out.printf("fixture: %d mainnet blocks, %.1f MB, %d watched scripts%n", blocks.size(), totalBytes / 1e6, scripts.size());

        final double bitcoinjMbs = latencyOnly ? Double.NaN : bitcoinjBaseline(blocks, scripts, Math.max(5, seconds / 2));
        final Path dir = Files.createTempDirectory("finality-pipeline-bench");
        final JournaledStateEngine engine = new JournaledStateEngine(PolicyBook.withDefaults(),
            new JournalContext().directory(dir.resolve("journal")).durability(JournalContext.Durability.NONE)
                .snapshotEverySteps(0).pretouchThreadStart(PIN_TOUCH >= 0 ? () -> pin(PIN_TOUCH) : null)
                .prefault(PREFAULT),
            new FileSnapshotStore(dir.resolve("engine.snapshot")));
        final WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(INVOICES));
        final WatchKeyIndex outpoints = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(1 << 16));
        final LatencyRecorder recorder = new LatencyRecorder(FLOOR ? FloorStages.noEngine() : engine);
        final ProbeHelper helper = PROBE_HELPER && !FLOOR ? new ProbeHelper(PIN_HELPER >= 0 ? () -> pin(PIN_HELPER) : null) : null;
        final BitcoinBlockScanner bitcoinScanner = new BitcoinBlockScanner(new OutpointWatch(outpoints, 1_000), helper);
        final TimedScanStage scan = new TimedScanStage(FLOOR ? FloorStages.readStage(FLOOR_CPU_NANOS)
            : new MatchingScanStage(index, new InvoiceWatchCommands()).scanner(ChainFamily.BITCOIN, bitcoinScanner));
        final Pipeline pipeline = new Pipeline(new PipelineContext().ringSize(RING_SIZE).maxPayloadBytes(4 << 20)
            .memoryBudgetBytes(512L << 20).initialPayloadBytes(2 << 20)
            .waitStrategy(wait).fusedStages(FUSED), scan, recorder).start();
        if (FLOOR) {
            System.out.printf("FLOOR: the stages only read each block once%s (no matching, no engine, no journal)%n",
                FLOOR_CPU_NANOS > 0 ? String.format(" and burn %d us of CPU", FLOOR_CPU_NANOS / 1_000) : "");
        }
        System.out.printf("stage wait strategy: %s, %s, ring of %d slots, probe helper %s%n", wait,
            FUSED ? "one thread for both stages" : "a thread per stage", RING_SIZE,
            PROBE_HELPER ? "on" + (PIN_HELPER >= 0 ? ", pinned to cpu " + PIN_HELPER : "") : "off");
        try {
            openInvoices(pipeline, scripts);
            awaitApplied(pipeline);
            System.out.printf("opened %d invoices through the ring%n", INVOICES);

            // Warm-up, then the replay phase.
            final long primed = primeSlots(pipeline, blocks, RING_SIZE, 1);
            // Latency only: a longer warm-up stands in for the replay phase, so that the C2 compiler has
            // compiled the per-block path before the 100 blocks/s phase (at that rate it would take minutes).
            replay(pipeline, blocks, latencyOnly ? 10 : 3, primed);
            if (!latencyOnly) {
                replayPhase(pipeline, blocks, engine, seconds, bitcoinjMbs);
            }
            final long takeOversBefore = bitcoinScanner.helperTakeOvers();
            final long scriptPausesBefore = index.pauseCount();
            final long outpointPausesBefore = outpoints.pauseCount();
            latency(pipeline, blocks, recorder, scan, engine, seconds);
            // the indexes' growth and maintenance passes stop the scan thread: did any fall in the measured phase?
            System.out.printf("  matcher: maintenance pauses in the latency phase: script index %d, outpoint index %d (%d keys);"
                    + " longest of the run %.3f / %.3f ms%n", index.pauseCount() - scriptPausesBefore,
                outpoints.pauseCount() - outpointPausesBefore, outpoints.size(), index.maxPauseNanos() / 1e6,
                outpoints.maxPauseNanos() / 1e6);
            if (helper != null) {
                System.out.printf("  probe helper: %d chunks taken over by the scan thread in the latency phase (the helper had"
                    + " stopped in them)%n", bitcoinScanner.helperTakeOvers() - takeOversBefore);
            }
        } finally {
            pipeline.close();
            if (helper != null) {
                helper.close();
            }
            engine.journal().close();
            index.close();
            outpoints.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void replayPhase(final Pipeline pipeline, final List<byte[]> blocks, final JournaledStateEngine engine,
        final int seconds, final double bitcoinjMbs) throws Exception {
        final AllocationStacks engineStacks = ALLOCATION_STACKS ? new AllocationStacks("finality-engine", 14) : null;
        final AllocationStacks scanStacks = ALLOCATION_STACKS ? new AllocationStacks("finality-scan", 14) : null;
        final java.time.Instant replayFrom = java.time.Instant.now();
        if (engineStacks != null) {
            engineStacks.window(replayFrom, java.time.Instant.MAX);
            scanStacks.window(replayFrom, java.time.Instant.MAX);
        }
        final long eventsBefore = engine.nextEventSequence();
        System.gc();
        final ThreadStats machineBefore = ThreadStats.snapshot();
        final ReplayResult r = replay(pipeline, blocks, seconds, 100_000);
        final ThreadStats machineAfter = ThreadStats.snapshot();
        final double stealPercent = machineAfter.stealPercentSince(machineBefore);
        if (engineStacks != null) {
            engineStacks.window(replayFrom, java.time.Instant.now());
            scanStacks.window(replayFrom, java.time.Instant.now());
            engineStacks.print("replay, engine thread", r.blocks, "block", 12);
            scanStacks.print("replay, scan thread", r.blocks, "block", 6);
            engineStacks.close();
            scanStacks.close();
        }
        final double mbs = r.bytes / 1e6 / r.seconds;
        System.out.printf("%nreplay: %.0f MB/s, %.0f blocks/s through both stages into the journal (%d blocks, %.1f s)%n",
            mbs, r.blocks / r.seconds, r.blocks, r.seconds);
        System.out.printf("        bitcoinj alone, finding the payments in the same blocks: %.0f MB/s -> ratio %.2fx%n",
            bitcoinjMbs, mbs / bitcoinjMbs);
        // a shared VM's wall-clock rate moves with what the hypervisor takes: the figure travels with it
        System.out.printf("        the hypervisor stole %.1f %% of the machine's CPU time during the replay%n", stealPercent);
        System.out.printf("        allocated by the two stage threads: %.1f bytes/block (scan %.1f, engine %.1f);"
            + " GC: %d collections, %d ms%n",
            r.allocatedPerBlock, r.scanPerBlock, r.allocatedPerBlock - r.scanPerBlock, r.gcCount, r.gcMillis);
        System.out.printf("        events journaled: %d (%.1f per block); last document %d bytes%n",
            engine.nextEventSequence() - eventsBefore, (engine.nextEventSequence() - eventsBefore) / (double)Math.max(1, r.blocks),
            lastDocumentBytes(engine));
        // CPU time per MB, which steal does not inflate: which thread bounds the replay, and how much work each does
        // (Linux names threads by their first 15 characters; the producer is the launcher's main thread, "java")
        final double mb = r.bytes / 1e6;
        final String scanThread = FUSED ? "finality-stages" : "finality-scan";
        System.out.printf("        CPU per MB: %s thread %.0f us (busy %.0f %% of the replay), probe helper %.0f us, engine thread"
                + " %.0f us, producer %.0f us%n", FUSED ? "stage" : "scan", machineAfter.cpuMsSince(machineBefore, scanThread) * 1e3 / mb,
            machineAfter.cpuMsSince(machineBefore, scanThread) / 10.0 / r.seconds,
            machineAfter.cpuMsSince(machineBefore, "finality-scan-p") * 1e3 / mb,
            machineAfter.cpuMsSince(machineBefore, "finality-engine") * 1e3 / mb,
            machineAfter.cpuMsSince(machineBefore, "java") * 1e3 / mb);
        machineAfter.printSince(machineBefore, "replay phase");
    }

    private static int[] pins(final String spec) {
        if (spec.isEmpty()) {
            return null;
        }
        final String[] parts = spec.split(",");
        final int[] cpus = new int[3];
        for (int i = 0; i < 3; i++) {
            cpus[i] = Integer.parseInt(parts[Math.min(i, parts.length - 1)].trim());
        }
        return cpus;
    }

    /** Pin the calling thread to {@code cpu} (a negative cpu leaves it to the scheduler). */
    private static void pin(final int cpu) {
        if (cpu >= 0) {
            net.openhft.affinity.Affinity.setAffinity(cpu);
            System.out.printf("pinned %s to cpu %d (now on %d)%n", Thread.currentThread().getName(), cpu,
                net.openhft.affinity.Affinity.getCpu());
        }
    }

    /** Length of the journal's last document (one block's step: its input, events and marker). */
    private static int lastDocumentBytes(final JournaledStateEngine engine) {
        final long last = engine.journal().lastIndex();
        try (var reader = engine.journal().reader().after(last - 1)) {
            return reader.next(new org.agrona.ExpandableArrayBuffer(1 << 16));
        }
    }

    /** Stage 1 with the scan start and end of traced blocks recorded. */
    private static final class TimedScanStage implements ScanStage {
        private final ScanStage scan;
        private volatile PhaseTrace trace;
        private boolean pinned;

        TimedScanStage(final ScanStage scan) {
            this.scan = scan;
        }

        @Override
        public void onScan(final ChainEvent event, final long sequence, final boolean endOfBatch) {
            if (!pinned && PIN != null) {
                pinned = true;
                pin(PIN[0]);
            }
            final PhaseTrace t = trace;
            final long cpu = t != null ? CPU.getCurrentThreadCpuTime() : 0;
            if (t != null) {
                t.mark(PhaseTrace.SCAN_START, event.height(), System.nanoTime());
            }
            scan.onScan(event, sequence, endOfBatch);
            if (t != null) {
                t.mark(PhaseTrace.SCAN_END, event.height(), System.nanoTime());
                t.cpu(true, event.height(), CPU.getCurrentThreadCpuTime() - cpu);
            }
        }
    }

    /** Records publish-to-journal latency: the engine has appended when onStep returns. */
    private static final class LatencyRecorder implements StateEngine {
        private final StateEngine engine;
        private final Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        private volatile boolean recording;
        private volatile PhaseTrace trace;
        private boolean pinned;

        LatencyRecorder(final StateEngine engine) {
            this.engine = engine;
        }

        @Override
        public void onStep(final ChainEvent event, final long sequence, final boolean endOfBatch) {
            if (!pinned && PIN != null) {
                pinned = true;
                pin(PIN[1]);
            }
            final PhaseTrace t = trace;
            final long cpu = t != null ? CPU.getCurrentThreadCpuTime() : 0;
            if (t != null) {
                t.mark(PhaseTrace.ENGINE_START, event.height(), System.nanoTime());
            }
            engine.onStep(event, sequence, endOfBatch);
            if (recording && event.kind() == EventKind.BLOCK_CONNECTED && event.publishNanos() != 0) {
                final long now = System.nanoTime();
                histogram.recordValue(Math.max(0, now - event.publishNanos()));
                if (t != null) {
                    t.mark(PhaseTrace.ENGINE_END, event.height(), now);
                    t.cpu(false, event.height(), CPU.getCurrentThreadCpuTime() - cpu);
                }
            }
        }
    }

    private record ReplayResult(
        long blocks, long bytes, double seconds, double allocatedPerBlock, double scanPerBlock, long gcCount, long gcMillis) {
    }

    private static ReplayResult replay(final Pipeline pipeline, final List<byte[]> blocks, final int seconds, final long startHeight)
        throws InterruptedException {
        final SlotFiller<byte[]> filler = (slot, raw) -> slot.payload(raw, 0, raw.length);
        awaitApplied(pipeline);
        final long[] gcBefore = gc();
        final long allocBefore = stageAllocated();
        final String scanThread = FUSED ? "finality-stages" : "finality-scan";
        final long scanBefore = threadAllocated(scanThread);
        final long appliedBefore = pipeline.counters().applied();
        final long start = System.nanoTime();
        final long end = start + seconds * 1_000_000_000L;
        long height = startHeight;
        long blocksPublished = 0;
        long bytes = 0;
        final BlockHashSetter hashes = new BlockHashSetter();
        while (System.nanoTime() < end) {
            for (int i = 0; i < blocks.size() && System.nanoTime() < end; i++) {
                final byte[] raw = blocks.get(i);
                hashes.next(height++, raw);
                check(pipeline.publish(EventKind.BLOCK_CONNECTED, CHAIN, raw.length, hashes, raw));
                blocksPublished++;
                bytes += raw.length;
            }
        }
        awaitApplied(pipeline);
        final double elapsed = (System.nanoTime() - start) / 1e9;
        final long[] gcAfter = gc();
        final long applied = pipeline.counters().applied() - appliedBefore;
        return new ReplayResult(applied, bytes * applied / Math.max(1, blocksPublished), elapsed,
            (stageAllocated() - allocBefore) / (double)Math.max(1, applied),
            (threadAllocated(scanThread) - scanBefore) / (double)Math.max(1, applied), gcAfter[0] - gcBefore[0],
            gcAfter[1] - gcBefore[1]);
    }

    /**
     * Publish every block {@code ringSize} times in a row, so that every slot has held every block once: a
     * slot's payload buffer and match list grow to what the largest block needs on first use and then stay,
     * as in a sidecar that has run for a while. Otherwise that one-off growth (a slot meeting a block with
     * more spends than any before) would show up in the measured phase as allocation.
     *
     * @return the next height.
     */
    private static long primeSlots(final Pipeline pipeline, final List<byte[]> blocks, final int ringSize, final long startHeight)
        throws InterruptedException {
        final BlockHashSetter hashes = new BlockHashSetter();
        long height = startHeight;
        for (byte[] raw : blocks) {
            for (int i = 0; i < ringSize; i++) {
                hashes.next(height++, raw);
                check(pipeline.publish(EventKind.BLOCK_CONNECTED, CHAIN, raw.length, hashes, raw));
            }
        }
        awaitApplied(pipeline);
        return height;
    }

    /** Fills a block slot: height, a distinct hash per height, the raw bytes, the publish time. */
    private static final class BlockHashSetter implements SlotFiller<byte[]> {
        private long height;
        private long intendedNanos;
        private PhaseTrace trace;

        void next(final long h, final byte[] raw) {
            height = h;
            intendedNanos = 0;
        }

        void intended(final long nanos) {
            intendedNanos = nanos;
        }

        @Override
        public boolean fill(final ChainEvent slot, final byte[] raw) {
            slot.height(height).publishNanos(intendedNanos == 0 ? System.nanoTime() : intendedNanos);
            slot.blockHash().putLong(0, height);
            slot.blockHash().putLong(8, 0x5EED_B10CL);
            final boolean filled = slot.payload(raw, 0, raw.length);
            if (trace != null) {
                // the slot is about to be published: what follows (publish, waking a stage) is hand-off
                trace.mark(PhaseTrace.FILLED, height, System.nanoTime());
            }
            return filled;
        }
    }

    private static void latency(final Pipeline pipeline, final List<byte[]> blocks, final LatencyRecorder recorder,
        final TimedScanStage scan, final JournaledStateEngine engine, final int seconds)
        throws Exception {
        final List<byte[]> big = new ArrayList<>();
        for (byte[] b : blocks) {
            if (b.length >= 900_000 && b.length <= 1_300_000) {
                big.add(b);
            }
        }
        // Warm-up exactly as measured: the paced path (a park between blocks, one block in flight, the
        // tracing) JITs apart from the replay's, and compiling it during the measurement would count.
        final int warmup = LATENCY_WARMUP_SECONDS * LATENCY_BLOCKS_PER_SECOND;
        final PhaseTrace warmTrace = new PhaseTrace(9_000_000, warmup);
        scan.trace = warmTrace;
        recorder.trace = warmTrace;
        recorder.recording = true;
        paced(pipeline, big, warmup, 9_000_000, warmTrace);
        awaitApplied(pipeline);
        // Start with an empty young generation: what the set-up left there (the fixture, 1 M invoice opens)
        // would otherwise be collected at a random point of the phase. The phase itself allocates ~nothing.
        System.gc();
        final long[] gcBefore = gc();
        final long eventsBefore = engine.nextEventSequence();
        final int count = seconds * LATENCY_BLOCKS_PER_SECOND;
        final long baseHeight = 10_000_000;
        final PhaseTrace trace = new PhaseTrace(baseHeight, count);
        scan.trace = trace;
        recorder.trace = trace;
        recorder.histogram.reset();
        final ThreadStats threadsBefore = ThreadStats.snapshot();
        final long phaseStartMs = ManagementFactory.getRuntimeMXBean().getUptime();
        paced(pipeline, big, count, baseHeight, trace);
        awaitApplied(pipeline);
        final ThreadStats threadsAfter = ThreadStats.snapshot();
        recorder.recording = false;
        scan.trace = null;
        recorder.trace = null;
        final long[] gcAfter = gc();
        final Histogram h = recorder.histogram;
        System.out.printf("%nlatency, publish -> events in the journal, %d blocks of 0.9-1.3 MB at %d blocks/s"
            + " (from the intended send time; JVM uptime %d-%d ms, ended %s):%n", h.getTotalCount(), LATENCY_BLOCKS_PER_SECOND,
            phaseStartMs, ManagementFactory.getRuntimeMXBean().getUptime(), java.time.LocalTime.now());
        System.out.printf("        p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us; GC: %d collections, %d ms%n",
            h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
            h.getMaxValue() / 1e3, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1]);
        System.out.printf("        events journaled: %.1f per block; last document %d bytes%n",
            (engine.nextEventSequence() - eventsBefore) / (double)Math.max(1, count), lastDocumentBytes(engine));
        trace.printFromRingPublish();
        trace.printMeans("all blocks");
        trace.printPerBlock(big.stream().mapToInt(b -> b.length).toArray());
        trace.printTail("above p99", h.getValueAtPercentile(99), 8);
        trace.printTail("above 1 ms", 1_000_000, 0);
        threadsAfter.printSince(threadsBefore, "latency phase");
    }

    /**
     * Publish {@code count} blocks at {@link #LATENCY_BLOCKS_PER_SECOND}, each stamped with its intended send
     * time (so a late producer or a full ring counts against the latency: no coordinated omission).
     */
    private static void paced(final Pipeline pipeline, final List<byte[]> big, final int count, final long baseHeight,
        final PhaseTrace trace) {
        final BlockHashSetter hashes = new BlockHashSetter();
        hashes.trace = trace;
        final long interval = 1_000_000_000L / LATENCY_BLOCKS_PER_SECOND;
        final long start = System.nanoTime() + 10_000_000L;
        long height = baseHeight;
        for (int i = 0; i < count; i++) {
            final long intended = start + i * interval;
            final byte[] raw = big.get(i % big.size());
            boolean warmed = !WARM_SOURCE;
            long now;
            while ((now = System.nanoTime()) < intended) {
                if (intended - now > PRODUCER_SPIN_NANOS + 100_000) {
                    LockSupport.parkNanos(intended - now - PRODUCER_SPIN_NANOS);
                } else if (!warmed) {
                    warmSink += touch(raw);
                    warmed = true;
                } else {
                    Thread.onSpinWait();
                }
            }
            trace.mark(PhaseTrace.INTENDED, height, intended);
            trace.mark(PhaseTrace.PUBLISH_START, height, now);
            hashes.next(height, raw);
            hashes.intended(intended);
            check(pipeline.publish(EventKind.BLOCK_CONNECTED, CHAIN, raw.length, hashes, raw));
            height++;
        }
    }

    /** Where {@link #touch} leaves its sum, so that the reads are not optimised away. */
    private static long warmSink;

    /** Read one byte of every 64 of {@code raw}: a load per cache line brings the block into cache. */
    private static long touch(final byte[] raw) {
        long sum = 0;
        for (int i = 0; i < raw.length; i += 64) {
            sum += raw[i];
        }
        return sum;
    }

    /**
     * Invoice addresses are single-use: watch every 499th output script among those that occur exactly
     * once in the fixture (a reused exchange or pool address would be a different workload), then fill
     * up to one million with random scripts.
     */
    private static List<byte[]> watchedScripts(final List<byte[]> blocks) {
        final java.util.Map<ByteBuffer, Integer> occurrences = new java.util.HashMap<>();
        final List<ByteBuffer> inOrder = new ArrayList<>();
        final BlockFlyweight block = new BlockFlyweight();
        final TransactionFlyweight tx = new TransactionFlyweight();
        for (byte[] raw : blocks) {
            block.wrap(new UnsafeBuffer(raw), 0, raw.length);
            block.forEachTransaction(tx, (i, t) -> {
                while (t.nextOutput()) {
                    if (t.scriptLength() > 0) {
                        final byte[] s = new byte[t.scriptLength()];
                        t.buffer().getBytes(t.scriptOffset(), s);
                        final ByteBuffer key = ByteBuffer.wrap(s);
                        if (occurrences.merge(key, 1, Integer::sum) == 1) {
                            inOrder.add(key);
                        }
                    }
                }
            });
        }
        final List<byte[]> out = new ArrayList<>();
        final Set<ByteBuffer> seen = new HashSet<>();
        int n = 0;
        for (ByteBuffer key : inOrder) {
            if (occurrences.get(key) == 1 && n++ % REAL_STRIDE == 0) {
                seen.add(key);
                out.add(key.array());
            }
        }
        final Random random = new Random(20_261_121L);
        while (out.size() < INVOICES) {
            final byte[] s = new byte[22];
            random.nextBytes(s);
            s[0] = 0;
            s[1] = 20;
            if (seen.add(ByteBuffer.wrap(s))) {
                out.add(s);
            }
        }
        return out;
    }

    private static void openInvoices(final Pipeline pipeline, final List<byte[]> scripts) {
        final byte[] payload = new byte[512];
        final UnsafeBuffer view = new UnsafeBuffer(payload);
        final SlotFiller<Integer> filler = (slot, length) -> slot.payload(payload, 0, length);
        for (int i = 0; i < scripts.size(); i++) {
            final InvoiceSpec spec = new InvoiceSpec(i, "inv-" + i, CHAIN, null, 0, 50_000_000, Long.MAX_VALUE / 4,
                PolicyBook.BITCOIN_DEFAULT, "order-" + i, "corr-" + i);
            final int length = InvoiceCommandCodec.encodeOpen(spec, scripts.get(i), view, 0);
            check(pipeline.publish(EventKind.INVOICE_OPEN, CHAIN, length, filler, length));
        }
    }

    private static double bitcoinjBaseline(final List<byte[]> blocks, final List<byte[]> scripts, final int seconds) {
        Context.propagate(new Context());
        final Set<ByteBuffer> watched = new HashSet<>(scripts.size() * 2);
        for (byte[] s : scripts) {
            watched.add(ByteBuffer.wrap(s));
        }
        long bytes = 0;
        long found = 0;
        final long warm = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warm) {
            found += bitcoinjPass(blocks, watched);
        }
        final ThreadStats machineBefore = ThreadStats.snapshot();
        final long start = System.nanoTime();
        final long end = start + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            for (byte[] raw : blocks) {
                found += bitcoinjBlock(raw, watched);
                bytes += raw.length;
            }
        }
        final double mbs = bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
        System.out.printf("bitcoinj baseline: %.0f MB/s (%d payments found); the hypervisor stole %.1f %% of the machine's CPU time%n",
            mbs, found, ThreadStats.snapshot().stealPercentSince(machineBefore));
        return mbs;
    }

    private static long bitcoinjPass(final List<byte[]> blocks, final Set<ByteBuffer> watched) {
        long found = 0;
        for (byte[] raw : blocks) {
            found += bitcoinjBlock(raw, watched);
        }
        return found;
    }

    private static long bitcoinjBlock(final byte[] raw, final Set<ByteBuffer> watched) {
        long found = 0;
        final Block block = Block.read(ByteBuffer.wrap(raw));
        for (Transaction t : block.getTransactions()) {
            boolean matched = false;
            for (TransactionOutput o : t.getOutputs()) {
                if (watched.contains(ByteBuffer.wrap(o.getScriptBytes()))) {
                    matched = true;
                    found++;
                }
            }
            if (matched) {
                found += t.getTxId().hashCode() == 0 ? 1 : 0;
            }
        }
        return found;
    }

    private static void awaitApplied(final Pipeline pipeline) throws InterruptedException {
        while (pipeline.counters().applied() < pipeline.counters().published()) {
            Thread.sleep(1);
        }
    }

    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /** Bytes allocated so far by the named thread. */
    private static long threadAllocated(final String name) {
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return mx.getThreadAllocatedBytes(t.threadId());
            }
        }
        return 0;
    }

    /** Bytes allocated so far by the stage threads: scan and engine, or the one thread of fused stages. */
    private static long stageAllocated() {
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("finality-scan") || t.getName().equals("finality-engine")
                || t.getName().equals("finality-stages")) {
                total += mx.getThreadAllocatedBytes(t.threadId());
            }
        }
        return total;
    }

    private static void check(final int result) {
        if (result != EventPublisher.PUBLISHED) {
            throw new IllegalStateException("publish failed: " + EventPublisher.describe(result));
        }
    }
}
