package io.finality.bench.engine;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.engine.command.InvoiceCommandCodec;
import io.finality.engine.journal.FileSnapshotStore;
import io.finality.engine.journal.JournalContext;
import io.finality.engine.journal.JournaledStateEngine;
import io.finality.engine.model.InvoiceSpec;
import io.finality.engine.policy.PolicyBook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.ObjIntConsumer;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Question: how many engine steps (ring slots) and payment events per second does stage 2 sustain
 * with 1,000,000 open invoices, journal appends included, and what does a step allocate?
 *
 * <ul>
 *   <li>{@code blockNoPayment}: a block that pays no invoice (the tip moves; in-flight invoices are
 *   re-evaluated). Must be 0 B/op.</li>
 *   <li>{@code mempoolThenBlock}: 4 payments announced in one mempool step, then mined by the next
 *   block (two steps per operation). The mempool sighting takes each payment record from the pool;
 *   the block step itself only moves known payments.</li>
 *   <li>{@code blockWithNewPayments}: a block with 4 payments never seen before, to random invoices
 *   (some paid several times). Records come from the engine's pool and go back once settled.</li>
 *   <li>{@code steadyStateNewPayments}: the steady state of a busy merchant: every block brings 4 new
 *   payments, each paying the next invoice (round robin over the 1 M) its amount due, so it confirms
 *   in that block; its payment settles 1,000 blocks (the reorg retention) + 1 confirmation later and
 *   its record is reused. Live payment records stay at about 4 x 1,065. Must be 0 B/op.</li>
 *   <li>{@code steadyStateReplacedPayments}: the same with fee bumps: every block, 4 payments seen in the mempool are
 *   replaced (RBF) by transactions paying the same invoices, which the block mines. Each op invalidates 4 payments,
 *   whose records retire once unchanged for the retention and are reused. Must be 0 B/op (it was not: invalidated
 *   records were kept for good, docs/BENCHMARKS.md "Retiring payments that count nowhere").</li>
 *   <li>{@code tick}: a one-second clock step over 1 M pending expiries.</li>
 *   <li>{@code mempoolThenBlockManyInputs}, {@code mempoolThenBlockManyOutputsOneInvoice},
 *   {@code mempoolThenBlockBatchPayout}, {@code mempoolThenGoneManyOutputsOneInvoice}: one large transaction, seen in
 *   the mempool and then mined (or dropped): costs that must grow linearly with its inputs and outputs.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar EngineStepBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {
    "-Xms6g", "-Xmx6g",
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
public class EngineStepBenchmark {
    private static final ChainId CHAIN = ChainId.BITCOIN_MAINNET;
    private static final int PAYMENTS_PER_BLOCK = 4;
    /** Inputs of the many-input payment: as many as the largest transaction of the shared test data spends. */
    private static final int MANY_INPUTS = 5_569;
    /** Outputs of the transaction that pays one invoice many times: about what a standard transaction can hold. */
    private static final int MANY_OUTPUTS = 3_000;
    /** Outputs of the batch payout: each pays an invoice of its own. */
    private static final int BATCH_OUTPUTS = 1_000;
    /** Inputs of the batch payout. */
    private static final int BATCH_INPUTS = 10;

    @Param({"1000000"})
    public int invoices;

    private Path dir;
    private JournaledStateEngine engine;
    private ChainEvent slot;
    private final SplittableRandom rnd = new SplittableRandom(7);
    private final UnsafeBuffer txid = new UnsafeBuffer(new byte[32]);
    private final UnsafeBuffer prevTxid = new UnsafeBuffer(new byte[32]);
    private long height;
    private long txCounter;
    private long nowMs = 1_000_000;
    private final int[] mempoolSlots = new int[PAYMENTS_PER_BLOCK];
    private int nextPaidSlot;

    /** Payment events written, for events/s beside steps/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Events {
        public long events;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("finality-engine-bench");
        engine = new JournaledStateEngine(PolicyBook.withDefaults(),
            new JournalContext().directory(dir.resolve("journal")).durability(JournalContext.Durability.NONE)
                .snapshotEverySteps(0),
            new FileSnapshotStore(dir.resolve("engine.snapshot")));
        slot = new ChainEvent(4096, 1 << 20, 64);
        final byte[] key = new byte[22];
        for (int i = 0; i < invoices; i++) {
            slot.reset(EventKind.INVOICE_OPEN, CHAIN);
            key[0] = 0;
            key[1] = 20;
            key[2] = (byte)i;
            key[3] = (byte)(i >>> 8);
            key[4] = (byte)(i >>> 16);
            final InvoiceSpec spec = new InvoiceSpec(i, "inv-" + i, CHAIN, null, 0, 500_000, Long.MAX_VALUE / 2,
                PolicyBook.BITCOIN_DEFAULT, "order-" + i, "corr-" + i);
            slot.reservePayload(InvoiceCommandCodec.encodeOpen(spec, key, slot.payloadBuffer(), 0));
            engine.onStep(slot, i, true);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        // Close the journal without a 1 M-invoice snapshot: it is not what is measured.
        engine.journal().close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void nextTxid() {
        txid.putLong(0, ++txCounter);
        txid.putLong(8, 0x5EED);
    }

    private ChainEvent block() {
        slot.reset(EventKind.BLOCK_CONNECTED, CHAIN).height(++height).timestampMs(nowMs);
        slot.blockHash().putLong(0, height);
        slot.blockHash().putLong(8, 0xB10C);
        return slot;
    }

    @Benchmark
    public void blockNoPayment(final Events events) {
        final long before = engine.nextEventSequence();
        engine.onStep(block(), height, true);
        events.events += engine.nextEventSequence() - before;
    }

    @Benchmark
    public void mempoolThenBlock(final Events events) {
        final long before = engine.nextEventSequence();
        // Payments announced earlier: the mempool step, then the block that mines them.
        slot.reset(EventKind.MEMPOOL_TX, CHAIN);
        final long first = txCounter + 1;
        for (int i = 0; i < PAYMENTS_PER_BLOCK; i++) {
            nextTxid();
            mempoolSlots[i] = rnd.nextInt(invoices);
            slot.matches().addOutput(i, txid, 0, 0, 0, 500_000, mempoolSlots[i], 0);
        }
        engine.onStep(slot, height, true);
        final ChainEvent b = block();
        txCounter = first - 1;
        for (int i = 0; i < PAYMENTS_PER_BLOCK; i++) {
            nextTxid();
            b.matches().addOutput(i, txid, 0, 0, 0, 500_000, mempoolSlots[i], 0);
        }
        engine.onStep(b, height, true);
        events.events += engine.nextEventSequence() - before;
    }

    @Benchmark
    public void blockWithNewPayments(final Events events) {
        final long before = engine.nextEventSequence();
        final ChainEvent b = block();
        for (int i = 0; i < PAYMENTS_PER_BLOCK; i++) {
            nextTxid();
            b.matches().addOutput(i, txid, 0, 0, 0, 500_000, rnd.nextInt(invoices), 0);
        }
        engine.onStep(b, height, true);
        events.events += engine.nextEventSequence() - before;
    }

    @Benchmark
    public void steadyStateNewPayments(final Events events) {
        final long before = engine.nextEventSequence();
        final ChainEvent b = block();
        for (int i = 0; i < PAYMENTS_PER_BLOCK; i++) {
            nextTxid();
            b.matches().addOutput(i, txid, 0, 0, 0, 500_000, nextPaidSlot, 0);
            nextPaidSlot = nextPaidSlot + 1 == invoices ? 0 : nextPaidSlot + 1;
        }
        engine.onStep(b, height, true);
        events.events += engine.nextEventSequence() - before;
    }

    @Benchmark
    public void steadyStateReplacedPayments(final Events events) {
        final long before = engine.nextEventSequence();
        for (int i = 0; i < PAYMENTS_PER_BLOCK; i++) {
            mempoolSlots[i] = nextPaidSlot;
            nextPaidSlot = nextPaidSlot + 1 == invoices ? 0 : nextPaidSlot + 1;
        }
        // the outpoints this block's payments spend
        prevTxid.putLong(0, (height + 1) * 0x9E37_79B9_7F4A_7C15L);
        prevTxid.putLong(8, 0xFEE);
        slot.reset(EventKind.MEMPOOL_TX, CHAIN);
        addPayingSpending(slot.matches());
        engine.onStep(slot, height, true);
        slot.reset(EventKind.MEMPOOL_TX, CHAIN);
        addPayingSpending(slot.matches());
        engine.onStep(slot, height, true);
        final ChainEvent b = block();
        txCounter -= PAYMENTS_PER_BLOCK;
        addPayingSpending(b.matches());
        engine.onStep(b, height, true);
        events.events += engine.nextEventSequence() - before;
    }

    /** A new transaction per invoice of {@link #mempoolSlots}, paying it its amount due and spending outpoint i. */
    private void addPayingSpending(final MatchList matches) {
        for (int i = 0; i < PAYMENTS_PER_BLOCK; i++) {
            nextTxid();
            matches.addOutput(i, txid, 0, 0, 0, 500_000, mempoolSlots[i], 0);
            matches.addSpend(txid, 0, prevTxid, 0, i);
        }
    }

    /**
     * One payment whose transaction spends {@value #MANY_INPUTS} outpoints (a consolidation, or an attacker's payment to a
     * public address): its mempool sighting, then the block that mines it. Every op spends new outpoints. Each sighting
     * reports every input again, so this measures how the engine learns and checks a payment's inputs.
     */
    @Benchmark
    public void mempoolThenBlockManyInputs(final Events events) {
        mempoolThenBlockOf(events, this::addManyInputPayment);
    }

    /**
     * One transaction with {@value #MANY_OUTPUTS} outputs that all pay the same invoice (dust to a public address, say):
     * its mempool sighting, then its block. Each output is a payment of its own. Each output is found among the
     * invoice's payments by a hash lookup and each payment event updates the invoice's totals by that payment alone, so
     * this is linear in the outputs (it was quadratic: docs/BENCHMARKS.md, "A transaction with thousands of outputs").
     */
    @Benchmark
    public void mempoolThenBlockManyOutputsOneInvoice(final Events events) {
        mempoolThenBlockOf(events, this::addManyOutputs);
    }

    /**
     * The same {@value #MANY_OUTPUTS}-output transaction seen in the mempool, then dropped by the node: as many
     * invalidations, which the engine reports in tracking order while the txid index hands the payments over newest
     * first (insertion sort's worst case; docs/BENCHMARKS.md, "A transaction with thousands of outputs").
     */
    @Benchmark
    public void mempoolThenGoneManyOutputsOneInvoice(final Events events) {
        final long before = engine.nextEventSequence();
        nextTxid();
        slot.reset(EventKind.MEMPOOL_TX, CHAIN);
        addManyOutputs(slot.matches(), rnd.nextInt(invoices));
        engine.onStep(slot, height, true);
        slot.reset(EventKind.MEMPOOL_TX_GONE, CHAIN);
        slot.payloadBuffer().putBytes(0, txid, 0, 32);
        slot.reservePayload(32);
        engine.onStep(slot, height, true);
        events.events += engine.nextEventSequence() - before;
    }

    /**
     * A batch payout (an exchange paying out its withdrawals, say): one transaction with {@value #BATCH_OUTPUTS} outputs,
     * each paying a different random invoice, spending {@value #BATCH_INPUTS} outpoints; its mempool sighting, then its
     * block. Every output is a payment that spends every input, so each sighting checks outputs × inputs outpoints.
     */
    @Benchmark
    public void mempoolThenBlockBatchPayout(final Events events) {
        mempoolThenBlockOf(events, this::addBatchPayout);
    }

    /** A new transaction paying a random invoice as {@code payment} writes it: its mempool sighting, then its block. */
    private void mempoolThenBlockOf(final Events events, final ObjIntConsumer<MatchList> payment) {
        final long before = engine.nextEventSequence();
        nextTxid();
        final int invoice = rnd.nextInt(invoices);
        slot.reset(EventKind.MEMPOOL_TX, CHAIN);
        payment.accept(slot.matches(), invoice);
        engine.onStep(slot, height, true);
        final ChainEvent b = block();
        payment.accept(b.matches(), invoice);
        engine.onStep(b, height, true);
        events.events += engine.nextEventSequence() - before;
    }

    private void addManyOutputs(final MatchList matches, final int invoice) {
        for (int i = 0; i < MANY_OUTPUTS; i++) {
            matches.addOutput(0, txid, 0, i, 0, 294, invoice, 0);
        }
    }

    private void addBatchPayout(final MatchList matches, final int firstInvoice) {
        for (int i = 0; i < BATCH_OUTPUTS; i++) {
            matches.addOutput(0, txid, 0, i, 0, 500_000, (firstInvoice + i * 7_919) % invoices, 0);
        }
        prevTxid.putLong(0, txCounter * 0x9E37_79B9_7F4A_7C15L);
        prevTxid.putLong(8, 0xBA7C);
        for (int i = 0; i < BATCH_INPUTS; i++) {
            matches.addSpend(txid, 0, prevTxid, 0, i);
        }
    }

    private void addManyInputPayment(final MatchList matches, final int invoice) {
        matches.addOutput(0, txid, 0, 0, 0, 500_000, invoice, 0);
        // every output of one earlier transaction (a consolidation of a batch payout's change, say)
        prevTxid.putLong(0, txCounter * 0x9E37_79B9_7F4A_7C15L);
        prevTxid.putLong(8, 0xC0DE);
        for (int i = 0; i < MANY_INPUTS; i++) {
            matches.addSpend(txid, 0, prevTxid, 0, i);
        }
    }

    /** Payment records the engine ever created: flat once steady (printed per trial, so a leak shows). */
    @TearDown(Level.Iteration)
    public void reportRecords() {
        System.out.println("payment records created: " + engine.engine().paymentRecordsCreated()
            + ", settled: " + engine.engine().settledPayments() + ", retired: " + engine.engine().retiredPayments());
    }

    @Benchmark
    public void tick(final Events events) {
        final long before = engine.nextEventSequence();
        nowMs += 1_000;
        slot.reset(EventKind.TICK, CHAIN).timestampMs(nowMs);
        engine.onStep(slot, 0, true);
        events.events += engine.nextEventSequence() - before;
    }
}
