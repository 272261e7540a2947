package io.finality.engine;

import io.finality.core.amount.U128;
import io.finality.core.buffer.Bytes;
import io.finality.core.chain.ChainId;
import io.finality.core.event.InvoiceStatus;
import io.finality.core.event.PaymentEventType;
import io.finality.core.ring.MatchList;
import io.finality.engine.model.InputLink;
import io.finality.engine.model.Invoice;
import io.finality.engine.model.InvoiceSpec;
import io.finality.engine.model.Payment;
import io.finality.engine.model.PaymentPool;
import io.finality.engine.model.PaymentState;
import io.finality.engine.policy.ConfirmationPolicy;
import io.finality.engine.policy.PolicyBook;
import java.util.Arrays;
import org.agrona.DirectBuffer;

/**
 * The invoice state machine: applies chain and API inputs to invoices and their payments and
 * reports every decision to an {@link EngineEventSink}, in a defined order.
 *
 * <h2>Rules</h2>
 * An invoice's status is a pure function of its payments, the chain tip, the policy and two
 * recorded facts (closed at expiry + grace, cancelled), evaluated after every change (after a change to one
 * payment, from the last evaluation's totals in constant time: see {@link InvoiceEvaluator}):
 * <ol>
 *   <li>cancelled: CANCELLED (payments to it are reported late and never count);</li>
 *   <li>a late payment stands and the policy sends late payments to review: MANUAL_REVIEW;</li>
 *   <li>confirmed total ≥ threshold: CONFIRMED, or MANUAL_REVIEW if the amount due reaches the review threshold;</li>
 *   <li>on-chain total ≥ threshold: CONFIRMING; seen total (mempool + chain) ≥ threshold: DETECTED;</li>
 *   <li>something seen: UNDERPAID; otherwise EXPIRED once closed, else AWAITING_PAYMENT.</li>
 * </ol>
 * The threshold is the amount due less the policy's tolerance. Only MEMPOOL and IN_BLOCK payments
 * count; failed receipts and wrong assets never do; ignored late payments do not.
 *
 * <h2>Event order within a step</h2>
 * Output matches in match-list order, then spends in match-list order (each conflict in payment
 * creation order), then — for blocks — a re-evaluation of every invoice with an on-chain payment
 * on that chain in ascending slot order, and last, on a Bitcoin block that prunes, mempool expiries in creation
 * order. Disconnects and mempool drops walk payments in creation order; ticks close invoices by
 * (close time, slot). Each payment event is followed by the status event(s) it causes.
 *
 * <h2>Memory</h2>
 * Payment records come from a {@link PaymentPool}. Every quarter of the reorg retention (at most
 * every {@value PaymentPruner#PRUNE_EVERY_BLOCKS} blocks) the {@link PaymentPruner} walks a chain's payments. Deep ones
 * are settled: an on-time IN_BLOCK payment buried deeper than the retention, and deep enough for its policy even if
 * the deepest reorg the engine handles (the retention) took the tip back, can never change nor stop counting. Its
 * amount joins its invoice's settled total (which every evaluation starts from) and its record goes
 * back to the pool. A payment that counts nowhere (reverted, invalidated, failed, wrong asset) is retired at
 * the same prunes once it has neither changed state nor been seen for more than the retention: its record
 * goes back to the pool without an event, as it changes no total. If its output is seen again later, that
 * is a new payment, judged as one (late if its invoice has closed since), as a transaction that vanished for
 * longer than the deepest reorg the engine handles is not the same sighting any more. Without this, a
 * mempool that keeps replacing or dropping payments (RBF fee bumps, an attacker's churn) would grow the
 * records and every walk of the tracked payments without bound. Live records are then bounded by the
 * payments of the last retention + 64 blocks plus late payments (which never settle: they stand for
 * review), and a step that sees new payments allocates nothing once the pool is warm.
 *
 * <h2>Bitcoin mempool expiry</h2>
 * A Bitcoin node tells no one when it evicts a transaction (Ethereum's pending tracker reports drops and replacements).
 * So at the same prunes, a Bitcoin payment still in the mempool that has been neither mined nor seen again for longer
 * than {@value #DEFAULT_MEMPOOL_EXPIRY_BLOCKS} blocks (Bitcoin Core's 14-day {@code -mempoolexpiry} at 10 minutes a block)
 * is invalidated, as a drop would be; mined later, it comes back as any invalidated payment does. Without it an
 * invoice paid by a transaction that never confirms would stay DETECTED for good. Each sighting restarts the count.
 *
 * <p>Single-threaded: called only on the state-engine thread. Never reads a clock: time comes
 * from {@link #tick(long)}.
 */
