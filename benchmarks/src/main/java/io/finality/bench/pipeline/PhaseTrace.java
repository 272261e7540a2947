package io.finality.bench.pipeline;

import java.util.Arrays;

/**
 * Per-block timestamps of the latency phase, to say what a slow block's latency is made of:
 *
 * <pre>
 *  intended ─late─▶ publish start ─fill─▶ filled ─q1─▶ scan start ─scan─▶ scan end ─q2─▶ engine start ─engine─▶ engine end
 * </pre>
 *
 * <ul>
 *   <li><b>late</b>: the producer woke after the block's intended send time (scheduler, timer slack);</li>
 *   <li><b>fill</b>: claiming the slot and the one copy of the block into it;</li>
 *   <li><b>q1</b>, <b>q2</b>: hand-off to the scan, then the engine thread: publishing, waking the thread, getting
 *   a CPU, a previous block still in the stage;</li>
 *   <li><b>scan</b>, <b>engine</b>: the two stages' own work, the engine's including the journal append.</li>
 * </ul>
 *
 * <p>Arrays sized up front, indexed by block height from a base: recording allocates nothing. Each
 * column is written by one thread (producer, scan, engine) and read after the phase has drained.
 */
final class PhaseTrace {
    static final int INTENDED = 0;
    static final int PUBLISH_START = 1;
    static final int FILLED = 2;
    static final int SCAN_START = 3;
    static final int SCAN_END = 4;
    static final int ENGINE_START = 5;
    static final int ENGINE_END = 6;
    private static final int COLUMNS = 7;
    private static final String[] PARTS = {"late", "fill", "q1", "scan", "q2", "engine"};

    private final long base;
    private final long[][] at;
    /** CPU time the scan and the engine thread spent on each block: wall time minus this is time off the CPU. */
    private final long[] scanCpu;
    private final long[] engineCpu;

    PhaseTrace(final long baseHeight, final int blocks) {
        base = baseHeight;
        at = new long[COLUMNS][blocks];
        scanCpu = new long[blocks];
        engineCpu = new long[blocks];
    }

    /** Record the CPU time the scan ({@code scan} true) or engine thread spent on the block at {@code height}. */
    void cpu(final boolean scan, final long height, final long cpuNanos) {
        final long i = height - base;
        if (i >= 0 && i < scanCpu.length) {
            (scan ? scanCpu : engineCpu)[(int)i] = cpuNanos;
        }
    }

    /** Record {@code column} of the block at {@code height} (ignored outside the traced range). */
    void mark(final int column, final long height, final long nanos) {
        final long i = height - base;
        if (i >= 0 && i < at[column].length) {
            at[column][(int)i] = nanos;
        }
    }

    /**
     * Print what the blocks slower than {@code thresholdNanos} spent in each part (mean and max in µs,
     * and how many of them had that part above 0.5 ms), and the slowest few block by block.
     */
    void printTail(final String title, final long thresholdNanos, final int slowest) {
        final int n = at[0].length;
        final Integer[] order = new Integer[n];
        int complete = 0;
        for (int i = 0; i < n; i++) {
            if (at[ENGINE_END][i] != 0 && at[INTENDED][i] != 0) {
                order[complete++] = i;
            }
        }
        final Integer[] done = Arrays.copyOf(order, complete);
        Arrays.sort(done, (a, b) -> Long.compare(total(b), total(a)));
        final double[] sum = new double[PARTS.length];
        final long[] max = new long[PARTS.length];
        final int[] over = new int[PARTS.length];
        int slow = 0;
        for (Integer i : done) {
            if (total(i) < thresholdNanos) {
                break;
            }
            slow++;
            for (int p = 0; p < PARTS.length; p++) {
                final long d = part(i, p);
                sum[p] += d;
                max[p] = Math.max(max[p], d);
                if (d > 500_000) {
                    over[p]++;
                }
            }
        }
        System.out.printf("  %s: %d of %d blocks took >= %.0f us; their parts (mean / max us, blocks with the part > 500 us):%n",
            title, slow, complete, thresholdNanos / 1e3);
        final StringBuilder line = new StringBuilder("   ");
        for (int p = 0; p < PARTS.length; p++) {
            line.append(String.format(" %s %.0f / %.0f (%d);", PARTS[p], slow == 0 ? 0 : sum[p] / slow / 1e3, max[p] / 1e3, over[p]));
        }
        System.out.println(line);
        for (int k = 0; k < Math.min(slowest, done.length); k++) {
            final int i = done[k];
            final StringBuilder b = new StringBuilder(String.format("    block %5d: total %7.0f us =", i, total(i) / 1e3));
            for (int p = 0; p < PARTS.length; p++) {
                b.append(String.format(" %s %.0f", PARTS[p], part(i, p) / 1e3));
            }
            b.append(String.format(" (on CPU: scan %.0f, engine %.0f; at +%d ms)", scanCpu[i] / 1e3, engineCpu[i] / 1e3,
                (at[INTENDED][i] - at[INTENDED][0]) / 1_000_000));
            System.out.println(b);
        }
    }

