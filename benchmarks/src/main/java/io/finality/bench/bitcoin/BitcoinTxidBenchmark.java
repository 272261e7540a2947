package io.finality.bench.bitcoin;

import io.finality.bitcoin.scan.ScanError;
import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Transaction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Every txid of every block: our scanner ({@link #finalityAllTxids}) vs bitcoinj ({@link #bitcoinjAllTxids}),
 * beside one double SHA-256 over each whole block ({@link #hashingFloor}): txids hash slightly fewer bytes
 * than the block (no witnesses) but in many small messages, so the floor is the bar to get close to.
 * One op = every block of the fixture once.
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
    "--add-modules=jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true"})
public class BitcoinTxidBenchmark {
    /** The floor's own digest and scratch, so it allocates nothing either. */
    @State(Scope.Thread)
    public static class Floor {
        MessageDigest digest;
        final byte[] scratch = new byte[32];

        @Setup
        public void setUp() throws NoSuchAlgorithmException {
            digest = MessageDigest.getInstance("SHA-256");
        }
    }

    /**
     * Which engine hashes our txids (system property {@code finality.bitcoin.txidPath}): {@code auto} lets the scanner
     * time vector lanes against the SHA-NI intrinsic and take the faster; {@code pairs} and {@code vector} force one, so
     * {@code -p txidPath=pairs,vector} compares them (JMH forks a JVM per value, and the choice is made once per JVM).
     */
    @State(Scope.Benchmark)
    public static class TxidPathChoice {
        @Param({"auto"})
        public String txidPath;

        @Setup
        public void setUp() {
            System.setProperty("finality.bitcoin.txidPath", txidPath);
        }
    }

    @Benchmark
    public int finalityAllTxids(final BitcoinBenchState s, final TxidPathChoice path) {
        return allTxids(s);
    }

    /** {@link #finalityAllTxids}'s work, for the harnesses that run it outside JMH. */
    public int allTxids(final BitcoinBenchState s) {
        int txs = 0;
        final int n = s.buffers.length;
        for (int i = 0; i < n; i++) {
            final int status = s.scanner.allTxids(s.buffers[i], 0, s.buffers[i].capacity(), s.txids, 0);
            if (status != ScanError.OK) {
                throw new IllegalStateException(ScanError.name(status));
            }
            txs += s.txids.getByte(0);
        }
        return txs;
    }

    @Benchmark
    public void bitcoinjAllTxids(final BitcoinBenchState s, final Blackhole bh) {
        for (byte[] bytes : s.blocks) {
            final Block block = Block.read(ByteBuffer.wrap(bytes));
            for (Transaction tx : block.getTransactions()) {
                bh.consume(tx.getTxId());
            }
        }
    }

    @Benchmark
    public byte hashingFloor(final BitcoinBenchState s, final Floor f) throws DigestException {
        byte acc = 0;
        for (byte[] bytes : s.blocks) {
            f.digest.update(bytes, 0, bytes.length);
            f.digest.digest(f.scratch, 0, 32);
            f.digest.update(f.scratch, 0, 32);
            f.digest.digest(f.scratch, 0, 32);
            acc ^= f.scratch[0];
        }
        return acc;
    }
}