public final class InvoiceEngine {
    /** IN_BLOCK payments deeper than this stop being tracked for reorgs (Bitcoin: about a week). */
    public static final int DEFAULT_REORG_RETENTION_BLOCKS = 1_000;
    static final String REASON_CONFLICT = "a conflicting transaction spends the same outpoint (double spend or replacement)";
    static final String REASON_DROPPED = "dropped from the mempool";
    static final String REASON_CANCELLED = "payment to a cancelled invoice";
    static final String REASON_CLOSED = "payment after the invoice closed unpaid";
    static final String REASON_WRONG_ASSET = "asset differs from the invoice's";
    static final String REASON_AMOUNT_OVERFLOW = "amount exceeds 2^128-1 base units: recorded, never credited";
    static final String REASON_FAILED = "transaction receipt reports failure";
    static final String REASON_MEMPOOL_EXPIRED = "neither mined nor seen again for the mempool expiry (Bitcoin Core: 14 days)";
    /** Blocks after which a Bitcoin mempool payment not seen again counts as evicted: 14 days of 10-minute blocks. */
    public static final int DEFAULT_MEMPOOL_EXPIRY_BLOCKS = 2_016;

    private static final int CHAIN_CODES = 64;

    private final PolicyBook policies;
    private final EngineEventSink sink;
    private final int reorgRetentionBlocks;
    private final long[] tipByChain = new long[CHAIN_CODES];
    private final long[] finalizedByChain = new long[CHAIN_CODES];
    private final TrackedPayments[] trackedByChain = new TrackedPayments[CHAIN_CODES];
    private final SlotList[] awaitingByChain = new SlotList[CHAIN_CODES];
    private final PaymentIndex[] indexByChain = new PaymentIndex[CHAIN_CODES];
    private final OutputIndex[] outputsByChain = new OutputIndex[CHAIN_CODES];
    /** Bumped whenever a chain's tip or finalized height moves: an invoice evaluated in an older epoch is re-walked. */
    private final int[] epochByChain = new int[CHAIN_CODES];
    private int epochCounter;
    private final InvoiceEvaluator evaluator = new InvoiceEvaluator(tipByChain, finalizedByChain, epochByChain);
    private final TrackedPayments[] settlingByChain = new TrackedPayments[CHAIN_CODES];
    private final PaymentPool pool = new PaymentPool();
    private final MarkStamps marks = new MarkStamps();
    private final PaymentPruner pruner;
    private Payment[] candidates = new Payment[16];
    private long trackSerial;
    private final ExpiryQueue expiries = new ExpiryQueue();
    private Invoice[] bySlot = new Invoice[1024];
    private int invoiceCount;
    private int[] scratchSlots = new int[256];
    private long nowMs = Long.MIN_VALUE;

    public InvoiceEngine(final PolicyBook policies, final EngineEventSink sink) {
        this(policies, sink, DEFAULT_REORG_RETENTION_BLOCKS);
    }

    public InvoiceEngine(final PolicyBook policies, final EngineEventSink sink, final int reorgRetentionBlocks) {
        this(policies, sink, reorgRetentionBlocks, DEFAULT_MEMPOOL_EXPIRY_BLOCKS);
    }

    /** With a Bitcoin mempool expiry of {@code mempoolExpiryBlocks} (see the class comment): tests use a short one. */
    InvoiceEngine(final PolicyBook policies, final EngineEventSink sink, final int reorgRetentionBlocks,
        final int mempoolExpiryBlocks) {
        this.policies = policies;
        this.sink = sink;
        this.reorgRetentionBlocks = reorgRetentionBlocks;
        Arrays.fill(tipByChain, -1);
        Arrays.fill(finalizedByChain, -1);
        for (int i = 0; i < CHAIN_CODES; i++) {
            trackedByChain[i] = new TrackedPayments();
            awaitingByChain[i] = new SlotList();
            indexByChain[i] = new PaymentIndex();
            outputsByChain[i] = new OutputIndex();
            settlingByChain[i] = new TrackedPayments();
        }
        this.pruner = new PaymentPruner(reorgRetentionBlocks, mempoolExpiryBlocks, finalizedByChain, trackedByChain,
            settlingByChain, indexByChain, outputsByChain, pool, marks);
    }

