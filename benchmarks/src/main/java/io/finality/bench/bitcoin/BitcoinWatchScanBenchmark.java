package io.finality.bench.bitcoin;

import io.finality.bitcoin.scan.ScanError;
import io.finality.core.spi.AddressIndex;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionOutput;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
    private static final AddressIndex NEVER = (chain, key, offset, length) -> AddressIndex.MISSING;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** (a): our scanner probing our matcher ({@code WatchKeyIndex}, off-heap, with its pre-filter). */
    @Benchmark
    public int finalityScannerWithMatcher(final BitcoinBenchState s) {
        int found = 0;
        final int n = s.buffers.length;
        for (int i = 0; i < n; i++) {
            s.matches.clear();
            final int status = s.scanner.scanBlock(s.buffers[i], 0, s.buffers[i].capacity(), s.chain, s.matcher, s.matches);
            if (status != ScanError.OK) {
                throw new IllegalStateException(ScanError.name(status));
            }
            found += s.matches.outputCount();
        }
        return found;
    }

    /** Diagnostic: (a) with batching off (each output probed as the walk reaches it), to measure what batching buys. */
    @Benchmark
    public int finalityScannerWithMatcherUnbatched(final BitcoinBenchState s) {
        int found = 0;
        final int n = s.buffers.length;
        for (int i = 0; i < n; i++) {
            s.matches.clear();
            final int status = s.unbatchedScanner.scanBlock(s.buffers[i], 0, s.buffers[i].capacity(), s.chain, s.matcher, s.matches);
            if (status != ScanError.OK) {
                throw new IllegalStateException(ScanError.name(status));
            }
            found += s.matches.outputCount();
        }
        return found;
    }

    @Benchmark
    public int finalityScanner(final BitcoinBenchState s) {
        int found = 0;
        final int n = s.buffers.length;
        for (int i = 0; i < n; i++) {
            s.matches.clear();
            final int status = s.scanner.scanBlock(s.buffers[i], 0, s.buffers[i].capacity(), s.chain, s.index, s.matches);
            if (status != ScanError.OK) {
                throw new IllegalStateException(ScanError.name(status));
            }
            found += s.matches.outputCount();
        }
        return found;
    }

    /** Diagnostic, not one of the three: the scanner with an index that never matches, to split parse cost from probe cost. */
    @Benchmark
    public int finalityScannerNoProbe(final BitcoinBenchState s) {
        int txs = 0;
        final int n = s.buffers.length;
        for (int i = 0; i < n; i++) {
            s.matches.clear();
            final int status = s.scanner.scanBlock(s.buffers[i], 0, s.buffers[i].capacity(), s.chain, NEVER, s.matches);
            if (status != ScanError.OK) {
                throw new IllegalStateException(ScanError.name(status));
            }
            txs += s.matches.outputCount();
        }
        return txs;
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
