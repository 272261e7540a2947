package io.finality.engine.journal;

import io.finality.core.amount.U128;
import io.finality.core.event.EventRecord;
import io.finality.core.event.InvoiceStatus;
import io.finality.core.event.PaymentEventEncoder;
import io.finality.core.event.PaymentEventLayout;
import io.finality.core.event.PaymentEventType;
import io.finality.core.event.PaymentFlags;
import io.finality.core.event.StepMarkerEncoder;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.spi.StateEngine;
import io.finality.engine.EngineEventSink;
import io.finality.engine.EngineSnapshot;
import io.finality.engine.InvoiceEngine;
import io.finality.engine.command.InvoiceCommandCodec;
import io.finality.engine.model.Invoice;
import io.finality.engine.model.InvoiceSpec;
import io.finality.engine.model.Payment;
import io.finality.engine.policy.ConfirmationPolicy;
import io.finality.engine.policy.PolicyBook;
import java.nio.charset.StandardCharsets;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Stage 2 of the pipeline with its write-ahead journal: each ring slot is one engine step and
 * becomes one journal document,
 *
 * <pre>
 *   inputLength u32 | step input (StepInputCodec) | PAYMENT_EVENT records... | STEP_MARKER record
 * </pre>
 *
 * appended before the next step starts. Payment events carry a gap-free sequence from 1 and an
 * id that is stable across restarts (step sequence, index within the step, invoice slot). An
 * {@code INVOICE_OPEN} that names no policy is journaled with the policy the engine resolved for it
 * (its chain and asset's default), so a replay never re-resolves under a changed configuration.
 *
 * <h2>Recovery</h2>
 * On construction the engine loads the last snapshot, then re-applies every journal document
 * written after it, rebuilding each document from its input and requiring it to be identical,
 * byte for byte, to the journaled one: any difference (a changed policy, a non-deterministic
 * engine) stops the start-up with a clear error instead of silently forking the event stream.
 * Sources then resume after {@link #stepSequence()} / the chain positions ({@link #chainPosition}), so after a
 * {@code kill -9} at any instant the journal holds every event exactly once in the crash-free order.
 *
 * <p>Single-threaded: the state-engine thread, after construction.
 */
public final class JournaledStateEngine implements StateEngine, EngineEventSink, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JournaledStateEngine.class.getName());
    private static final int LENGTH_PREFIX = 4;

    private final InvoiceEngine engine;
    private final PolicyBook policies;
    private final EventJournal journal;
    private final SnapshotStore snapshots;
    private final JournalContext context;
    private final StepInputCodec inputs = new StepInputCodec();
    private final ChainPositionTracker positions = new ChainPositionTracker();
    private final ExpandableArrayBuffer document = new ExpandableArrayBuffer(64 * 1024);
    private final ExpandableArrayBuffer replayed = new ExpandableArrayBuffer(64 * 1024);
    private final ExpandableArrayBuffer snapshotBuffer = new ExpandableArrayBuffer(64 * 1024);
    private final PaymentEventEncoder eventEncoder = new PaymentEventEncoder();
    private final StepMarkerEncoder markerEncoder = new StepMarkerEncoder();
    private final UnsafeBuffer eventId = new UnsafeBuffer(new byte[PaymentEventLayout.EVENT_ID_LENGTH]);
    private final UnsafeBuffer zeros = new UnsafeBuffer(new byte[32]);

    private long stepSequence;
    private long nextEventSequence = 1;
    private long journalIndex = -1;
    private long stepsSinceSnapshot;
    private long currentStep;
    private long currentTimestampMs;
    private int writePosition;
    private int eventsInStep;
    private long malformedInputs;
    private long unscannedSlots;
    private long truncatedFields;
    // written by the engine thread only; volatile so a rescan driver may read them after awaiting the ring
    private volatile long rescannedBlocks;
    private volatile long refusedRescans;
    private boolean failed;

    /** Open the journal, restore the last snapshot and re-apply the journal after it. */
    public JournaledStateEngine(final PolicyBook policies, final JournalContext context, final SnapshotStore snapshots) {
        this(policies, context, snapshots, InvoiceEngine.DEFAULT_REORG_RETENTION_BLOCKS);
    }

    /**
     * As above, with the engine's reorg retention: how deep a payment must be buried before the engine
     * stops tracking it for reorgs and may settle it. Must not change between runs over one journal.
     */
    public JournaledStateEngine(
        final PolicyBook policies, final JournalContext context, final SnapshotStore snapshots, final int reorgRetentionBlocks) {
        this.context = context;
        this.snapshots = snapshots;
        this.policies = policies;
        this.engine = new InvoiceEngine(policies, this, reorgRetentionBlocks);
        this.journal = EventJournal.open(context);
        recover();
    }

    public InvoiceEngine engine() {
        return engine;
    }

    public EventJournal journal() {
        return journal;
    }

    /**
     * The applied chain of {@code chain}: tip and the last {@link ChainPositionTracker#DEFAULT_WINDOW} block
     * hashes, as journaled; recovered from the whole journal at construction, then kept up to date on each
     * step. A chain adapter resumes from it. Any thread (an immutable copy).
     */
    public ChainPosition chainPosition(final io.finality.core.chain.ChainId chain) {
        return positions.position(chain);
    }

    /** Steps applied so far (the last journaled step's sequence). */
    public long stepSequence() {
        return stepSequence;
    }

    /** The sequence the next payment event will get. */
    public long nextEventSequence() {
        return nextEventSequence;
    }

    /** Slots refused because their input could not be decoded. */
    public long malformedInputs() {
        return malformedInputs;
    }

    /** Block or transaction slots skipped because stage 1 could not scan them. */
    public long unscannedSlots() {
        return unscannedSlots;
    }

    /** Rescanned blocks applied (journaled) since this engine opened. */
    public long rescannedBlocks() {
        return rescannedBlocks;
    }

    /** Rescanned blocks refused: no longer on the applied chain, or deeper than the rescan range. */
    public long refusedRescans() {
        return refusedRescans;
    }

    /** Event text fields (ids, reason) left empty because they did not fit the record's limits or were not ASCII. */
    public long truncatedFields() {
        return truncatedFields;
    }

    /** Canonical hash of the engine state (see {@link EngineSnapshot#stateHash}). */
    public String stateHash() {
        return EngineSnapshot.stateHash(engine);
    }

    /** False once an append failed: the in-memory state is then ahead of the journal and the process must restart. */
    public boolean healthy() {
        return !failed;
    }

    @Override
    public void onStep(final ChainEvent event, final long sequence, final boolean endOfBatch) {
        if (failed) {
            return;
        }
        final EventKind kind = event.kind();
        if ((kind == EventKind.BLOCK_CONNECTED || kind == EventKind.BLOCK_RESCANNED || kind == EventKind.MEMPOOL_TX)
            && event.scanStatus() != 0) {
            unscannedSlots++;
            LOG.log(System.Logger.Level.ERROR, "skipping " + kind + " on " + event.chain().configName() + " at height "
                + event.height() + ": scanner status " + event.scanStatus() + " at offset " + event.scanErrorOffset());
            return;
        }
        if (kind == EventKind.MEMPOOL_TX && event.matches().outputCount() == 0 && event.matches().spendCount() == 0) {
            return;
        }
        if (kind == EventKind.BLOCK_RESCANNED && !rescanApplies(event)) {
            return;
        }
        int inputLength = StepInputCodec.encodedLength(event);
        document.checkLimit(LENGTH_PREFIX + inputLength);
        StepInputCodec.encode(event, document, LENGTH_PREFIX);
        if (kind == EventKind.INVOICE_OPEN) {
            inputLength = namePolicy(inputLength);
        }
        document.putInt(0, inputLength);
        if (!applyDocumentInput(inputLength)) {
            return;
        }
        try {
            journalIndex = journal.append(document, writePosition);
        } catch (final RuntimeException ex) {
            // Fail-stop: the engine applied a step the journal does not hold. Refuse every later step so
            // nothing is decided on unjournaled state; a restart recovers from the journal.
            failed = true;
            LOG.log(System.Logger.Level.ERROR, "journal append failed at step " + currentStep
                + "; the state engine stops and must be restarted", ex);
            throw ex;
        }
        stepSequence = currentStep;
        if (kind == EventKind.BLOCK_RESCANNED) {
            rescannedBlocks++;
        }
        positions.apply(document, LENGTH_PREFIX, inputLength);
        if (context.snapshotEverySteps() > 0 && ++stepsSinceSnapshot >= context.snapshotEverySteps()) {
            snapshot();
        }
    }

    /**
     * A rescanned block is applied (and journaled) only if it is still on the applied chain, by hash, and
     * within the engine's rescan range; otherwise it is refused and counted. Replay skips this check: the
     * journal holds only rescans that passed it.
     */
    private boolean rescanApplies(final ChainEvent event) {
        if (positions.isApplied(event.chain(), event.height(), event.blockHash(), 0)
            && engine.rescannable(event.chain(), event.height())) {
            return true;
        }
        refusedRescans++;
        LOG.log(System.Logger.Level.WARNING, "refused a rescan of " + event.chain().configName() + " block " + event.height()
            + ": not on the applied chain with that hash, or outside the last " + engine.reorgRetentionBlocks() + " blocks");
        return false;
    }

    /**
     * Write the policy an OPEN that names none resolves to into its journaled input (the payload's
     * policy string; every other byte unchanged). Opens are rare and allocate anyway (the decode).
     *
     * @return the input's new length (unchanged if the payload is malformed, names a policy, or none resolves).
     */
    private int namePolicy(final int inputLength) {
        final int payloadAt = LENGTH_PREFIX + StepInputCodec.HEADER_LENGTH;
        final int payloadLength = inputLength - StepInputCodec.HEADER_LENGTH;
        final InvoiceSpec spec = InvoiceCommandCodec.decodeOpen(document, payloadAt, payloadLength);
        if (spec == null || spec.namesPolicy()) {
            return inputLength;
        }
        final ConfirmationPolicy policy = policies.resolve(null, spec.chain(), spec.contract());
        final byte[] name = policy == null ? null : policy.name().getBytes(StandardCharsets.UTF_8);
        if (name == null || name.length > InvoiceCommandCodec.MAX_STRING_BYTES) {
            return inputLength;
        }
        final int idAt = InvoiceCommandCodec.keyOffset(document, payloadAt, payloadLength)
            + InvoiceCommandCodec.keyLength(document, payloadAt, payloadLength);
        final int policyAt = idAt + 2 + (document.getShort(idAt) & 0xFFFF);
        final int tailAt = policyAt + 2;
        final byte[] tail = new byte[payloadAt + payloadLength - tailAt];
        document.getBytes(tailAt, tail);
        document.checkLimit(payloadAt + payloadLength + name.length);
        document.putShort(policyAt, (short)name.length);
        document.putBytes(tailAt, name);
        document.putBytes(tailAt + name.length, tail);
        return inputLength + name.length;
    }

    /** Write a snapshot of the current state and journal position now. */
    public void snapshot() {
        final int n = EngineSnapshot.write(engine, new EngineSnapshot.Position(stepSequence, nextEventSequence, journalIndex),
            snapshotBuffer);
        snapshots.save(snapshotBuffer.byteArray(), n);
        stepsSinceSnapshot = 0;
    }

    /** Snapshot (a clean shutdown leaves nothing to replay) and close the journal. */
    @Override
    public void close() {
        try {
            snapshot();
        } finally {
            journal.close();
        }
    }

    /** Apply the input at {@code document[4, 4 + inputLength)}, encoding its events and marker after it. */
    private boolean applyDocumentInput(final int inputLength) {
        currentStep = stepSequence + 1;
        currentTimestampMs = document.getLong(LENGTH_PREFIX + 24);
        writePosition = LENGTH_PREFIX + inputLength;
        eventsInStep = 0;
        // A malformed input is refused before the engine is touched: nothing to undo.
        if (inputs.apply(document, LENGTH_PREFIX, inputLength, engine) != StepInputCodec.APPLIED) {
            malformedInputs++;
            LOG.log(System.Logger.Level.ERROR, "refused a malformed " + StepInputCodec.kind(document, LENGTH_PREFIX)
                + " step input (" + inputLength + " bytes)");
            return false;
        }
        document.checkLimit(writePosition + 256);
        markerEncoder.wrap(document, writePosition)
            .stepSequence(currentStep)
            .timestampMs(currentTimestampMs)
            .height(document.getLong(LENGTH_PREFIX + 8))
            .chain(io.finality.core.chain.ChainId.fromCode(document.getShort(LENGTH_PREFIX + 2) & 0xFFFF))
            .eventKind(StepInputCodec.kind(document, LENGTH_PREFIX))
            .paymentEventCount(eventsInStep)
            .lastPaymentSequence(nextEventSequence - 1)
            .blockHash(document, LENGTH_PREFIX + 32);
        writePosition += markerEncoder.encodedLength();
        return true;
    }

    @Override
    public void onEvent(
        final PaymentEventType type, final Invoice inv, final Payment p, final InvoiceStatus previous, final String reason) {
        document.checkLimit(writePosition + PaymentEventLayout.MAX_LENGTH);
        eventId.putLong(0, currentStep);
        eventId.putInt(8, eventsInStep);
        eventId.putInt(12, inv.slot());
        final int tipConfirmations;
        if (p != null && p.height() >= 0) {
            tipConfirmations = (int)Math.max(0, engine.tip(inv.chain()) - p.height() + 1);
        } else {
            tipConfirmations = 0;
        }
        eventEncoder.wrap(document, writePosition)
            .sequence(nextEventSequence++)
            .eventId(eventId, 0)
            .timestampMs(currentTimestampMs)
            .chain(inv.chain())
            .eventType(type)
            .status(inv.status())
            .previousStatus(previous)
            .height(p == null ? -1 : p.height())
            .confirmations(tipConfirmations)
            .outputIndex(p == null ? -1 : p.outputIndex())
            .paymentFlags(flags(inv, p))
            .blockHash(p == null ? zeros : p.blockHash(), 0)
            .txid(p == null ? zeros : p.txid(), 0)
            // the asset that moved: a payment's own (a wrong token shows which token arrived), else the invoice's
            .assetContract(p != null ? (p.token() ? p.contract() : zeros) : (inv.token() ? inv.contract() : zeros), 0)
            .paymentAmount(p == null ? 0 : p.amountHi(), p == null ? 0 : p.amountLo())
            .amountDue(inv.dueHi(), inv.dueLo())
            .receivedTotal(inv.receivedHi(), inv.receivedLo())
            .confirmedTotal(inv.confirmedHi(), inv.confirmedLo());
        // Ids are ASCII-checked at the API; a field that still does not fit is left empty and counted.
        if (eventEncoder.invoiceId(inv.id()) != EventRecord.OK) {
            truncatedFields++;
        }
        if (eventEncoder.orderId(inv.orderId()) != EventRecord.OK) {
            truncatedFields++;
        }
        if (eventEncoder.correlationId(inv.correlationId()) != EventRecord.OK) {
            truncatedFields++;
        }
        if (reason != null && eventEncoder.reason(reason) != EventRecord.OK) {
            truncatedFields++;
        }
        writePosition += eventEncoder.encodedLength();
        eventsInStep++;
    }

    private static int flags(final Invoice inv, final Payment p) {
        int flags = 0;
        if (U128.compare(inv.receivedHi(), inv.receivedLo(), inv.dueHi(), inv.dueLo()) > 0) {
            flags |= PaymentFlags.OVERPAID;
        }
        if (p == null) {
            return flags;
        }
        flags |= switch (p.state()) {
            case MEMPOOL -> PaymentFlags.MEMPOOL;
            case IN_BLOCK -> PaymentFlags.IN_BLOCK;
            case REVERTED -> PaymentFlags.REVERTED;
            case INVALIDATED -> PaymentFlags.INVALIDATED;
            case FAILED -> PaymentFlags.FAILED;
            case WRONG_ASSET -> PaymentFlags.WRONG_ASSET;
        };
        return p.late() ? flags | PaymentFlags.LATE : flags;
    }

    private void recover() {
        final byte[] saved = snapshots.load();
        if (saved != null) {
            final EngineSnapshot.Position position = EngineSnapshot.read(new UnsafeBuffer(saved), saved.length, engine);
            stepSequence = position.stepSequence();
            nextEventSequence = position.nextEventSequence();
            journalIndex = position.journalIndex();
            if (journalIndex >= 0 && journal.lastIndex() < journalIndex) {
                throw new IllegalStateException("the journal in " + context.directory() + " ends before the snapshot's "
                    + "position (step " + stepSequence + "): the journal was truncated or replaced; refusing to start");
            }
        }
        long replayedSteps = 0;
        try (EventJournal.Reader reader = journal.reader().after(journalIndex)) {
            int length;
            while ((length = reader.next(replayed)) >= 0) {
                replay(length, reader.index());
                journalIndex = reader.index();
                replayedSteps++;
            }
        }
        // snapshots hold no chain positions: those come from the step inputs of the whole journal
        positions.recover(journal);
        LOG.log(System.Logger.Level.INFO, "recovered state engine: step " + stepSequence + ", next event sequence "
            + nextEventSequence + " (" + replayedSteps + " steps replayed after the snapshot)");
    }

    private void replay(final int length, final long queueIndex) {
        final int inputLength = replayed.getInt(0);
        if (inputLength < 0 || LENGTH_PREFIX + inputLength > length) {
            throw new IllegalStateException("journal document " + queueIndex + " is corrupt (input length " + inputLength + ")");
        }
        document.checkLimit(LENGTH_PREFIX + inputLength);
        document.putBytes(0, replayed, 0, LENGTH_PREFIX + inputLength);
        if (!applyDocumentInput(inputLength) || writePosition != length || !sameBytes(length)) {
            throw new IllegalStateException("journal replay diverged at step " + currentStep + " (queue index " + queueIndex
                + "): re-applying its input does not give the journaled events. The policies or the engine changed since "
                + "it was written; restore the matching configuration, or snapshot with a clean shutdown before changing it");
        }
        stepSequence = currentStep;
    }

    private boolean sameBytes(final int length) {
        final byte[] a = document.byteArray();
        final byte[] b = replayed.byteArray();
        return java.util.Arrays.equals(a, 0, length, b, 0, length);
    }
}