    public Invoice invoice(final int slot) {
        return slot >= 0 && slot < bySlot.length ? bySlot[slot] : null;
    }

    public int invoiceCount() {
        return invoiceCount;
    }

    public long tip(final ChainId chain) {
        return tipByChain[chain.code()];
    }

    public long nowMs() {
        return nowMs;
    }

    /** How deep a payment must be buried before it stops being tracked for reorgs; also the rescan range. */
    public int reorgRetentionBlocks() {
        return reorgRetentionBlocks;
    }

    long finalized(final int chainCode) {
        return finalizedByChain[chainCode];
    }

    long tip(final int chainCode) {
        return tipByChain[chainCode];
    }

    TrackedPayments tracked(final int chainCode) {
        return trackedByChain[chainCode];
    }

    /** Payments settled so far (folded into their invoice's totals and recycled). */
    public long settledPayments() {
        return pruner.settledPayments();
    }

    /** Payments retired so far: counting nowhere and unchanged for longer than the retention (see the class comment). */
    public long retiredPayments() {
        return pruner.retiredPayments();
    }

    /** Payment records ever created: stays flat in steady state. */
    public long paymentRecordsCreated() {
        return pool.created();
    }

    static int chainCodes() {
        return CHAIN_CODES;
    }

    /** Snapshot restore: chain positions and the clock. */
    void restoreChain(final int chainCode, final long tip, final long finalized) {
        tipByChain[chainCode] = tip;
        finalizedByChain[chainCode] = finalized;
        epochByChain[chainCode] = nextEpoch();
    }

    void restoreClock(final long timeMs) {
        nowMs = timeMs;
    }

    /** Snapshot restore: an invoice without its INVOICE_OPENED event; the caller restores its facts. */
    Invoice restoreInvoice(final InvoiceSpec spec) {
        final ConfirmationPolicy policy = policies.resolve(spec.policyName(), spec.chain(), spec.contract());
        if (policy == null) {
            throw new IllegalStateException("snapshot names policy '" + spec.policyName() + "' for invoice "
                + spec.invoiceId() + ", which the configuration no longer defines");
        }
        if (spec.slot() >= bySlot.length) {
            bySlot = Arrays.copyOf(bySlot, Math.max(bySlot.length * 2, spec.slot() + 1));
        }
        final Invoice inv = new Invoice(spec, policy);
        bySlot[spec.slot()] = inv;
        invoiceCount++;
        return inv;
    }

    /** The live payment of invoice {@code slot} for an output, or null (tests). */
    Payment payment(final int slot, final DirectBuffer txid, final int offset, final int outputIndex) {
        final Invoice inv = invoice(slot);
        return inv == null ? null : outputsByChain[inv.chain().code()].find(inv, txid, offset, outputIndex);
    }

    /** Snapshot restore: a reset record for a restored payment. */
    Payment newPayment() {
        return pool.acquire();
    }

    /**
     * Snapshot restore: re-arm expiries, the awaiting lists and the settling lists (every IN_BLOCK
     * payment pruneDeep stopped tracking), after all invoices and tracked payments are restored.
     */
    void restoreExpiries() {
        for (Invoice inv : bySlot) {
            if (inv == null) {
                continue;
            }
            if (!inv.closed() && !inv.cancelled()) {
                expiries.add(inv.closeAtMs(), inv.slot());
            }
            if (stillAwaiting(inv)) {
                markAwaiting(inv);
            }
            for (int i = 0; i < inv.paymentCount(); i++) {
                final Payment p = inv.payment(i);
                if (!p.tracked() && p.state() == PaymentState.IN_BLOCK) {
                    p.settling(true);
                    settlingByChain[inv.chain().code()].add(p);
                }
            }
        }
    }

