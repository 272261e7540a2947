package io.finality.engine.model;

import io.finality.core.amount.U128;
import io.finality.core.chain.ChainId;
import io.finality.core.event.InvoiceStatus;
import io.finality.core.ring.MatchList;
import io.finality.engine.policy.ConfirmationPolicy;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The engine's state of one invoice: what is due, under which policy, its payments and the
 * status and totals last computed from them.
 *
 * <p>Owned by the state-engine thread.
 */
public final class Invoice {
    /** {@link #evaluatedAt()} of an invoice whose totals must be recomputed from all its payments. */
    public static final int NOT_EVALUATED = -1;

    private final int slot;
    private final String id;
    private final ChainId chain;
    private final UnsafeBuffer contract = new UnsafeBuffer(new byte[MatchList.CONTRACT_LENGTH]);
    private final boolean token;
    private final long dueHi;
    private final long dueLo;
    private final long thresholdHi;
    private final long thresholdLo;
    private final ConfirmationPolicy policy;
    private final int requiredConfirmations;
    private final long expiresAtMs;
    private final long closeAtMs;
    private final String orderId;
    private final String correlationId;
    private final InvoiceSpec spec;

    private InvoiceStatus status = InvoiceStatus.AWAITING_PAYMENT;
    private boolean closed;
    private boolean cancelled;
    private Payment[] payments = new Payment[2];
    private int paymentCount;
    private long settledCount;
    private long settledHi;
    private long settledLo;
    private long receivedHi;
    private long receivedLo;
    private long confirmedHi;
    private long confirmedLo;
    private long onChainHi;
    private long onChainLo;
    private int standingLatePayments;
    private int paymentsInBlock;
    private int evaluatedAt = NOT_EVALUATED;
    private int mark = -1;
    private boolean awaitingConfirmations;

    public Invoice(final InvoiceSpec spec, final ConfirmationPolicy policy) {
        this.spec = spec;
        slot = spec.slot();
        id = spec.invoiceId();
        chain = spec.chain();
        token = spec.contract() != null;
        if (token) {
            contract.putBytes(0, spec.contract());
        }
        dueHi = spec.dueHi();
        dueLo = spec.dueLo();
        this.policy = policy;
        final U128 threshold = new U128(dueHi, dueLo);
        threshold.mulDivBasisPoints(U128.BASIS_POINTS - policy.toleranceBps());
        thresholdHi = threshold.hi();
        thresholdLo = threshold.lo();
        requiredConfirmations = policy.requiredConfirmations(dueHi, dueLo);
        expiresAtMs = spec.expiresAtMs();
        closeAtMs = spec.expiresAtMs() > Long.MAX_VALUE - policy.graceMs() ? Long.MAX_VALUE : spec.expiresAtMs() + policy.graceMs();
        orderId = spec.orderId();
        correlationId = spec.correlationId();
    }

    /** What the invoice was opened with (kept for snapshots). */
    public InvoiceSpec spec() {
        return spec;
    }

    /** Restore the recorded facts of a snapshot. */
    public void restore(final InvoiceStatus value, final boolean wasClosed, final boolean wasCancelled) {
        status = value;
        closed = wasClosed;
        cancelled = wasCancelled;
    }

    /** Add a reset payment record (from a {@link PaymentPool}) as the newest payment; returns it. */
    public Payment addPayment(final Payment p) {
        if (paymentCount == payments.length) {
            payments = Arrays.copyOf(payments, paymentCount * 2);
        }
        p.attach(this, paymentCount);
        payments[paymentCount++] = p;
        return p;
    }

    /**
     * Fold an IN_BLOCK payment that can no longer change into {@link #settledCount()} and the settled
     * amount, and drop it from the live payments. Its place stays empty until {@link #closeGaps()}: the engine
     * settles all it can in one pass and then closes each invoice's gaps once, so settling N payments of one
     * invoice costs N steps, not N^2/2, and the others keep their first-seen order. Nothing may walk the
     * payments in between. The caller returns the record to its pool; the next evaluation walks all payments.
     *
     * @param sumHi the settled amount after adding this payment's (saturated by the caller), high 64 bits.
     * @param sumLo its low 64 bits.
     */
    public void settle(final Payment p, final long sumHi, final long sumLo) {
        payments[p.index()] = null;
        settledHi = sumHi;
        settledLo = sumLo;
        settledCount++;
        evaluatedAt = NOT_EVALUATED;
    }

    /**
     * Drop a payment that counts nowhere (its evaluation bits are 0, so no total or count changes) and that the engine
     * retires. Its place stays empty until {@link #closeGaps()}, as for {@link #settle}.
     */
    public void retire(final Payment p) {
        assert p.counted() == 0 && !p.active() : p.state();
        payments[p.index()] = null;
    }