    /**
     * Latency percentiles from the moment the filled slot is published to the ring (the Disruptor publish, after the
     * producer's copy) to the events being in the journal: the pipeline's own share, without the producer's lateness
     * and copy that the main figure (from the intended send time) includes.
     */
    void printFromRingPublish() {
        final int n = at[0].length;
        final long[] v = new long[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (at[ENGINE_END][i] != 0 && at[FILLED][i] != 0) {
                v[count++] = at[ENGINE_END][i] - at[FILLED][i];
            }
        }
        if (count == 0) {
            return;
        }
        final long[] sorted = Arrays.copyOf(v, count);
        Arrays.sort(sorted);
        System.out.printf("  from the ring publish (after the copy) to the journal, %d blocks: p50 %.0f us, p99 %.0f us, p99.9 %.0f us,"
            + " max %.0f us%n", count, sorted[percentileIndex(count, 0.50)] / 1e3, sorted[percentileIndex(count, 0.99)] / 1e3,
            sorted[percentileIndex(count, 0.999)] / 1e3, sorted[count - 1] / 1e3);
    }

    /** Mean, p99 and max of each part over all blocks, and of each stage's CPU time, in µs. */
    void printMeans(final String title) {
        final int n = at[0].length;
        final long[][] parts = new long[PARTS.length + 2][n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (at[ENGINE_END][i] == 0 || at[INTENDED][i] == 0) {
                continue;
            }
            for (int p = 0; p < PARTS.length; p++) {
                parts[p][count] = part(i, p);
            }
            parts[PARTS.length][count] = scanCpu[i];
            parts[PARTS.length + 1][count] = engineCpu[i];
            count++;
        }
        final StringBuilder line = new StringBuilder(String.format("  %s (%d blocks; mean / p99 / max, us):", title, count));
        for (int p = 0; p < parts.length; p++) {
            final long[] v = Arrays.copyOf(parts[p], count);
            Arrays.sort(v);
            double sum = 0;
            for (long x : v) {
                sum += x;
            }
            final String name = p < PARTS.length ? PARTS[p] : p == PARTS.length ? "scan on CPU" : "engine on CPU";
            line.append(String.format(" %s %.0f / %.0f / %.0f;", name, count == 0 ? 0 : sum / count / 1e3,
                count == 0 ? 0 : v[percentileIndex(count, 0.99)] / 1e3, count == 0 ? 0 : v[count - 1] / 1e3));
        }
        System.out.println(line);
    }

    /**
     * Latency (p50 / p99 / max) and the scan's CPU time (mean / p99) per fixture block, block {@code i} of the phase
     * being {@code sizes[i % sizes.length]} bytes long, then for the blocks of at most 1,000,000 bytes (the consensus
     * limit before segwit: what "a 1 MB block" meant) and the larger ones together: the tail grows with the block.
     */
    void printPerBlock(final int[] sizes) {
        System.out.println("  per block (latency p50 / p99 / max, scan on CPU mean / p99, us):");
        for (int b = 0; b < sizes.length; b++) {
            final int block = b;
            printGroup(String.format("%,d bytes", sizes[b]), i -> i % sizes.length == block);
        }
        printGroup("all blocks <= 1,000,000 bytes", i -> sizes[i % sizes.length] <= 1_000_000);
        printGroup("all blocks > 1,000,000 bytes", i -> sizes[i % sizes.length] > 1_000_000);
    }

    private void printGroup(final String title, final java.util.function.IntPredicate member) {
        final int n = at[0].length;
        final long[] totals = new long[n];
        final long[] scans = new long[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (at[ENGINE_END][i] != 0 && at[INTENDED][i] != 0 && member.test(i)) {
                totals[count] = total(i);
                scans[count] = scanCpu[i];
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        final long[] t = Arrays.copyOf(totals, count);
        final long[] c = Arrays.copyOf(scans, count);
        Arrays.sort(t);
        Arrays.sort(c);
        double scanSum = 0;
        for (long x : c) {
            scanSum += x;
        }
        System.out.printf("    %-30s %5d blocks: latency %5.0f / %5.0f / %6.0f; scan %4.0f / %5.0f%n", title, count,
            t[percentileIndex(count, 0.50)] / 1e3, t[percentileIndex(count, 0.99)] / 1e3, t[count - 1] / 1e3,
            scanSum / count / 1e3, c[percentileIndex(count, 0.99)] / 1e3);
    }

    private static int percentileIndex(final int count, final double q) {
        return Math.max(0, Math.min(count - 1, (int)Math.ceil(count * q) - 1));
    }

    private long total(final int i) {
        return at[ENGINE_END][i] - at[INTENDED][i];
    }

    private long part(final int i, final int p) {
        return Math.max(0, at[p + 1][i] - at[p][i]);
    }
}