    /** Snapshot restore: track a payment (in the saved order). */
    void restoreTracked(final ChainId chain, final Payment p) {
        track(chain, p);
    }

    /**
     * Snapshot restore: index an invoice's restored payments by output and recompute its derived totals (its
     * status is restored as recorded).
     */
    void restoreDerived(final Invoice inv) {
        for (int i = 0; i < inv.paymentCount(); i++) {
            outputsByChain[inv.chain().code()].add(inv.payment(i));
        }
        final InvoiceStatus recorded = inv.status();
        evaluator.evaluate(inv);
        inv.status(recorded);
    }

    /** All invoice slots in ascending order, for snapshots. */
    int slotCapacity() {
        return bySlot.length;
    }

    /**
     * Open an invoice. One that names no policy gets its chain and asset's default (see {@link PolicyBook}),
     * resolved now and recorded in the invoice's spec, so snapshots keep the answer.
     *
     * @return false (and no event) if the slot is taken or the policy is unknown: both are caught at the API.
     */
    public boolean open(final InvoiceSpec spec) {
        final ConfirmationPolicy policy = policies.resolve(spec.policyName(), spec.chain(), spec.contract());
        if (policy == null || spec.slot() < 0 || invoice(spec.slot()) != null) {
            return false;
        }
        if (spec.slot() >= bySlot.length) {
            bySlot = Arrays.copyOf(bySlot, Math.max(bySlot.length * 2, spec.slot() + 1));
        }
        final Invoice inv = new Invoice(spec.namesPolicy() ? spec : spec.withPolicyName(policy.name()), policy);
        bySlot[spec.slot()] = inv;
        invoiceCount++;
        expiries.add(inv.closeAtMs(), inv.slot());
        sink.onEvent(PaymentEventType.INVOICE_OPENED, inv, null, InvoiceStatus.AWAITING_PAYMENT, null);
        return true;
    }

    /**
     * Cancel an invoice that has received nothing.
     *
     * @return false (and no event) if it is unknown, already cancelled, or has a counted payment.
     */
    public boolean cancel(final int slot) {
        final Invoice inv = invoice(slot);
        if (inv == null || inv.cancelled() || inv.settledCount() > 0) {
            return false;
        }
        for (int i = 0; i < inv.paymentCount(); i++) {
            if (inv.payment(i).active()) {
                return false;
            }
        }
        final InvoiceStatus previous = inv.status();
        inv.cancel();
        inv.status(evaluator.evaluate(inv));
        sink.onEvent(PaymentEventType.INVOICE_CANCELLED, inv, null, previous, null);
        return true;
    }

    /** A block joined the best chain at {@code height}; {@code finalizedHeight} is -1 when unknown. */
    public void blockConnected(
        final ChainId chain,
        final long height,
        final DirectBuffer hash,
        final int hashOffset,
        final long finalizedHeight,
        final MatchList matches) {
        final int code = chain.code();
        tipByChain[code] = height;
        if (finalizedHeight > finalizedByChain[code]) {
            finalizedByChain[code] = finalizedHeight;
        }
        epochByChain[code] = nextEpoch();
        applyOutputs(chain, true, false, height, hash, hashOffset, matches);
        applySpends(chain, true, matches);
        reevaluateAwaiting(chain);
        final int expired = pruner.prune(chain, height);
        // after the prune closed the gaps it left: an invalidation re-evaluates its invoice, which may walk its payments
        invalidateAll(pruner.expired(), expired, REASON_MEMPOOL_EXPIRED);
    }

    /**
     * Whether a rescan may re-apply the block of {@code chain} at {@code height}: at or below the tip and
     * within the reorg retention. There every payment the engine ever credited is still tracked one by one
     * (deeper ones are settled into their invoice's totals and recycled), so a payment found again is
     * recognised and never counted twice.
     */
    public boolean rescannable(final ChainId chain, final long height) {
        final long tip = tipByChain[chain.code()];
        return tip >= 0 && height >= 0 && height <= tip && tip - height + 1 <= reorgRetentionBlocks;
    }