    /** Move the live payments down over the places settled or retired ones left, in order. */
    public void closeGaps() {
        int kept = 0;
        for (int i = 0; i < paymentCount; i++) {
            final Payment p = payments[i];
            if (p != null) {
                payments[kept] = p;
                p.attach(this, kept++);
            }
        }
        Arrays.fill(payments, kept, paymentCount, null);
        paymentCount = kept;
    }

    /** Snapshot restore: the settled payments' count and amount. */
    public void restoreSettled(final long count, final long sumHi, final long sumLo) {
        settledCount = count;
        settledHi = sumHi;
        settledLo = sumLo;
    }

    /**
     * Payments settled so far: IN_BLOCK, on time, buried deeper than any reorg the engine handles and
     * deep enough for the policy even after such a reorg. They count in every total, for good.
     */
    public long settledCount() {
        return settledCount;
    }

    /** Sum of the settled payments (saturated at 2^128-1), high 64 bits. */
    public long settledHi() {
        return settledHi;
    }

    public long settledLo() {
        return settledLo;
    }

    public int paymentCount() {
        return paymentCount;
    }

    public Payment payment(final int i) {
        return payments[i];
    }

    public int slot() {
        return slot;
    }

    public String id() {
        return id;
    }

    public ChainId chain() {
        return chain;
    }

    /** True if the invoice is paid in a token; {@link #contract()} holds it. */
    public boolean token() {
        return token;
    }

    public DirectBuffer contract() {
        return contract;
    }

    public long dueHi() {
        return dueHi;
    }

    public long dueLo() {
        return dueLo;
    }

    /** The least amount accepted as full payment: due less the policy's tolerance. */
    public long thresholdHi() {
        return thresholdHi;
    }

    public long thresholdLo() {
        return thresholdLo;
    }

    public ConfirmationPolicy policy() {
        return policy;
    }

    public int requiredConfirmations() {
        return requiredConfirmations;
    }

    public long expiresAtMs() {
        return expiresAtMs;
    }

    /** Expiry plus the late-payment grace: when the invoice closes if still unpaid. */
    public long closeAtMs() {
        return closeAtMs;
    }

    public String orderId() {
        return orderId;
    }

    public String correlationId() {
        return correlationId;
    }

    public InvoiceStatus status() {
        return status;
    }

    public void status(final InvoiceStatus value) {
        status = value;
    }

    public boolean closed() {
        return closed;
    }

    public void close() {
        closed = true;
    }

    public boolean cancelled() {
        return cancelled;
    }

    public void cancel() {
        cancelled = true;
    }

    /** Counted payments, mempool and on-chain, as of the last evaluation. */
    public long receivedHi() {
        return receivedHi;
    }

    public long receivedLo() {
        return receivedLo;
    }

    /** Payments that meet the confirmation policy, as of the last evaluation. */
    public long confirmedHi() {
        return confirmedHi;
    }

    public long confirmedLo() {
        return confirmedLo;
    }

    /** Sum of the counted payments that are in a block, as of the last evaluation. */
    public long onChainHi() {
        return onChainHi;
    }

    public long onChainLo() {
        return onChainLo;
    }

    /** Late payments that stand (in the mempool or a block), as of the last evaluation. */
    public int standingLatePayments() {
        return standingLatePayments;
    }

    /** Payments in a block (settled ones aside), as of the last evaluation. */
    public int paymentsInBlock() {
        return paymentsInBlock;
    }

    /**
     * Record an evaluation: the three totals (settled payments included), the counts, and the engine's
     * evaluation epoch of the invoice's chain when it was made ({@link #NOT_EVALUATED} to ask for a full one).
     */
    public void evaluated(
        final U128 received,
        final U128 onChain,
        final U128 confirmed,
        final int standingLate,
        final int inBlock,
        final int epoch) {
        receivedHi = received.hi();
        receivedLo = received.lo();
        onChainHi = onChain.hi();
        onChainLo = onChain.lo();
        confirmedHi = confirmed.hi();
        confirmedLo = confirmed.lo();
        standingLatePayments = standingLate;
        paymentsInBlock = inBlock;
        evaluatedAt = epoch;
    }

    /** The engine's evaluation epoch of the last evaluation, or {@link #NOT_EVALUATED}. */
    public int evaluatedAt() {
        return evaluatedAt;
    }

    /** True while the invoice is on its chain's list of invoices whose status may still rise with the tip. */
    public boolean awaitingConfirmations() {
        return awaitingConfirmations;
    }

    public void awaitingConfirmations(final boolean value) {
        awaitingConfirmations = value;
    }

    /** True if any payment is in a block (settled payments are), as of the last evaluation. */
    public boolean hasPaymentInBlock() {
        return settledCount > 0 || paymentsInBlock > 0;
    }

    /** Scratch stamp for de-duplicating invoices within one step. */
    public int mark() {
        return mark;
    }

    public void mark(final int value) {
        mark = value;
    }
}
