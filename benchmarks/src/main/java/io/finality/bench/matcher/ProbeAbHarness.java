package io.finality.bench.matcher;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Question: what does one change to the probe path buy, measured so that a loaded, shared machine cannot fake it?
 * Interleaves two contenders of {@link WatchKeyIndexProbeBenchmark} round by round, times each with the thread's CPU
 * clock, and prints median probes/s and the median per-round ratio. A companion to the JMH figures, not a
 * replacement. Modes:
 * <ul>
 *   <li>{@code batch} (default): {@code lookup} against {@code lookupBatch} on one index;</li>
 *   <li>{@code pages}: {@code lookupBatch} on an index on 4 KiB pages against one on 2 MiB huge pages (two indexes of
 *       the same keys, built one after the other).</li>
 * </ul>
 *
 * <p>Run: {@code java -Xms8g -Xmx8g -XX:MaxDirectMemorySize=8g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
 * --enable-native-access=ALL-UNNAMED -cp benchmarks.jar io.finality.bench.matcher.ProbeAbHarness keys [rounds [mode]]}.
 * Single-threaded.
 */
public final class ProbeAbHarness {
    private static final int INVOCATIONS_PER_ROUND = 2_000;

    private ProbeAbHarness() {
    }

    public static void main(final String[] args) {
        final int keys = Integer.parseInt(args[0]);
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        final boolean pages = args.length > 2 && "pages".equals(args[2]);
        final WatchKeyIndexProbeBenchmark.IndexState a = state(keys, !pages);
        final WatchKeyIndexProbeBenchmark.IndexState b = pages ? state(keys, true) : a;
        final String[] names = pages ? new String[] {"lookupBatch, 4 KiB pages", "lookupBatch, huge pages"}
            : new String[] {"lookup", "lookupBatch"};
        final WatchKeyIndexProbeBenchmark.BatchScratch scratch = new WatchKeyIndexProbeBenchmark.BatchScratch();
        scratch.batchSize = 256;
        scratch.setUp();
        final WatchKeyIndexProbeBenchmark bench = new WatchKeyIndexProbeBenchmark();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += run(bench, pages, 0, a, scratch) + run(bench, pages, 1, b, scratch);
        }
        final double[][] nanos = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                final int v = (r + k) & 1;
                final WatchKeyIndexProbeBenchmark.IndexState state = v == 0 ? a : b;
                final long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < INVOCATIONS_PER_ROUND; i++) {
                    sink += run(bench, pages, v, state, scratch);
                }
                final double probes = (double) INVOCATIONS_PER_ROUND * WatchKeyIndexProbeBenchmark.BATCH;
                nanos[v][r] = (threads.getCurrentThreadCpuTime() - start) / probes;
            }
        }
        System.out.printf("%,d keys; %d rounds of %,d probes each, CPU time (sink %d)%n", keys, rounds,
            INVOCATIONS_PER_ROUND * WatchKeyIndexProbeBenchmark.BATCH, sink);
        System.out.printf("%-26s median %6.1f M probes/s%n", names[0], 1e3 / median(nanos[0]));
        System.out.printf("%-26s median %6.1f M probes/s%n", names[1], 1e3 / median(nanos[1]));
        final double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratio[r] = nanos[0][r] / nanos[1][r];
        }
        System.out.printf("second / first: median of per-round ratios %.3f%n", median(ratio));
        a.tearDown();
        if (b != a) {
            b.tearDown();
        }
    }

    private static WatchKeyIndexProbeBenchmark.IndexState state(final int keys, final boolean hugePages) {
        final WatchKeyIndexProbeBenchmark.IndexState state = new WatchKeyIndexProbeBenchmark.IndexState();
        state.keys = keys;
        state.preFilter = true;
        state.filterBitsPerSlot = 4;
        state.hugePages = hugePages;
        state.setUp();
        return state;
    }

    private static long run(final WatchKeyIndexProbeBenchmark bench, final boolean pages, final int contender,
        final WatchKeyIndexProbeBenchmark.IndexState state, final WatchKeyIndexProbeBenchmark.BatchScratch scratch) {
        return contender == 0 && !pages ? bench.watchKeyIndex(state) : bench.watchKeyIndexBatched(state, scratch);
    }

    private static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