    /**
     * A block already on the applied chain at {@code height} (the caller checked its hash against the applied
     * one), scanned again by {@code finality rescan}: typically to find payments made to an invoice's address
     * before the invoice reached us. A payment already recorded (for any invoice) is left as it is; a new one
     * is handled as if its block had just connected, with the confirmations it has now, so it may confirm at
     * once; an invoice that has closed since gets it as a late payment, under its policy. Spends are applied
     * as for a connected block. The tip does not move.
     *
     * @return false, and nothing applied, if the height is not {@link #rescannable}.
     */
    public boolean blockRescanned(
        final ChainId chain,
        final long height,
        final DirectBuffer hash,
        final int hashOffset,
        final MatchList matches) {
        if (!rescannable(chain, height)) {
            return false;
        }
        applyOutputs(chain, true, true, height, hash, hashOffset, matches);
        applySpends(chain, true, matches);
        return true;
    }

    /** The block at {@code height} with {@code hash} left the best chain (tip first). */
    public void blockDisconnected(final ChainId chain, final long height, final DirectBuffer hash, final int hashOffset) {
        final int code = chain.code();
        tipByChain[code] = height - 1;
        epochByChain[code] = nextEpoch();
        final TrackedPayments tracked = trackedByChain[code];
        for (int i = 0, n = tracked.size(); i < n; i++) {
            final Payment p = tracked.get(i);
            if (p.state() == PaymentState.IN_BLOCK && p.isInBlock(height, hash, hashOffset)) {
                p.state(PaymentState.REVERTED);
                p.leaveBlock();
                apply(p.invoice(), p, PaymentEventType.PAYMENT_REVERTED, null);
            }
        }
        reevaluateOnChain(chain);
    }

    /** An unconfirmed transaction with the given matches. */
    public void mempoolTx(final ChainId chain, final MatchList matches) {
        applyOutputs(chain, false, false, -1, null, 0, matches);
        applySpends(chain, false, matches);
    }

    /** An unconfirmed transaction left the mempool without being mined. */
    public void mempoolTxGone(final ChainId chain, final DirectBuffer txid, final int offset) {
        int count = 0;
        for (Payment p = indexByChain[chain.code()].withTxid(txid, offset); p != null; p = p.nextSameTxid()) {
            if (p.state() == PaymentState.MEMPOOL && p.sameTxid(txid, offset)) {
                count = candidate(count, p);
            }
        }
        invalidateAll(candidates, count, REASON_DROPPED);
    }

    /** Wall-clock time advanced: close every invoice whose expiry plus grace has passed. */
    public void tick(final long timeMs) {
        if (timeMs > nowMs) {
            nowMs = timeMs;
        }
        while (expiries.due(nowMs)) {
            final Invoice inv = bySlot[expiries.poll()];
            if (inv == null || inv.cancelled() || inv.closed()) {
                continue;
            }
            inv.close();
            final InvoiceStatus previous = inv.status();
            final InvoiceStatus next = evaluator.evaluate(inv);
            inv.status(next);
            if (next == InvoiceStatus.EXPIRED) {
                sink.onEvent(PaymentEventType.INVOICE_EXPIRED, inv, null, previous, null);
            } else if (next == InvoiceStatus.UNDERPAID) {
                sink.onEvent(PaymentEventType.INVOICE_UNDERPAID, inv, null, previous, null);
            }
        }
    }

