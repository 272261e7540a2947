package io.finality.bench.metrics;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.engine.command.InvoiceCommandCodec;
import io.finality.engine.journal.FileSnapshotStore;
import io.finality.engine.journal.JournalContext;
import io.finality.engine.journal.JournaledStateEngine;
import io.finality.engine.model.InvoiceSpec;
import io.finality.engine.policy.PolicyBook;
import io.finality.tools.metrics.MeteredStateEngine;
import io.finality.tools.metrics.StepMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Question: what does metering add to a state-engine step, and does it allocate? The same block step
 * (a Bitcoin header and a 2,500-transaction count, no payment, journal append included) through the bare
 * {@link JournaledStateEngine} (the baseline) and through {@link MeteredStateEngine} (counters, transaction
 * count read in place, HdrHistogram latency record). Both must be 0 B/op; the difference is the meter's cost.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar MeteredStepBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "-Xms1g", "-Xmx1g",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.provider=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true"})
public class MeteredStepBenchmark {
    private static final ChainId CHAIN = ChainId.BITCOIN_MAINNET;

    @Param({"10000"})
    public int invoices;

    private Path dir;
    private JournaledStateEngine engine;
    private MeteredStateEngine metered;
    private ChainEvent slot;
    private long height;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("finality-metered-bench");
        engine = new JournaledStateEngine(PolicyBook.withDefaults(),
            new JournalContext().directory(dir.resolve("journal")).durability(JournalContext.Durability.NONE).snapshotEverySteps(0),
            new FileSnapshotStore(dir.resolve("engine.snapshot")));
        metered = new MeteredStateEngine(engine, new StepMetrics());
        slot = new ChainEvent(4096, 1 << 20, 64);
        final byte[] key = new byte[22];
        for (int i = 0; i < invoices; i++) {
            slot.reset(EventKind.INVOICE_OPEN, CHAIN);
            key[1] = 20;
            key[2] = (byte)i;
            key[3] = (byte)(i >>> 8);
            key[4] = (byte)(i >>> 16);
            final InvoiceSpec spec = new InvoiceSpec(i, "inv-" + i, CHAIN, null, 0, 500_000, Long.MAX_VALUE / 2,
                PolicyBook.BITCOIN_DEFAULT, "order-" + i, "");
            slot.reservePayload(InvoiceCommandCodec.encodeOpen(spec, key, slot.payloadBuffer(), 0));
            engine.onStep(slot, i, true);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        engine.journal().close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A connected block slot: 80-byte header, then the transaction count 2,500 (0xFD + u16 LE). */
    private ChainEvent block() {
        slot.reset(EventKind.BLOCK_CONNECTED, CHAIN).height(++height).timestampMs(1_000_000 + height).publishNanos(System.nanoTime());
        slot.blockHash().putLong(0, height);
        slot.reservePayload(83);
        slot.payloadBuffer().putByte(80, (byte)0xFD);
        slot.payloadBuffer().putShort(81, (short)2_500, java.nio.ByteOrder.LITTLE_ENDIAN);
        return slot;
    }

    @Benchmark
    public long bareStep() {
        engine.onStep(block(), height, true);
        return engine.stepSequence();
    }

    @Benchmark
    public long meteredStep() {
        metered.onStep(block(), height, true);
        return engine.stepSequence();
    }
}
