package io.finality.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Interleaved A/B measurement on the thread's CPU clock, for the harnesses that compare contenders more
 * robustly than JMH can on this shared machine: JMH runs contenders one after another, so load that comes and
 * goes lands unevenly; here every round runs every contender (in an order rotated round by round), and each is
 * timed with the thread CPU clock, so the per-round ratios compare like with like. Single-threaded.
 */
public final class CpuRounds {
    /** One operation of contender {@code contender}; returns a value folded into the sink (defeats dead-code elimination). */
    @FunctionalInterface
    public interface Contender {
        long run(int contender) throws Exception;
    }

    private CpuRounds() {
    }

    /**
     * Run every contender {@code warmupOps} times, then time {@code rounds} rounds of {@code opsPerRound} ops each.
     *
     * @param sink receives the sum of every returned value in {@code sink[0]}.
     * @return CPU nanoseconds per op, indexed [contender][round].
     */
    public static double[][] measure(final int contenders, final int warmupOps, final int rounds, final int opsPerRound,
                                     final Contender op, final long[] sink) throws Exception {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long s = 0;
        for (int w = 0; w < warmupOps; w++) {
            for (int v = 0; v < contenders; v++) {
                s += op.run(v);
            }
        }
        final double[][] nanos = new double[contenders][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < contenders; k++) {
                final int v = (r + k) % contenders;
                final long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < opsPerRound; i++) {
                    s += op.run(v);
                }
                nanos[v][r] = (threads.getCurrentThreadCpuTime() - start) / (double)opsPerRound;
            }
        }
        sink[0] += s;
        return nanos;
    }

    /** The median (upper median for an even count). */
    public static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Median over rounds of {@code num[r] / den[r]}: a throughput ratio of den's contender to num's when both are times. */
    public static double medianRatio(final double[] num, final double[] den) {
        final double[] r = new double[num.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = num[i] / den[i];
        }
        return median(r);
    }
}