    private void applyOutputs(
        final ChainId chain,
        final boolean inBlock,
        final boolean rescan,
        final long height,
        final DirectBuffer hash,
        final int hashOffset,
        final MatchList matches) {
        final DirectBuffer txids = matches.txids();
        final OutputIndex outputs = outputsByChain[chain.code()];
        for (int i = 0, n = matches.outputCount(); i < n; i++) {
            final Invoice inv = invoice(matches.invoiceSlot(i));
            if (inv == null || inv.chain() != chain) {
                continue;
            }
            final int txidOffset = i * MatchList.TXID_LENGTH;
            final int outIdx = matches.outputIndex(i);
            final boolean failed = (matches.flags(i) & MatchList.FLAG_FAILED) != 0;
            // An amount that did not fit 128 bits is saturated by the scanner: never credit it; report it
            // on the never-counted path of a wrong asset, with its own reason.
            final boolean overflow = (matches.flags(i) & MatchList.FLAG_AMOUNT_OVERFLOW) != 0;
            final boolean wrongAsset = overflow || wrongAsset(inv, matches, i);
            Payment p = outputs.find(inv, txids, txidOffset, outIdx);
            if (p != null) {
                // seen again: not to be retired while it keeps being seen (a wrong asset mined after its mempool sighting)
                p.changedAt(tipByChain[chain.code()]);
            }
            if (p == null && rescan && outputs.trackedForAnother(inv, txids, txidOffset, outIdx)) {
                // a key reused after a cancel: the output already belongs to the earlier invoice's record
                continue;
            }
            if (p == null) {
                p = inv.addPayment(pool.acquire());
                p.init(txids, txidOffset, outIdx, matches.amountHi(i), matches.amountLo(i));
                outputs.add(p);
                if ((matches.flags(i) & MatchList.FLAG_TOKEN) != 0) {
                    p.token(matches.contracts(), i * MatchList.CONTRACT_LENGTH);
                }
                track(chain, p);
                final boolean late = inv.cancelled()
                    || (inv.closed() && (inv.status() == InvoiceStatus.EXPIRED || inv.status() == InvoiceStatus.UNDERPAID));
                p.late(late);
                if (inBlock) {
                    p.inBlock(height, hash, hashOffset);
                }
                if (wrongAsset) {
                    p.state(PaymentState.WRONG_ASSET);
                    apply(inv, p, PaymentEventType.WRONG_ASSET_PAYMENT, overflow ? REASON_AMOUNT_OVERFLOW : REASON_WRONG_ASSET);
                } else if (failed && inBlock) {
                    p.state(PaymentState.FAILED);
                    apply(inv, p, PaymentEventType.PAYMENT_FAILED, REASON_FAILED);
                } else {
                    p.state(inBlock ? PaymentState.IN_BLOCK : PaymentState.MEMPOOL);
                    if (inBlock) {
                        markAwaiting(inv);
                    }
                    if (late) {
                        apply(inv, p, PaymentEventType.LATE_PAYMENT, inv.cancelled() ? REASON_CANCELLED : REASON_CLOSED);
                    } else {
                        apply(inv, p, inBlock ? PaymentEventType.PAYMENT_IN_BLOCK : PaymentEventType.PAYMENT_DETECTED, null);
                    }
                }
            } else if (p.state() != PaymentState.WRONG_ASSET) {
                if (inBlock) {
                    final PaymentState target = failed ? PaymentState.FAILED : PaymentState.IN_BLOCK;
                    if (p.state() == target && p.isInBlock(height, hash, hashOffset)) {
                        continue;
                    }
                    p.state(target);
                    p.inBlock(height, hash, hashOffset);
                    track(chain, p);
                    if (!failed) {
                        markAwaiting(inv);
                    }
                    apply(inv, p, failed ? PaymentEventType.PAYMENT_FAILED : PaymentEventType.PAYMENT_IN_BLOCK,
                        failed ? REASON_FAILED : null);
                } else if (p.state() == PaymentState.REVERTED || p.state() == PaymentState.INVALIDATED) {
                    p.state(PaymentState.MEMPOOL);
                    p.leaveBlock();
                    track(chain, p);
                    apply(inv, p, PaymentEventType.PAYMENT_DETECTED, null);
                }
            }
        }
    }

    private void applySpends(final ChainId chain, final boolean inBlock, final MatchList matches) {
        final PaymentIndex index = indexByChain[chain.code()];
        final DirectBuffer spenders = matches.spenderTxids();
        final DirectBuffer prevs = matches.prevTxids();
        Payment holder = null;
        int holderFor = -1;
        for (int j = 0, n = matches.spendCount(); j < n; j++) {
            final int off = j * MatchList.TXID_LENGTH;
            final int prevIndex = matches.prevIndex(j);
            // A transaction's spends come together: find the payment that holds its inputs once per transaction.
            if (holderFor < 0 || !Bytes.equal(spenders, holderFor, spenders, off, MatchList.TXID_LENGTH)) {
                holder = index.holder(spenders, off);
                holderFor = off;
            }
            // One walk over the transactions spending the outpoint: the spender itself (known already: a sighting
            // reports every input again), or others, all of whose payments it displaces.
            boolean known = false;
            int count = 0;
            for (InputLink link = index.spending(prevs, off, prevIndex); link != null; link = link.next()) {
                final Payment q = link.payment();
                if (!q.inputIs(link.input(), prevs, off, prevIndex)) {
                    continue;
                }
                if (q == holder) {
                    known = true;
                } else if (!q.sameTxid(spenders, off)) {
                    count = conflictsOf(index, q, inBlock, count);
                }
            }
            if (holder != null && !known) {
                index.addInput(holder, holder.appendInput(prevs, off, prevIndex));
            }
            invalidateAll(candidates, count, REASON_CONFLICT);
        }
    }

