package io.finality.bench.bitcoin;

import static io.finality.bench.CpuRounds.median;
import static io.finality.bench.CpuRounds.medianRatio;

import io.finality.bench.CpuRounds;
import io.finality.bitcoin.scan.ScanError;
import io.finality.core.spi.AddressIndex;
import io.finality.matcher.index.WatchKeyHash;
import io.finality.matcher.index.WatchKeyIndex;
import io.finality.matcher.index.WatchKeyIndexContext;
import java.util.Arrays;

/**
 * Question: what does batching the scanner's probes buy, measured so that a loaded, shared machine cannot fake it?
 * JMH runs its benchmarks one after another, so neighbours' load that comes and goes lands on one contender and
 * not the other. This harness interleaves the contenders of {@link BitcoinWatchScanBenchmark} round by round
 * (batched (a), unbatched (a), parse only, sequential read (c)) and times each with the thread's CPU clock, so time
 * spent descheduled does not count; it prints the median MB/s of each and the median of the per-round ratios.
 * Diagnostic rows split the probe cost: the scanner with a hash-only index (hash every script, touch no memory),
 * matchers with pre-filters of 2, 8 and 16 bits per slot, and a matcher of 1,000 keys whose filter and table stay
 * in cache (the ceiling if every memory access hit). A companion to the JMH figures, not a replacement.
 *
 * <p>Run: {@code java -Xms3g -Xmx3g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks.jar
 * io.finality.bench.bitcoin.ScanAbHarness [rounds]}. Single-threaded.
 */
public final class ScanAbHarness {
    private static final String[] NAMES = {"(a) batched", "(a) unbatched", "parse only", "(c) sequential read", "parse + hash only",
        "(a) filter 2 bits/slot", "(a) filter 8 bits/slot", "(a) filter 16 bits/slot", "(a) 1,000 keys (cached)"};
    private static final int[] FILTER_BITS = {2, 8, 16};
    private static final WatchKeyIndex[] VARIANTS = new WatchKeyIndex[FILTER_BITS.length + 1];
    /** Splits the probe cost: hashes each script as the matcher does, never touches the filter or table. */
    private static final AddressIndex HASH_ONLY = (chain, key, offset, length) ->
        WatchKeyHash.hash(chain, key, offset, length) == 42 ? 0 : AddressIndex.MISSING;
    private static final int OPS_PER_ROUND = 10;

    private ScanAbHarness() {
    }

    public static void main(final String[] args) throws Exception {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        final BitcoinBenchState s = new BitcoinBenchState();
        s.setUp();
        for (int i = 0; i < VARIANTS.length; i++) {
            final boolean small = i == FILTER_BITS.length;
            VARIANTS[i] = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(small ? 1000 : BitcoinBenchState.WATCHED)
                .filterBitsPerSlot(small ? 4 : FILTER_BITS[i]));
            int slot = 0;
            for (java.nio.ByteBuffer script : s.watchedSet) {
                VARIANTS[i].put(s.chain, new org.agrona.concurrent.UnsafeBuffer(script), 0, script.remaining(), slot++);
                if (small && slot == 1000) {
                    break;
                }
            }
        }
        final BitcoinWatchScanBenchmark b = new BitcoinWatchScanBenchmark();
        final long[] sink = {0};
        final double[][] nanosPerOp = CpuRounds.measure(NAMES.length, 300, rounds, OPS_PER_ROUND, v -> run(b, s, v), sink);
        System.out.printf("fixture %d bytes; %d rounds of %d ops each, CPU time (sink %d)%n", s.totalBytes, rounds, OPS_PER_ROUND, sink[0]);
        for (int v = 0; v < NAMES.length; v++) {
            System.out.printf("%-22s median %,8.0f MB/s  (min..max %,.0f..%,.0f)%n", NAMES[v], mbps(s, median(nanosPerOp[v])),
                mbps(s, max(nanosPerOp[v])), mbps(s, min(nanosPerOp[v])));
        }
        System.out.printf("batched / unbatched       median of per-round ratios %.3f%n", medianRatio(nanosPerOp[1], nanosPerOp[0]));
        System.out.printf("batched / sequential read median of per-round ratios %.3f%n", medianRatio(nanosPerOp[3], nanosPerOp[0]));
        System.out.printf("unbatched / sequential    median of per-round ratios %.3f%n", medianRatio(nanosPerOp[3], nanosPerOp[1]));
        System.out.printf("parse only / sequential   median of per-round ratios %.3f%n", medianRatio(nanosPerOp[3], nanosPerOp[2]));
        System.out.printf("parse+hash / sequential   median of per-round ratios %.3f%n", medianRatio(nanosPerOp[3], nanosPerOp[4]));
    }

    private static long run(final BitcoinWatchScanBenchmark b, final BitcoinBenchState s, final int variant) {
        switch (variant) {
            case 0:
                return b.finalityScannerWithMatcher(s);
            case 1:
                return b.finalityScannerWithMatcherUnbatched(s);
            case 2:
                return b.finalityScannerNoProbe(s);
            case 4:
                return scanWith(s, HASH_ONLY);
            case 5:
            case 6:
            case 7:
            case 8:
                return scanWith(s, VARIANTS[variant - 5]);
            default:
                return b.sequentialRead(s);
        }
    }

    private static long scanWith(final BitcoinBenchState s, final AddressIndex index) {
        long found = 0;
        for (int i = 0; i < s.buffers.length; i++) {
            s.matches.clear();
            if (s.scanner.scanBlock(s.buffers[i], 0, s.buffers[i].capacity(), s.chain, index, s.matches) != ScanError.OK) {
                throw new IllegalStateException("scan failed");
            }
            found += s.matches.outputCount();
        }
        return found;
    }


    private static double mbps(final BitcoinBenchState s, final double nanosPerOp) {
        return s.totalBytes / (nanosPerOp / 1e9) / 1e6;
    }


    private static double min(final double[] values) {
        return Arrays.stream(values).min().orElse(0);
    }

    private static double max(final double[] values) {
        return Arrays.stream(values).max().orElse(0);
    }
}
