package io.finality.bench.bitcoin;

import io.finality.bitcoin.scan.BitcoinBlockScanner;
import io.finality.bitcoin.scan.ProbeHelper;
import io.finality.bitcoin.scan.ScanError;
import io.finality.core.ring.MatchList;
import io.finality.core.spi.AddressIndex;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import net.openhft.affinity.Affinity;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionOutput;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One job done three ways on the same real mainnet blocks: find every output paying one of 1,000,000
 * watched scripts and the txid of each such transaction.
 * <ol>
 *   <li>{@link #finalityScannerWithMatcher}: (a), our in-place scanner probing our off-heap matcher in batches of
 *   {@link io.finality.bitcoin.scan.BitcoinBlockScanner#DEFAULT_BATCH} output scripts
 *   ({@link #finalityScannerWithMatcherUnbatched}: the same, one probe per output, for comparison);</li>
 *   <li>{@link #finalityScanner}: the same scanner probing the benchmark's stand-in index (kept for comparison);</li>
 *   <li>{@link #bitcoinj}: bitcoinj parses each block, looks each output script up in a {@code HashSet},
 *   and takes the txid of matching transactions;</li>
 *   <li>{@link #sequentialRead}: a plain sequential read of the same bytes, the physical line.</li>
 * </ol>
 * On both cores ({@link Pinned}: needs CPUs {@value #SCAN_CPU} and {@value #HELPER_CPU}): {@link #finalityScannerPinned},
 * (a) with the benchmark thread pinned, beside {@link #finalityScannerWithPinnedProbeHelper}, the same with the scanner's
 * {@link ProbeHelper} pinned to the other CPU (as the node runs with {@code pipeline.scan_helper} and both CPUs set),
 * and {@link #sequentialReadTwoThreads}, (c) on two threads at once, each reading every block (JMH adds their ops/s):
 * the line for a job that uses two cores.
 * One op = every block of the fixture once; MB/s = ops/s x fixture bytes (printed at setup).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "-Xms3g", "-Xmx3g",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.provider=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true"})
public class BitcoinWatchScanBenchmark {
    static final int SCAN_CPU = 0;
    static final int HELPER_CPU = 1;
    private static final AddressIndex NEVER = (chain, key, offset, length) -> AddressIndex.MISSING;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** (a): our scanner probing our matcher ({@code WatchKeyIndex}, off-heap, with its pre-filter). */
    @Benchmark
    public int finalityScannerWithMatcher(final BitcoinBenchState s) {
        return scanAll(s, s.scanner, s.matcher, s.matches);
    }

    /** Diagnostic: (a) with batching off (each output probed as the walk reaches it), to measure what batching buys. */
    @Benchmark
    public int finalityScannerWithMatcherUnbatched(final BitcoinBenchState s) {
        return scanAll(s, s.unbatchedScanner, s.matcher, s.matches);
    }

    @Benchmark
    public int finalityScanner(final BitcoinBenchState s) {
        return scanAll(s, s.scanner, s.index, s.matches);
    }

    /** Diagnostic, not one of the three: the scanner with an index that never matches, to split parse cost from probe cost. */
    @Benchmark
    public int finalityScannerNoProbe(final BitcoinBenchState s) {
        return scanAll(s, s.scanner, NEVER, s.matches);
    }

    @Benchmark
    public int bitcoinj(final BitcoinBenchState s, final Blackhole bh) {
        int found = 0;
        for (byte[] bytes : s.blocks) {
            final Block block = Block.read(ByteBuffer.wrap(bytes));
            for (Transaction tx : block.getTransactions()) {
                boolean hit = false;
                for (TransactionOutput out : tx.getOutputs()) {
                    if (s.watchedSet.contains(ByteBuffer.wrap(out.getScriptBytes()))) {
                        bh.consume(out.getValue().value);
                        hit = true;
                        found++;
                    }
                }
                if (hit) {
                    bh.consume(tx.getTxId());
                }
            }
        }
        return found;
    }

    @Benchmark
    public long sequentialRead(final BitcoinBenchState s) {
        return readAll(s);
    }

    /** The benchmark thread pinned to {@link #SCAN_CPU} for the trial, and a scanner with a helper on {@link #HELPER_CPU}. */
    @State(Scope.Benchmark)
    public static class Pinned {
        BitcoinBlockScanner scanner;
        BitcoinBlockScanner helped;
        ProbeHelper helper;
        MatchList matches;
        private BitSet before;

        @Setup(Level.Trial)
        public void pin() {
            before = Affinity.getAffinity();
            Affinity.setAffinity(SCAN_CPU);
            helper = new ProbeHelper(() -> Affinity.setAffinity(HELPER_CPU));
            scanner = new BitcoinBlockScanner();
            helped = new BitcoinBlockScanner(null, helper);
            matches = new MatchList(1024);
        }

        @TearDown(Level.Trial)
        public void unpin() {
            helper.close();
            Affinity.setAffinity(before);
        }
    }

    /** (a) on one pinned core: the baseline of the helper's gain in the same run. */
    @Benchmark
    public int finalityScannerPinned(final BitcoinBenchState s, final Pinned p) {
        return scanAll(s, p.scanner, s.matcher, p.matches);
    }

    /** (a) on two cores: the helper probes the outputs the walk has queued while the walk goes on. */
    @Benchmark
    public int finalityScannerWithPinnedProbeHelper(final BitcoinBenchState s, final Pinned p) {
        return scanAll(s, p.helped, s.matcher, p.matches);
    }

    @Benchmark
    @Threads(2)
    public long sequentialReadTwoThreads(final BitcoinBenchState s) {
        return readAll(s);
    }

    /** Scan every block of the fixture with {@code scanner} against {@code index}: the outputs found. */
    static int scanAll(final BitcoinBenchState s, final BitcoinBlockScanner scanner, final AddressIndex index,
        final MatchList matches) {
        int found = 0;
        for (int i = 0; i < s.buffers.length; i++) {
            matches.clear();
            final int status = scanner.scanBlock(s.buffers[i], 0, s.buffers[i].capacity(), s.chain, index, matches);
            if (status != ScanError.OK) {
                throw new IllegalStateException(ScanError.name(status));
            }
            found += matches.outputCount();
        }
        return found;
    }

    /** (c): read every byte of every block once, eight at a time. */
    static long readAll(final BitcoinBenchState s) {
        long acc = 0;
        for (byte[] bytes : s.blocks) {
            final int end = bytes.length - 7;
            for (int i = 0; i < end; i += 8) {
                acc += (long)LONGS.get(bytes, i);
            }
        }
        return acc;
    }
}
