package io.finality.tools.node;

import io.finality.bitcoin.p2p.BitcoinPeerContext;
import io.finality.bitcoin.scan.BitcoinBlockScanner;
import io.finality.bitcoin.scan.ProbeHelper;
import io.finality.bitcoin.scan.OutpointWatch;
import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import io.finality.core.pipeline.EventPublisher;
import io.finality.core.pipeline.MatchingScanStage;
import io.finality.core.pipeline.Pipeline;
import io.finality.core.pipeline.SlotFiller;
import io.finality.core.ring.EventKind;
import io.finality.engine.command.InvoiceCommandCodec;
import io.finality.engine.command.InvoiceWatchCommands;
import io.finality.engine.journal.ChainPosition;
import io.finality.engine.journal.ChronicleGuard;
import io.finality.engine.journal.EventJournal;
import io.finality.engine.journal.JournalContext;
import io.finality.engine.journal.JournaledStateEngine;
import io.finality.engine.model.InvoiceSpec;
import io.finality.ethereum.EthereumBlockScanner;
import io.finality.ethereum.sync.EthereumContext;
import io.finality.matcher.index.WatchKeyIndex;
import io.finality.matcher.index.WatchKeyIndexContext;
import io.finality.matcher.store.InvoiceConflictException;
import io.finality.matcher.store.InvoiceRecord;
import io.finality.matcher.store.InvoiceStore;
import io.finality.matcher.store.InvoiceStatus;
import io.finality.matcher.store.InvoiceStoreContext;
import io.finality.matcher.store.OpenResult;
import io.finality.tools.metrics.MeteredStateEngine;
import io.finality.tools.metrics.StepMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The composition root: one process holding the whole pipeline of DESIGN.md.
 *
 * <pre>
 *   node connections ─┐  (Bitcoin P2P / Ethereum WS: issues 6 and 7; the demo feeds a regtest chain)
 *   API: open/cancel ─┤     open: validate → InvoiceStore (RocksDB, synced) → ring
 *   timer: TICK ──────┘
 *                     ▼
 *   ┌──────────────── Disruptor ring of ChainEvent (multi-producer) ────────────────┐
 *   │ 1. scan + match  (thread finality-scan)                                        │
 *   │      MatchingScanStage → BitcoinBlockScanner (+ OutpointWatch for conflicts)   │
 *   │      probes WatchKeyIndex (off-heap); sole writer of both indexes              │
 *   │      + thread finality-scan-probe: large blocks' probes (pipeline.scan_helper) │
 *   │ 2. state engine  (thread finality-engine)                                      │
 *   │      MeteredStateEngine → JournaledStateEngine → InvoiceEngine;                │
 *   │      one Chronicle document per step, then StepMetrics (counts, latency)       │
 *   │ (pipeline.fused_stages: one thread finality-stages runs 1 then 2 per slot)     │
 *   └────────────────────────────────────────────────────────────────────────────────┘
 *                     ▼
 *   journal/ (Chronicle Queue) ── EventTailer, `finality tail`
 *   invoices/ (RocksDB: invoices, by-key, snapshots ← engine snapshots)
 * </pre>
 *
 * <p>Start-up order: open the store, load the watched keys into the index (open and cancelled invoices:
 * a cancel keeps its key watched, so a restart must too), recover the
 * engine from its snapshot and journal, re-publish invoices the store holds but the engine never
 * saw (a crash between the store write and the ring), then start the ring. {@link #close()} drains
 * the ring, snapshots the engine, closes the journal, the indexes and RocksDB, in that order.
 *
 * <p>Thread rules: {@link #open}, {@link #cancel} and {@link #publisher()} from any thread.
 */
public final class FinalityNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FinalityNode.class.getName());

    static {
        ChronicleGuard.disableAnalytics();
    }

    private final NodeContext context;
    private final InvoiceValidator validator;
    private final InvoiceStore store;
    private final WatchKeyIndex scripts;
    private final WatchKeyIndex outpointIndex;
    /** The Bitcoin scanner's probe thread ({@code pipeline.scan_helper}), or null; closed after the pipeline. */
    private final ProbeHelper probeHelper;
    private final BitcoinBlockScanner bitcoinScanner;
    private final JournaledStateEngine engine;
    private final Pipeline pipeline;
    private final StepMetrics metrics = new StepMetrics();
    private final long firstEventSequence;
    private final long journalIndexAtStart;
    /** API commands carry their receive time (the engine never reads a clock; events echo the step's time). */
    private final SlotFiller<byte[]> bytesFiller = (slot, bytes) -> {
        slot.timestampMs(System.currentTimeMillis());
        return slot.payload(bytes, 0, bytes.length);
    };

    public FinalityNode(final NodeContext context) {
        this.context = context;
        this.validator = new InvoiceValidator(context.policies(), context.tokens());
        store = InvoiceStore.open(new InvoiceStoreContext().path(context.dataDirectory().resolve("invoices")));
        // sized for what the store holds (slots are dense: one per invoice ever stored) and an eighth more: an index grown
        // while loading would still be draining its old table, through the scan thread's mutations, once blocks arrive
        final long stored = store.nextSlot();
        scripts = new WatchKeyIndex(new WatchKeyIndexContext()
            .expectedKeys((int) Math.min(WatchKeyIndex.MAX_KEYS, Math.max(context.expectedKeys(), stored + stored / 8))));
        outpointIndex = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(1024));
        final CpuPinning pinning = new CpuPinning();
        engine = new JournaledStateEngine(context.policies(),
            new JournalContext().directory(context.dataDirectory().resolve("journal")).durability(context.durability())
                .snapshotEverySteps(context.snapshotEverySteps())
                .pretouchThreadStart(CpuPinning.threadStart(pinning, context.pretouchCpu(), "journal pretouch thread", LOG)),
            new StoreSnapshotStore(store));
        firstEventSequence = engine.nextEventSequence();
        journalIndexAtStart = engine.journal().lastIndex();
        store.loadInto(scripts, (scanned, loaded, done) -> { });
        final List<InvoiceRecord> unseen = unseenByEngine();
        // Decided before the scan thread starts writing the index.
        unseen.removeIf(r -> r.status() == InvoiceStatus.CANCELLED && scripts.lookup(r.chain().code(),
            new org.agrona.concurrent.UnsafeBuffer(r.watchKey()), 0, r.watchKeyLength()) != r.slot());
        context.pipeline().threadAffinity(pinning);
        probeHelper = context.pipeline().scanHelper() && Runtime.getRuntime().availableProcessors() >= 2
            ? new ProbeHelper(CpuPinning.threadStart(pinning, context.pipeline().scanHelperCpu(), "scan probe helper", LOG)) : null;
        bitcoinScanner = new BitcoinBlockScanner(new OutpointWatch(outpointIndex, context.outpointRetentionBlocks()), probeHelper);
        final MatchingScanStage scan = new MatchingScanStage(scripts, new InvoiceWatchCommands())
            .scanner(ChainFamily.ETHEREUM, new EthereumBlockScanner())
            .scanner(ChainFamily.BITCOIN, bitcoinScanner);
        pipeline = new Pipeline(context.pipeline(), scan, new MeteredStateEngine(engine, metrics)).start();
        for (InvoiceRecord r : unseen) {
            publishOrFail(EventKind.INVOICE_OPEN, r.chain(), openPayload(r));
            if (r.status() == InvoiceStatus.CANCELLED) {
                publishCancel(r);
            }
        }
        if (!unseen.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "re-published " + unseen.size() + " invoices the engine had not yet applied");
        }
    }

    /** Where producers (node connections, the timer) publish. */
    public EventPublisher publisher() {
        return pipeline;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /**
     * Where {@code chain} stands as the state engine applied it: recovered from the journal when the node
     * started, then kept current. Read it before starting a chain's source to resume after a restart.
     * Any thread.
     */
    public ChainPosition chainPosition(final ChainId chain) {
        return engine.chainPosition(chain);
    }

    /**
     * Make a Bitcoin connection resume from the journal: if the journal applied blocks of the context's
     * network, start after its applied tip with the recorded hashes as the locator (walking back if the
     * node reorganised meanwhile); otherwise keep the context's configured start block. Returns {@code peer}.
     */
    public BitcoinPeerContext resumeBitcoin(final BitcoinPeerContext peer) {
        final ChainPosition position = chainPosition(peer.network().chain());
        if (!position.empty()) {
            peer.resumeFrom(position.tipHeight(), position.hashesOldestFirst());
            LOG.log(System.Logger.Level.INFO, "resuming " + position);
        }
        return peer;
    }

    /**
     * Make an Ethereum connection resume from the journal: if the journal applied blocks of the context's chain,
     * continue after its applied tip (walking back if the node reorganised meanwhile); otherwise keep the
     * configured start height. Returns {@code ethereum}.
     */
    public EthereumContext resumeEthereum(final EthereumContext ethereum) {
        final ChainPosition position = chainPosition(ethereum.chain());
        if (!position.empty()) {
            ethereum.resumeFrom(position.tipHeight(), position.hashesOldestFirst());
            LOG.log(System.Logger.Level.INFO, "resuming " + position);
        }
        return ethereum;
    }

    /** The journal, for tailers. */
    public EventJournal journal() {
        return engine.journal();
    }

    public InvoiceStore store() {
        return store;
    }

    /**
     * Payment events journaled so far (the last event sequence). A plain read of a field the engine
     * thread writes: fine for metrics and health (a 64-bit JVM reads a long whole), never for control flow.
     */
    public long eventsWritten() {
        return engine.nextEventSequence() - 1;
    }

    /**
     * Chunks of a large Bitcoin block's probes that the scan thread took over from the probe helper, which had stopped
     * in them ({@code pipeline.scan_helper}; 0 without it). A plain read of a field the scan thread writes, as
     * {@link #eventsWritten}: for metrics only.
     */
    public long scanHelperTakeOvers() {
        return bitcoinScanner.helperTakeOvers();
    }

    /** The two indexes the scan thread owns and probes: watched scripts (invoices) and the outpoints payments spent. */
    public enum WatchIndex {
        SCRIPTS, OUTPOINTS
    }

    /**
     * Maintenance passes of {@code which} index so far (growth, arena compaction): each one a pause
     * of the scan thread, which owns the index. A plain read of a field the scan thread writes: for metrics only.
     */
    public long indexPauses(final WatchIndex which) {
        return index(which).pauseCount();
    }

    /** The longest of {@link #indexPauses} so far, in nanoseconds (0 before the first). For metrics only, as that. */
    public long indexMaxPauseNanos(final WatchIndex which) {
        return index(which).maxPauseNanos();
    }

    private WatchKeyIndex index(final WatchIndex which) {
        return which == WatchIndex.SCRIPTS ? scripts : outpointIndex;
    }

    /**
     * How deep below a chain's tip a rescan may read: the engine's reorg retention, within which every payment
     * it credited is still tracked one by one (see {@code InvoiceEngine#rescannable}).
     */
    public int rescanDepth() {
        return engine.engine().reorgRetentionBlocks();
    }

    /** Rescanned blocks the engine applied since the node opened (read after {@link #awaitApplied}). */
    public long rescannedBlocks() {
        return engine.rescannedBlocks();
    }

    /** Rescanned blocks the engine refused: not on its applied chain, or out of range. */
    public long refusedRescans() {
        return engine.refusedRescans();
    }

    /** What the engine thread counts per step (blocks, reorgs, transactions, matches, latency), for metrics. */
    public StepMetrics metrics() {
        return metrics;
    }

    /** The journal's last index when this process started (before its pipeline ran): a tailer of this run starts after it. */
    public long journalIndexAtStart() {
        return journalIndexAtStart;
    }

    /** The first event sequence this process wrote (or will write): what it recovered ended just before. */
    public long firstEventSequence() {
        return firstEventSequence;
    }

    /** Whether every journal append so far succeeded (same plain read as {@link #eventsWritten()}). */
    public boolean healthy() {
        return engine.healthy();
    }

    /**
     * Open an invoice: validate, store it durably (idempotent on the id), then publish it into the ring.
     *
     * @throws IllegalArgumentException naming the bad field.
     * @throws InvoiceConflictException if the id exists with different content.
     */
    public OpenResult open(final InvoiceRequest request) {
        final InvoiceRecord record = validator.validate(request);
        final OpenResult result = store.open(record);
        if (result.created()) {
            final InvoiceRecord r = result.record();
            final byte[] payload = openPayload(r);
            publishOrFail(EventKind.INVOICE_OPEN, r.chain(), payload);
        }
        return result;
    }

    /**
     * Cancel an invoice (the engine refuses it if a payment already counts).
     *
     * @return the cancelled record, or null if no such invoice exists.
     */
    public InvoiceRecord cancel(final String invoiceId) {
        final InvoiceRecord r = store.cancel(invoiceId);
        if (r != null) {
            publishCancel(r);
        }
        return r;
    }

    private void publishCancel(final InvoiceRecord r) {
        final byte[] payload = new byte[5];
        InvoiceCommandCodec.encodeCancel(r.slot(), new org.agrona.concurrent.UnsafeBuffer(payload), 0);
        publishOrFail(EventKind.INVOICE_CANCEL, r.chain(), payload);
    }

    /**
     * Invoices the store accepted but the recovered engine never saw (a crash or a full ring between the
     * store write and the ring), in slot order, the order they were accepted in. Slots are dense and the
     * engine never forgets an invoice, so a hole in the engine's slots is exactly such an invoice; the
     * store is only scanned in that rare case.
     */
    private List<InvoiceRecord> unseenByEngine() {
        // A cancelled one whose key a later invoice took is dropped by the caller: re-opening it would take the key back.
        final int slots = store.nextSlot();
        boolean any = false;
        for (int slot = 0; slot < slots && !any; slot++) {
            any = engine.engine().invoice(slot) == null;
        }
        final List<InvoiceRecord> unseen = new ArrayList<>();
        if (any) {
            store.forEach(r -> {
                if (engine.engine().invoice(r.slot()) == null) {
                    unseen.add(r);
                }
            });
            unseen.sort(Comparator.comparingInt(InvoiceRecord::slot));
        }
        return unseen;
    }

    /** Publish a wall-clock tick (the engine's only source of time). */
    public int tick(final long nowMs) {
        return pipeline.publish(EventKind.TICK, ChainId.BITCOIN_MAINNET, 0, (slot, t) -> {
            slot.timestampMs(t);
            return true;
        }, nowMs);
    }

    /** Block until every slot published so far went through both stages (or the timeout passes). */
    public boolean awaitApplied(final long timeoutMs) {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (pipeline.counters().applied() < pipeline.counters().published()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return true;
    }

    @Override
    public void close() {
        try {
            pipeline.close();
        } finally {
            try {
                // the scan thread has stopped: nothing opens a block for the helper any more
                if (probeHelper != null) {
                    probeHelper.close();
                }
                engine.close();
            } finally {
                scripts.close();
                outpointIndex.close();
                store.close();
            }
        }
    }

    private void publishOrFail(final EventKind kind, final ChainId chain, final byte[] payload) {
        final int result = pipeline.publish(kind, chain, payload.length, bytesFiller, payload);
        if (result != EventPublisher.PUBLISHED) {
            // The invoice is stored; the next start re-publishes what the engine did not apply.
            throw new IllegalStateException("could not publish " + kind + ": " + EventPublisher.describe(result));
        }
    }

    static byte[] openPayload(final InvoiceRecord r) {
        final byte[] contract = r.assetContract() == null ? null : Hex.fromHex(r.assetContract().substring(2));
        final InvoiceSpec spec = new InvoiceSpec(r.slot(), r.invoiceId(), r.chain(), contract, r.amountDueHi(), r.amountDueLo(),
            r.expiresAtMs(), r.policy(), r.orderId() == null ? "" : r.orderId(),
            r.correlationId() == null ? "" : r.correlationId());
        final byte[] key = r.watchKey();
        final byte[] payload = new byte[InvoiceCommandCodec.openLength(spec, key.length)];
        final int n = InvoiceCommandCodec.encodeOpen(spec, key, new org.agrona.concurrent.UnsafeBuffer(payload), 0);
        return java.util.Arrays.copyOf(payload, n);
    }
}