    /** Add to the candidates every tracked payment of {@code holder}'s transaction that a conflict displaces. */
    private int conflictsOf(final PaymentIndex index, final Payment holder, final boolean inBlock, final int count) {
        int next = count;
        final DirectBuffer txid = holder.txid();
        for (Payment r = index.withTxid(txid, 0); r != null; r = r.nextSameTxid()) {
            if (r.sameTxid(txid, 0) && conflictApplies(r.state(), inBlock)) {
                next = candidate(next, r);
            }
        }
        return next;
    }

    /** Invalidate the first {@code count} payments of {@code list} in tracking order, as a walk of the tracked list would. */
    private void invalidateAll(final Payment[] list, final int count, final String reason) {
        SerialSort.sort(list, count);
        for (int i = 0; i < count; i++) {
            final Payment p = list[i];
            list[i] = null;
            p.state(PaymentState.INVALIDATED);
            p.leaveBlock();
            apply(p.invoice(), p, PaymentEventType.PAYMENT_INVALIDATED, reason);
        }
    }

    private int candidate(final int count, final Payment p) {
        if (count == candidates.length) {
            candidates = Arrays.copyOf(candidates, count * 2);
        }
        candidates[count] = p;
        return count + 1;
    }

    /** A mempool conflict only displaces a mempool payment; a mined conflict displaces anything not yet final. */
    private static boolean conflictApplies(final PaymentState state, final boolean inBlock) {
        return state == PaymentState.MEMPOOL
            || (inBlock && (state == PaymentState.IN_BLOCK || state == PaymentState.REVERTED));
    }

    private static boolean wrongAsset(final Invoice inv, final MatchList matches, final int i) {
        final boolean isToken = (matches.flags(i) & MatchList.FLAG_TOKEN) != 0;
        if (isToken != inv.token()) {
            return true;
        }
        return isToken && !Bytes.equal(inv.contract(), 0, matches.contracts(), i * MatchList.CONTRACT_LENGTH,
            MatchList.CONTRACT_LENGTH);
    }

    private void track(final ChainId chain, final Payment p) {
        if (!p.tracked()) {
            p.tracked(true);
            p.serial(++trackSerial);
            trackedByChain[chain.code()].add(p);
            indexByChain[chain.code()].add(p);
        }
    }

    /**
     * The tip advanced: confirmations only grew, so only invoices on the chain's awaiting list (an
     * on-chain payment, status below CONFIRMED / MANUAL_REVIEW) can change. Re-evaluate them in slot
     * order and drop those that no longer wait. The reference model re-evaluates every invoice, which
     * keeps this shortcut honest.
     */
    private void reevaluateAwaiting(final ChainId chain) {
        final SlotList awaiting = awaitingByChain[chain.code()];
        awaiting.sort();
        int kept = 0;
        for (int i = 0, n = awaiting.size(); i < n; i++) {
            final Invoice inv = bySlot[awaiting.get(i)];
            final InvoiceStatus previous = inv.status();
            final InvoiceStatus next = evaluator.evaluate(inv);
            inv.status(next);
            statusEvents(inv, previous, next);
            if (stillAwaiting(inv)) {
                awaiting.set(kept++, inv.slot());
            } else {
                inv.awaitingConfirmations(false);
            }
        }
        awaiting.truncate(kept);
    }

