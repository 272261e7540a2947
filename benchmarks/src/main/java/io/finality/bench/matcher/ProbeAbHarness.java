package io.finality.bench.matcher;

import static io.finality.bench.CpuRounds.median;
import static io.finality.bench.CpuRounds.medianRatio;

import io.finality.bench.CpuRounds;

/**
 * Question: what does one change to the probe path buy, measured so that a loaded, shared machine cannot fake it?
 * Interleaves two contenders of {@link WatchKeyIndexProbeBenchmark} round by round, times each with the thread's CPU
 * clock, and prints median probes/s and the median per-round ratio. A companion to the JMH figures, not a
 * replacement. Contenders are given as specs (see {@link #state}), e.g. {@code batch,small} against
 * {@code batch,huge}; two specs that differ only in the probe call share one index. Shorthands: no spec compares
 * {@code lookup} against {@code lookupBatch}; {@code pages} compares 4 KiB against 2 MiB pages under
 * {@code lookupBatch}.
 *
 * <p>Run: {@code java -Xms8g -Xmx8g -XX:MaxDirectMemorySize=8g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
 * --enable-native-access=ALL-UNNAMED -cp benchmarks.jar io.finality.bench.matcher.ProbeAbHarness keys [rounds
 * [pages | specA specB]]}.
 * Single-threaded.
 */
public final class ProbeAbHarness {
    private static final int INVOCATIONS_PER_ROUND = 2_000;

    private ProbeAbHarness() {
    }

    public static void main(final String[] args) throws Exception {
        final int keys = Integer.parseInt(args[0]);
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        final String[] specs = args.length > 3 ? new String[] {args[2], args[3]}
            : args.length > 2 && "pages".equals(args[2]) ? new String[] {"batch,small", "batch,huge"}
            : new String[] {"single,huge", "batch,huge"};
        final WatchKeyIndexProbeBenchmark.IndexState a = state(keys, specs[0]);
        final WatchKeyIndexProbeBenchmark.IndexState b = sameIndex(specs[0], specs[1]) ? a : state(keys, specs[1]);
        final int[] calls = {call(specs[0]), call(specs[1])};
        final WatchKeyIndexProbeBenchmark.BatchScratch scratch = new WatchKeyIndexProbeBenchmark.BatchScratch();
        scratch.batchSize = 256;
        scratch.setUp();
        final WatchKeyIndexProbeBenchmark bench = new WatchKeyIndexProbeBenchmark();
        final long[] sink = {0};
        final double[][] nanos = CpuRounds.measure(2, 20_000, rounds, INVOCATIONS_PER_ROUND,
            v -> run(bench, calls[v], v == 0 ? a : b, scratch), sink);
        for (double[] contender : nanos) {
            for (int r = 0; r < rounds; r++) {
                contender[r] /= WatchKeyIndexProbeBenchmark.BATCH;
            }
        }
        System.out.printf("%,d keys; %d rounds of %,d probes each, CPU time (sink %d)%n", keys, rounds,
            INVOCATIONS_PER_ROUND * WatchKeyIndexProbeBenchmark.BATCH, sink[0]);
        System.out.printf("A %-24s median %6.1f M probes/s%n", specs[0], 1e3 / median(nanos[0]));
        System.out.printf("B %-24s median %6.1f M probes/s%n", specs[1], 1e3 / median(nanos[1]));
        System.out.printf("B / A: median of per-round ratios %.3f%n", medianRatio(nanos[0], nanos[1]));
        a.tearDown();
        if (b != a) {
            b.tearDown();
        }
    }

    /** Whether two contender specs differ only in the probe call, so that they can share one index. */
    private static boolean sameIndex(final String a, final String b) {
        return a.substring(a.indexOf(',')).equals(b.substring(b.indexOf(',')));
    }

    /**
     * An index for a contender spec: {@code single|batch|gather} (the probe call; {@code gather} is
     * {@link WatchKeyIndexProbeBenchmark#gatherOnly}), then {@code ,huge|,small} (page size of
     * table and filter), then optionally {@code ,bits=N} (pre-filter bits per slot, default 4).
     */
    private static WatchKeyIndexProbeBenchmark.IndexState state(final int keys, final String spec) {
        final WatchKeyIndexProbeBenchmark.IndexState state = new WatchKeyIndexProbeBenchmark.IndexState();
        state.keys = keys;
        state.preFilter = true;
        state.filterBitsPerSlot = 4;
        state.hugePages = spec.contains(",huge");
        final int bits = spec.indexOf("bits=");
        if (bits >= 0) {
            state.filterBitsPerSlot = Integer.parseInt(spec.substring(bits + 5).split(",")[0]);
        }
        state.setUp();
        return state;
    }

    private static int call(final String spec) {
        return spec.startsWith("batch") ? 1 : spec.startsWith("gather") ? 2 : 0;
    }

    private static long run(final WatchKeyIndexProbeBenchmark bench, final int call,
        final WatchKeyIndexProbeBenchmark.IndexState state, final WatchKeyIndexProbeBenchmark.BatchScratch scratch) {
        return switch (call) {
            case 1 -> bench.watchKeyIndexBatched(state, scratch);
            case 2 -> bench.gatherOnly(state, scratch);
            default -> bench.watchKeyIndex(state);
        };
    }
}
