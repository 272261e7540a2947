package io.finality.bitcoin.scan;

import io.finality.core.pipeline.MatchingScanStage;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.core.spi.AddressIndex;
import io.finality.core.spi.BlockScanner;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Stage 1 for Bitcoin chains: walks a slot's raw block ({@code BLOCK_CONNECTED}) or raw transaction
 * ({@code MEMPOOL_TX}) in place and records every output whose script is watched.
 *
 * <p>Per transaction, in one pass: validate the layout ({@link TransactionFlyweight#wrap}) while queueing each
 * output script for the {@link AddressIndex}. The queue is probed {@link #DEFAULT_BATCH} scripts at a time with
 * {@link AddressIndex#lookupBatch}, across transactions, so the index can overlap the cache misses of many keys
 * instead of taking them one after another; each transaction of the batch is remembered by a few offsets until then.
 * After the probe, transaction by transaction in block order (so the match list is the same as one probe at a
 * time would give), and only if an output matched: hash the stripped serialisation for the txid and record
 * the matched outputs ({@link MatchList#addOutput}: value in satoshis as the low word) and the transaction's
 * spent outpoints ({@link MatchList#addSpend}, the spent output index as a signed int; a coinbase's null
 * outpoint is left out) for double-spend detection. Transactions without a match are never hashed.
 *
 * <p>Bad payloads end the scan with a {@link ScanError} code and offset stored through
 * {@link ChainEvent#scanResult(int, int)}; matches recorded before the error stay in the list, and the
 * state engine decides what a partial scan is worth. Nothing allocates after construction, except
 * the match list and the batch's hit list growing while the ring warms up.
 *
 * <p>With a {@link ProbeHelper} (issue 9, p99 latency), a block of at least {@value #SHARED_PROBE_MIN_BYTES} bytes is
 * scanned as one batch: the walk queues all its outputs, a second thread probes them while the walk goes on, this
 * thread takes over what is left after its walk, and then the whole block is recorded as above, with the same result.
 *
 * <p>Thread rules: one instance per scan-stage thread (it holds reused flyweights, the batch and a digest).
 */
public final class BitcoinBlockScanner implements BlockScanner {
    /**
     * Default batch: output scripts probed per {@link AddressIndex#lookupBatch} call, and transactions whose
     * recording waits for their batch. Measured on real blocks with 1 M watched scripts (docs/BENCHMARKS.md,
     * "Bitcoin scanner"): 64 left most of the pre-filter's false-positive table reads (DRAM misses) one or two
     * per batch, so they barely overlapped; 256 gained a further 12 %; 1,024 no more than 256. The 256 held
     * flyweights take about 40 KB.
     */
    public static final int DEFAULT_BATCH = 256;
    /**
     * Smallest block whose probes are shared with a {@link ProbeHelper}: below it the hand-off (waking the helper,
     * one chunk of {@value SharedProbeJob#CHUNK} outputs at a time) would be most of the gain.
     */
    public static final int SHARED_PROBE_MIN_BYTES = 64 * 1024;

    private final BlockFlyweight block = new BlockFlyweight();
    /** Walks (validates) each transaction as the block cursor reaches it. */
    private final TransactionFlyweight tx = new TransactionFlyweight();
    /** Views a pending transaction again at the flush: whole if it has a hit, its inputs only otherwise. */
    private final TransactionFlyweight recorded = new TransactionFlyweight();
    private final DoubleSha256 hasher = new DoubleSha256();
    /** All-txids on heap buffers, two transactions hashed side by side; null without the SHA-256 fast path. */
    private final TxidLanes lanes = Sha256Compression.fastPathAvailable() ? new TxidLanes() : null;
    /** All-txids on heap buffers in vector lanes when {@link TxidPath} chose them: made on the first such call. */
    private TxidVectorLanes vectorLanes;
    /** False: all-txids never in vector lanes, whatever {@link TxidPath} chose (A/B benchmarks in one JVM). */
    private boolean vectorLanesAllowed = true;
    private final UnsafeBuffer txid = new UnsafeBuffer(new byte[DoubleSha256.LENGTH]);
    private final OutputBatch batch;
    /**
     * The walked transactions of the open batch, in block order, recorded when the batch is probed: they are
     * consecutive, so per transaction only its end (its start is the one before's end, the first's is kept, as is the
     * first's index), from which {@link #recorded} views it again. Keeping a flyweight per pending transaction instead
     * (256 of ~120 bytes, all rewritten per batch) took a cache's worth of stores and made the walk ~4 % slower
     * (docs/BENCHMARKS.md, "Bitcoin scanner"); so did six stores per transaction rather than two ("Reading raw where
     * the walk has checked").
     */
    private int[] pendingEnd;
    private int pendingFirstOffset;
    private int pendingFirstTxIndex;
    /** Whether the walk found an input whose outpoint's bit is set in the {@link OutpointWatch} (may be watched). */
    private boolean[] pendingMayConflict;
    /** Transactions per batch: a flush is due when this many are pending (a shared block holds them all instead). */
    private final int pendingLimit;
    private final OutpointWatch outpoints;
    /** The helper thread of large blocks, or null; with it, the block's shared probes. */
    private final ProbeHelper helper;
    private final SharedProbeJob shared;
    private final int sharedMinBytes;
    private int pendingCount;
    private int errorOffset;

    /** A scanner that reports payments only (no double-spend detection): benchmarks and tools. */
    public BitcoinBlockScanner() {
        this(null);
    }

    /**
     * A scanner that also reports transactions spending an outpoint a payment spent (replacements,
     * double spends), through {@code outpoints}.
     */
    public BitcoinBlockScanner(final OutpointWatch outpoints) {
        this(outpoints, DEFAULT_BATCH);
    }

    /**
     * As {@link #BitcoinBlockScanner(OutpointWatch)}, probing {@code batchSize} output scripts per batch and holding
     * up to {@code batchSize} transactions per batch; 1 probes each output as the walk reaches it (no batching).
     */
    public BitcoinBlockScanner(final OutpointWatch outpoints, final int batchSize) {
        this(outpoints, batchSize, null, Integer.MAX_VALUE);
    }

    /**
     * As {@link #BitcoinBlockScanner(OutpointWatch)}, sharing the probes of each block of at least
     * {@value #SHARED_PROBE_MIN_BYTES} bytes with {@code helper} when the index offers a
     * {@link AddressIndex#concurrentReader reader}: the walk queues all the block's outputs, the helper and then this
     * thread probe them, and the whole block is recorded at once, with the same match list as without a helper.
     * The caller owns (and closes) the helper; one helper per scanner.
     */
    public BitcoinBlockScanner(final OutpointWatch outpoints, final ProbeHelper helper) {
        this(outpoints, DEFAULT_BATCH, helper, SHARED_PROBE_MIN_BYTES);
    }

    /** Test hook: as {@link #BitcoinBlockScanner(OutpointWatch, ProbeHelper)}, sharing blocks of {@code sharedMinBytes} or more. */
    BitcoinBlockScanner(final OutpointWatch outpoints, final ProbeHelper helper, final int sharedMinBytes) {
        this(outpoints, DEFAULT_BATCH, helper, sharedMinBytes);
    }

    private BitcoinBlockScanner(final OutpointWatch outpoints, final int batchSize, final ProbeHelper helper, final int sharedMinBytes) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        this.outpoints = outpoints;
        this.helper = helper;
        this.shared = helper == null ? null : new SharedProbeJob();
        this.pendingLimit = batchSize;
        this.sharedMinBytes = sharedMinBytes;
        this.batch = new OutputBatch(batchSize);
        this.pendingEnd = new int[batchSize];
        this.pendingMayConflict = new boolean[batchSize];
    }

    @Override
    public int scan(final ChainEvent event, final AddressIndex index) {
        final EventKind kind = event.kind();
        final int status;
        if (kind == EventKind.BLOCK_CONNECTED || kind == EventKind.BLOCK_RESCANNED) {
            // a rescanned block is an old one: it must not move the outpoints' expiry clock
            if (outpoints != null && kind == EventKind.BLOCK_CONNECTED) {
                outpoints.onBlock(event.height());
            }
            status = scanBlock(event.payloadBuffer(), 0, event.payloadLength(), event.chain().code(), index, event.matches());
        } else if (kind == EventKind.MEMPOOL_TX) {
            status = scanTransaction(event.payloadBuffer(), 0, event.payloadLength(), event.chain().code(), index, event.matches());
        } else {
            status = ScanError.OK;
        }
        event.scanResult(status, status == ScanError.OK ? 0 : errorOffset);
        return status;
    }

    /**
     * A scanner like {@link #BitcoinBlockScanner()} whose {@link #allTxids} never uses vector lanes: for benchmarks that
     * compare the two engines in one JVM (the choice of {@link TxidPath} is made once per JVM).
     */
    public static BitcoinBlockScanner withoutVectorTxids() {
        final BitcoinBlockScanner scanner = new BitcoinBlockScanner();
        scanner.vectorLanesAllowed = false;
        return scanner;
    }

    /** Tests: a scanner whose {@link #allTxids} on heap always runs in vector lanes on {@code compression}. */
    static BitcoinBlockScanner withVectorTxids(final LaneCompression compression) {
        final BitcoinBlockScanner scanner = new BitcoinBlockScanner();
        scanner.vectorLanes = new TxidVectorLanes(compression);
        return scanner;
    }

    /**
     * Scan a block in {@code buffer[offset, offset + length)} against {@code index} into {@code matches}.
     *
     * @return {@link ScanError#OK} or an error code ({@link #errorOffset()} tells where).
     */
    public int scanBlock(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int chainCode,
        final AddressIndex index,
        final MatchList matches) {
        final BlockFlyweight block = this.block;
        int status = block.wrap(buffer, offset, length);
        if (status != ScanError.OK) {
            errorOffset = block.errorOffset();
            return status;
        }
        final OutputBatch batch = this.batch;
        final TransactionFlyweight tx = this.tx;
        batch.start(buffer, index, chainCode);
        pendingCount = 0;
        markSpentOutpoints();
        if (helper != null && length >= sharedMinBytes) {
            final AddressIndex reader = index.concurrentReader();
            // begin() refuses while the helper is still inside a chunk of the block before last (rare: see SharedProbeJob)
            if (reader != null && shared.begin(buffer, length, chainCode, reader)) {
                return scanBlockShared(buffer, length, index, matches);
            }
        }
        while (block.hasNextTransaction()) {
            status = block.nextTransaction(tx, batch);
            if (status != ScanError.OK) {
                errorOffset = block.errorOffset();
                // the transactions before the failed one are recorded as without the error; its own hits are ignored
                flush(buffer, matches);
                return status;
            }
            if (addPending(block.txIndex(), tx)) {
                flush(buffer, matches);
            }
        }
        flush(buffer, matches);
        errorOffset = 0;
        return ScanError.OK;
    }

    /**
     * {@link #scanBlock} with the probes shared with the helper (the block wrapped, the batch started, the shared job
     * begun): walk the whole block queueing every output into {@link #shared}, which the helper probes meanwhile; probe
     * what is left; then record the whole block at once, exactly as a flush of its transactions (so the match list, its order and
     * the outpoint watch's rules are those of the batched path: bits tested against the watch as it stood at the
     * start, every transaction after a payment's addition checked in full).
     */
    private int scanBlockShared(final DirectBuffer buffer, final int length, final AddressIndex index, final MatchList matches) {
        final BlockFlyweight block = this.block;
        final TransactionFlyweight tx = this.tx;
        final SharedProbeJob shared = this.shared;
        // a transaction takes at least 10 bytes (version, two counts, lock time), and the walk stops at the block's
        // count; sized before the walk so nothing grows mid-block
        ensurePending(Math.min(block.txCount(), length / 10 + 1));
        helper.open(shared);
        int status = ScanError.OK;
        while (block.hasNextTransaction()) {
            status = block.nextTransaction(tx, shared);
            if (status != ScanError.OK) {
                // the transactions before the failed one are recorded as without the error; its own hits are ignored
                break;
            }
            addPending(block.txIndex(), tx);
        }
        shared.endWalk();
        shared.finish(index);
        helper.idle();
        final OutputBatch batch = this.batch;
        for (int i = 0, n = shared.queued(); i < n; i++) {
            final int slot = shared.slot(i);
            if (slot != AddressIndex.MISSING) {
                batch.addHit(shared.scriptOffset(i), slot);
            }
        }
        record(buffer, matches);
        errorOffset = status == ScanError.OK ? 0 : block.errorOffset();
        return status;
    }

    /** Room for {@code count} pending transactions (grows only while warming up to the largest block). */
    private void ensurePending(final int count) {
        if (count > pendingEnd.length) {
            pendingEnd = Arrays.copyOf(pendingEnd, count);
            pendingMayConflict = Arrays.copyOf(pendingMayConflict, count);
        }
    }

    /**
     * Scan one transaction that must fill {@code buffer[offset, offset + length)} exactly.
     *
     * @return {@link ScanError#OK} or an error code ({@link #errorOffset()} tells where).
     */
    public int scanTransaction(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int chainCode,
        final AddressIndex index,
        final MatchList matches) {
        final TransactionFlyweight tx = this.tx;
        final int limit = offset + length;
        final OutputBatch batch = this.batch;
        batch.start(buffer, index, chainCode);
        pendingCount = 0;
        markSpentOutpoints();
        final int status = tx.wrap(buffer, offset, limit, batch);
        if (status != ScanError.OK) {
            errorOffset = tx.errorOffset();
            return status;
        }
        if (tx.end() != limit) {
            errorOffset = tx.end();
            return ScanError.TRAILING_BYTES;
        }
        addPending(0, tx);
        flush(buffer, matches);
        errorOffset = 0;
        return ScanError.OK;
    }

    /**
     * Compute every txid of a block into {@code dst} (txid {@code i} at {@code dstOffset + 32 * i}),
     * walking and hashing in place: the bulk-index and benchmark mode.
     *
     * @return {@link ScanError#OK}, a block error, or {@link ScanError#OUTPUT_TOO_SMALL}.
     */
    public int allTxids(final DirectBuffer buffer, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset) {
        final BlockFlyweight block = this.block;
        final TransactionFlyweight tx = this.tx;
        tx.spentOutpointBits(null, 0);
        int status = block.wrap(buffer, offset, length);
        if (status != ScanError.OK) {
            errorOffset = block.errorOffset();
            return status;
        }
        if ((long)block.txCount() * DoubleSha256.LENGTH > dst.capacity() - (long)dstOffset) {
            errorOffset = offset + BlockFlyweight.HEADER_LENGTH;
            return ScanError.OUTPUT_TOO_SMALL;
        }
        final byte[] array = buffer.byteArray();
        final byte[] out = dst.byteArray();
        if (lanes != null && array != null && out != null) {
            if (vectorLanes == null && vectorLanesAllowed && TxidPath.vector()) {
                vectorLanes = new TxidVectorLanes(TxidPath.loadVectorCompression());
            }
            final TxidBatch batch = vectorLanes != null ? vectorLanes : lanes;
            return allTxidsInLanes(batch, array, buffer.wrapAdjustment(), out, dst.wrapAdjustment() + dstOffset);
        }
        int at = dstOffset;
        while (block.hasNextTransaction()) {
            status = block.nextTransaction(tx);
            if (status != ScanError.OK) {
                errorOffset = block.errorOffset();
                return status;
            }
            tx.txid(hasher, dst, at);
            at += DoubleSha256.LENGTH;
        }
        errorOffset = 0;
        return ScanError.OK;
    }

    /**
     * {@link #allTxids} on heap arrays, the block already wrapped and the destination checked: see {@link TxidLanes} and
     * {@link TxidVectorLanes}.
     */
    private int allTxidsInLanes(final TxidBatch lanes, final byte[] array, final int adjustment, final byte[] out, final int outOffset) {
        final BlockFlyweight block = this.block;
        final TransactionFlyweight tx = this.tx;
        lanes.reset();
        int at = outOffset;
        while (block.hasNextTransaction()) {
            final int status = block.nextTransaction(tx);
            if (status != ScanError.OK) {
                // the txids before the bad transaction are written, as on the one-by-one path
                lanes.drain();
                errorOffset = block.errorOffset();
                return status;
            }
            lanes.submit(tx, array, adjustment, out, at);
            at += DoubleSha256.LENGTH;
        }
        lanes.drain();
        errorOffset = 0;
        return ScanError.OK;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: a block's scan may end while its {@link ProbeHelper} is still inside a chunk of probes it has stopped
     * in the middle of (the scan thread probed that chunk again rather than wait); this waits for that probe to end.
     */
    @Override
    public void awaitIndexReaders() {
        if (shared != null) {
            shared.awaitHelperIdle();
        }
    }

    /** Here: a slice of the outpoint watch's index upkeep (that index is read by this thread only). */
    @Override
    public void doIdleMaintenance() {
        if (outpoints != null) {
            outpoints.doMaintenance(MatchingScanStage.IDLE_MAINTENANCE_SLOTS);
        }
    }

    /** Test hook: probes that threw on the helper thread, so that this thread probed them again (expected: none). */
    long helperFailures() {
        return shared == null ? 0 : shared.helperFailures();
    }

    /**
     * Chunks of probes the scan thread took over from a helper that had not finished them in time (each one a helper
     * that lost its CPU in the middle of a chunk). Written by the scan thread; another thread reads a recent value.
     */
    public long helperTakeOvers() {
        return shared == null ? 0 : shared.takeOvers();
    }

    /** Offset of the failure reported by the last scan call. */
    public int errorOffset() {
        return errorOffset;
    }

    /**
     * Second half of the scan of the batch's first {@code count} transactions, after {@link TransactionFlyweight#wrap}
     * validated each one and the batch queued its output scripts: probe what is still queued, then, transaction by
     * transaction in block order (the order of the match list, which the engine's journal depends on), hash and
     * record those with a watched output and check the others for conflicting spends. Hits are kept by script
     * offset only (queueing less per output is what keeps the batch cheap), so they are matched to their
     * transaction and output here: both hits and transactions ascend in the buffer. Hits past the last of the
     * {@code count} transactions (a transaction that then failed to parse) are ignored.
     */
    private void flush(final DirectBuffer buffer, final MatchList matches) {
        batch.probe();
        record(buffer, matches);
    }

    /** The recording half of {@link #flush}: the batch's hits are all in, in walk order. */
    private void record(final DirectBuffer buffer, final MatchList matches) {
        final OutputBatch batch = this.batch;
        final int[] hitOffsets = batch.hitOffsets;
        final int hits = batch.hitCount;
        final TransactionFlyweight recorded = this.recorded;
        final OutpointWatch outpoints = this.outpoints;
        final int count = pendingCount;
        // the walk tested each input against the watch as it stood before this flush; outpoints a payment adds below
        // were not there yet, so after the first such addition every later transaction is asked in full
        final int watchedBefore = outpoints == null ? 0 : outpoints.size();
        int h = 0;
        int offset = pendingFirstOffset;
        for (int k = 0; k < count; k++) {
            final int end = pendingEnd[k];
            if (h < hits && hitOffsets[h] < end) {
                // validated by the walk already, with a limit at or past its end, so it wraps again the same way
                final int status = recorded.wrap(buffer, offset, end);
                assert status == ScanError.OK && recorded.end() == end : ScanError.name(status);
                h = recordMatches(pendingFirstTxIndex + k, recorded, h, matches);
            } else if (outpoints != null && (pendingMayConflict[k] || outpoints.size() != watchedBefore) && !outpoints.isEmpty()) {
                recorded.wrapValidatedInputs(buffer, offset, end);
                reportConflicts(recorded, batch.chainCode, matches);
            }
            offset = end;
        }
        batch.hitCount = 0;
        pendingCount = 0;
        // payments may have added outpoints, and with them replaced the bit set
        markSpentOutpoints();
    }

    /** Hand the walk the outpoint watch's bit set as it stands now (none when nothing is watched). */
    private void markSpentOutpoints() {
        final OutpointWatch outpoints = this.outpoints;
        if (outpoints == null || outpoints.isEmpty()) {
            tx.spentOutpointBits(null, 0);
        } else {
            tx.spentOutpointBits(outpoints.bits(), outpoints.bitsLog2());
        }
    }

    /**
     * Remember a validated transaction of the open batch.
     *
     * @return true when the batch now holds as many transactions as it can, and must be flushed.
     */
    private boolean addPending(final int txIndex, final TransactionFlyweight tx) {
        final int n = pendingCount;
        // a batch is flushed at its limit, and a shared block's arrays are sized for its bound before its walk
        assert n < pendingEnd.length : n;
        if (n == 0) {
            pendingFirstOffset = tx.offset();
            pendingFirstTxIndex = txIndex;
        }
        assert n == 0 || tx.offset() == pendingEnd[n - 1] && txIndex == pendingFirstTxIndex + n : "not consecutive: " + txIndex;
        pendingEnd[n] = tx.end();
        pendingMayConflict[n] = tx.spendsMarkedOutpoint();
        pendingCount = n + 1;
        return n + 1 == pendingLimit;
    }

    /**
     * Hash and record one transaction whose outputs matched: its hits start at {@code firstHit} of the batch.
     *
     * @return the index of the first hit of a later transaction.
     */
    private int recordMatches(final int txIndex, final TransactionFlyweight tx, final int firstHit, final MatchList matches) {
        final OutputBatch batch = this.batch;
        final int[] hitOffsets = batch.hitOffsets;
        final int hits = batch.hitCount;
        final int end = tx.end();
        tx.txid(hasher, txid, 0);
        int h = firstHit;
        while (h < hits && hitOffsets[h] < end && tx.nextOutput()) {
            if (tx.scriptOffset() == hitOffsets[h]) {
                matches.addOutput(txIndex, txid, 0, tx.outputIndex(), 0, tx.value(), batch.hitSlots[h], 0);
                h++;
            }
        }
        // a coinbase's null outpoint spends nothing, so it cannot conflict with anything
        if (!tx.coinbase()) {
            final DirectBuffer buffer = tx.buffer();
            while (tx.nextInput()) {
                matches.addSpend(txid, 0, buffer, tx.prevTxidOffset(), (int)tx.prevIndex());
                if (outpoints != null) {
                    outpoints.add(batch.chainCode, buffer, tx.prevTxidOffset());
                }
            }
        }
        return h;
    }

    /**
     * Not a payment, but it may spend what a payment spent (a replacement or a double spend that pays
     * elsewhere): report each such outpoint, hashing the transaction only if there is one.
     */
    private void reportConflicts(final TransactionFlyweight inputs, final int chainCode, final MatchList matches) {
        if (inputs.coinbase()) {
            return;
        }
        final DirectBuffer buffer = inputs.buffer();
        boolean hashed = false;
        while (inputs.nextInput()) {
            if (outpoints.contains(chainCode, buffer, inputs.prevTxidOffset())) {
                if (!hashed) {
                    // the input view cannot hash: view the whole transaction (validated, so it wraps the same way) once;
                    // the walking flyweight is free here, the block cursor holds the walk's position
                    final int status = tx.wrap(buffer, inputs.offset(), inputs.end());
                    assert status == ScanError.OK : ScanError.name(status);
                    tx.txid(hasher, txid, 0);
                    hashed = true;
                }
                matches.addSpend(txid, 0, buffer, inputs.prevTxidOffset(), (int)inputs.prevIndex());
            }
        }
    }

    /**
     * Queues each output script (offset and length: all the probe needs) during the validating pass and probes the
     * queue with one {@link AddressIndex#lookupBatch} call whenever it is full (also in the middle of a transaction
     * with many outputs) or its transactions are flushed; keeps the hits (script offset, invoice slot) in walk order.
     * The queue is fixed at construction; the hit arrays grow only while warming up to the most hits a batch has held.
     */
    private static final class OutputBatch extends OutputQueue {
        DirectBuffer buffer;
        AddressIndex index;
        int chainCode;

        final int[] slots;

        int hitCount;
        int[] hitOffsets = new int[16];
        int[] hitSlots = new int[16];

        OutputBatch(final int capacity) {
            scriptOffsets = new int[capacity];
            scriptLengths = new int[capacity];
            slots = new int[capacity];
        }

        void start(final DirectBuffer buffer, final AddressIndex index, final int chainCode) {
            this.buffer = buffer;
            this.index = index;
            this.chainCode = chainCode;
            count = 0;
            hitCount = 0;
        }

        @Override
        protected void onFull() {
            probe();
        }

        /** Probe the queued scripts, keep their hits, empty the queue. */
        void probe() {
            final int n = count;
            if (n == 0) {
                return;
            }
            count = 0;
            final int[] slots = this.slots;
            final int[] scriptOffsets = this.scriptOffsets;
            index.lookupBatch(chainCode, buffer, scriptOffsets, scriptLengths, n, slots);
            for (int i = 0; i < n; i++) {
                if (slots[i] != AddressIndex.MISSING) {
                    addHit(scriptOffsets[i], slots[i]);
                }
            }
        }

        void addHit(final int scriptOffset, final int slot) {
            if (hitCount == hitOffsets.length) {
                hitOffsets = Arrays.copyOf(hitOffsets, hitCount * 2);
                hitSlots = Arrays.copyOf(hitSlots, hitCount * 2);
            }
            hitOffsets[hitCount] = scriptOffset;
            hitSlots[hitCount] = slot;
            hitCount++;
        }
    }
}
