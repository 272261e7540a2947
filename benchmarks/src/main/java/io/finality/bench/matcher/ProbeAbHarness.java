package io.finality.bench.matcher;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Question: what does {@code lookupBatch} buy over one {@code lookup} per key, measured so that a loaded, shared
 * machine cannot fake it? Interleaves the two contenders of {@link WatchKeyIndexProbeBenchmark} on one index round
 * by round and times each with the thread's CPU clock; prints median probes/s and the median per-round ratio.
 * A companion to the JMH figures, not a replacement.
 *
 * <p>Run: {@code java -Xms8g -Xmx8g -XX:MaxDirectMemorySize=8g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
 * -cp benchmarks.jar io.finality.bench.matcher.ProbeAbHarness keys [rounds]}. Single-threaded.
 */
public final class ProbeAbHarness {
    private static final int INVOCATIONS_PER_ROUND = 2_000;

    private ProbeAbHarness() {
    }

    public static void main(final String[] args) {
        final WatchKeyIndexProbeBenchmark.IndexState state = new WatchKeyIndexProbeBenchmark.IndexState();
        state.keys = Integer.parseInt(args[0]);
        state.preFilter = true;
        state.filterBitsPerSlot = 4;
        state.setUp();
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        final WatchKeyIndexProbeBenchmark.BatchScratch scratch = new WatchKeyIndexProbeBenchmark.BatchScratch();
        scratch.batchSize = 256;
        scratch.setUp();
        final WatchKeyIndexProbeBenchmark b = new WatchKeyIndexProbeBenchmark();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += b.watchKeyIndex(state) + b.watchKeyIndexBatched(state, scratch);
        }
        final double[][] nanos = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                final int v = (r + k) & 1;
                final long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < INVOCATIONS_PER_ROUND; i++) {
                    sink += v == 0 ? b.watchKeyIndex(state) : b.watchKeyIndexBatched(state, scratch);
                }
                final double probes = (double) INVOCATIONS_PER_ROUND * WatchKeyIndexProbeBenchmark.BATCH;
                nanos[v][r] = (threads.getCurrentThreadCpuTime() - start) / probes;
            }
        }
        System.out.printf("%,d keys; %d rounds of %,d probes each, CPU time (sink %d)%n", state.keys, rounds,
            INVOCATIONS_PER_ROUND * WatchKeyIndexProbeBenchmark.BATCH, sink);
        System.out.printf("lookup       median %6.1f M probes/s%n", 1e3 / median(nanos[0]));
        System.out.printf("lookupBatch  median %6.1f M probes/s%n", 1e3 / median(nanos[1]));
        final double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratio[r] = nanos[0][r] / nanos[1][r];
        }
        System.out.printf("batched / single: median of per-round ratios %.3f%n", median(ratio));
        state.tearDown();
    }

    private static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