    /**
     * The tip went back: any invoice with an on-chain payment may fall, so re-evaluate all of them
     * in slot order, and rebuild the awaiting list from the result. That includes deep payments not
     * settled yet (the settling list): a policy needing more confirmations than the retention leaves
     * can still lose them. Settled payments cannot.
     */
    private void reevaluateOnChain(final ChainId chain) {
        final int mark = marks.next();
        int count = collectInBlock(trackedByChain[chain.code()], mark, 0);
        count = collectInBlock(settlingByChain[chain.code()], mark, count);
        IntSort.sort(scratchSlots, 0, count);
        for (int i = 0; i < count; i++) {
            final Invoice inv = bySlot[scratchSlots[i]];
            final InvoiceStatus previous = inv.status();
            final InvoiceStatus next = evaluator.evaluate(inv);
            inv.status(next);
            statusEvents(inv, previous, next);
            if (stillAwaiting(inv)) {
                markAwaiting(inv);
            }
        }
    }

    /** Append to the scratch slots each not yet marked invoice with an IN_BLOCK payment on the list; returns the count. */
    private int collectInBlock(final TrackedPayments list, final int mark, final int start) {
        int count = start;
        for (int i = 0, n = list.size(); i < n; i++) {
            final Payment p = list.get(i);
            final Invoice inv = p.invoice();
            if (p.state() == PaymentState.IN_BLOCK && inv.mark() != mark) {
                inv.mark(mark);
                if (count == scratchSlots.length) {
                    scratchSlots = Arrays.copyOf(scratchSlots, count * 2);
                }
                scratchSlots[count++] = inv.slot();
            }
        }
        return count;
    }

    private static boolean stillAwaiting(final Invoice inv) {
        return inv.status() != InvoiceStatus.CONFIRMED && inv.status() != InvoiceStatus.MANUAL_REVIEW
            && inv.hasPaymentInBlock();
    }

    private void markAwaiting(final Invoice inv) {
        if (!inv.awaitingConfirmations()) {
            inv.awaitingConfirmations(true);
            awaitingByChain[inv.chain().code()].add(inv.slot());
        }
    }

    /** The next evaluation epoch: never {@link Invoice#NOT_EVALUATED}, whatever the wrap. */
    private int nextEpoch() {
        if (++epochCounter == Invoice.NOT_EVALUATED) {
            ++epochCounter;
        }
        return epochCounter;
    }

    /** Record a payment change: re-evaluate the invoice, report the payment event, then any status event. */
    private void apply(final Invoice inv, final Payment p, final PaymentEventType type, final String reason) {
        p.changedAt(tipByChain[inv.chain().code()]);
        final InvoiceStatus previous = inv.status();
        final InvoiceStatus next = evaluator.afterChange(inv, p);
        inv.status(next);
        // Any change may leave the invoice waiting on the tip (e.g. a late payment invalidated out of
        // MANUAL_REVIEW back to CONFIRMING): make sure the next block re-evaluates it.
        if (stillAwaiting(inv)) {
            markAwaiting(inv);
        }
        sink.onEvent(type, inv, p, previous, reason);
        statusEvents(inv, previous, next);
    }

    private void statusEvents(final Invoice inv, final InvoiceStatus previous, final InvoiceStatus next) {
        if (previous == next) {
            return;
        }
        if (previous == InvoiceStatus.CONFIRMED) {
            sink.onEvent(PaymentEventType.CONFIRMATION_REVERTED, inv, null, previous, null);
            return;
        }
        switch (next) {
            case CONFIRMED -> {
                sink.onEvent(PaymentEventType.INVOICE_CONFIRMED, inv, null, previous, null);
                if (U128.compare(inv.confirmedHi(), inv.confirmedLo(), inv.dueHi(), inv.dueLo()) > 0) {
                    sink.onEvent(PaymentEventType.OVERPAID, inv, null, next, null);
                }
            }
            case CONFIRMING -> sink.onEvent(PaymentEventType.INVOICE_CONFIRMING, inv, null, previous, null);
            case MANUAL_REVIEW -> sink.onEvent(PaymentEventType.INVOICE_MANUAL_REVIEW, inv, null, previous, null);
            default -> {
                // AWAITING_PAYMENT, DETECTED, UNDERPAID, EXPIRED: carried by the payment event that caused them.
            }
        }
    }

}
