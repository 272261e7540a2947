package io.finality.engine;

import io.finality.core.amount.U128;
import io.finality.core.event.InvoiceStatus;
import io.finality.engine.model.Invoice;
import io.finality.engine.model.Payment;
import io.finality.engine.model.PaymentState;
import io.finality.engine.policy.ConfirmationPolicy;
import io.finality.engine.policy.LatePaymentAction;

/**
 * Computes an invoice's totals and status under the rules of {@link InvoiceEngine}: in full, from all its payments, or
 * after a change to one payment, from the last evaluation's totals in constant time.
 *
 * <p>Owned by the state-engine thread. Reads the engine's per-chain tip, finalized height and evaluation epoch (the
 * arrays are the engine's own).
 */
final class InvoiceEvaluator {
    // What a payment adds to its invoice's evaluation (kept in Payment.counted): the totals it counts in,
    // and whether it is a standing late payment and in a block.
    private static final int COUNTS_RECEIVED = 1;
    private static final int COUNTS_ON_CHAIN = 1 << 1;
    private static final int COUNTS_CONFIRMED = 1 << 2;
    private static final int LATE_STANDS = 1 << 3;
    private static final int IN_BLOCK = 1 << 4;

    private final long[] tipByChain;
    private final long[] finalizedByChain;
    private final int[] epochByChain;
    private final U128 seen = new U128();
    private final U128 onChain = new U128();
    private final U128 confirmed = new U128();

    InvoiceEvaluator(final long[] tipByChain, final long[] finalizedByChain, final int[] epochByChain) {
        this.tipByChain = tipByChain;
        this.finalizedByChain = finalizedByChain;
        this.epochByChain = epochByChain;
    }

    /**
     * The status rules of the class comment, from all the invoice's payments; records the totals, the counts and what
     * each payment added (for {@link #afterChange}).
     */
    InvoiceStatus evaluate(final Invoice inv) {
        // Settled payments are on time, in a block and deep enough for good: they count in every total.
        // The sums saturate and amounts are non-negative, so starting from their sum changes no result.
        seen.set(inv.settledHi(), inv.settledLo());
        onChain.set(inv.settledHi(), inv.settledLo());
        confirmed.set(inv.settledHi(), inv.settledLo());
        final int code = inv.chain().code();
        final long tip = tipByChain[code];
        final long finalized = finalizedByChain[code];
        int standingLate = 0;
        int inBlock = 0;
        for (int i = 0, n = inv.paymentCount(); i < n; i++) {
            final Payment p = inv.payment(i);
            final int bits = contribution(inv, p, tip, finalized);
            p.counted(bits);
            if ((bits & COUNTS_RECEIVED) != 0) {
                addSaturating(seen, p);
            }
            if ((bits & COUNTS_ON_CHAIN) != 0) {
                addSaturating(onChain, p);
            }
            if ((bits & COUNTS_CONFIRMED) != 0) {
                addSaturating(confirmed, p);
            }
            standingLate += (bits & LATE_STANDS) != 0 ? 1 : 0;
            inBlock += (bits & IN_BLOCK) != 0 ? 1 : 0;
        }
        inv.evaluated(seen, onChain, confirmed, standingLate, inBlock, epochByChain[code]);
        return status(inv);
    }

    /**
     * The same result as {@link #evaluate} after a change to payment {@code p} alone (new, or its state moved), in
     * constant time: the last evaluation's totals less what {@code p} added then, plus what it adds now. That holds
     * while the chain's tip and finalized height are those of the last evaluation (its epoch; else confirmations
     * moved for every payment) and no total has saturated (a saturated sum is not exact, so nothing can be taken
     * from it); otherwise, and after a payment settles, it walks all payments. A transaction paying one invoice N
     * times then costs N steps, not N^2/2 (docs/BENCHMARKS.md, "A transaction with thousands of outputs").
     */
    InvoiceStatus afterChange(final Invoice inv, final Payment p) {
        final int code = inv.chain().code();
        if (inv.evaluatedAt() != epochByChain[code] || saturated(inv)) {
            return evaluate(inv);
        }
        final int before = p.counted();
        final int after = contribution(inv, p, tipByChain[code], finalizedByChain[code]);
        if (before != after) {
            seen.set(inv.receivedHi(), inv.receivedLo());
            onChain.set(inv.onChainHi(), inv.onChainLo());
            confirmed.set(inv.confirmedHi(), inv.confirmedLo());
            shift(seen, p, before, after, COUNTS_RECEIVED);
            shift(onChain, p, before, after, COUNTS_ON_CHAIN);
            shift(confirmed, p, before, after, COUNTS_CONFIRMED);
            p.counted(after);
            inv.evaluated(seen, onChain, confirmed,
                inv.standingLatePayments() + change(before, after, LATE_STANDS),
                inv.paymentsInBlock() + change(before, after, IN_BLOCK), epochByChain[code]);
        }
        return status(inv);
    }

    /** What payment {@code p} adds to its invoice's evaluation now: the bits above. */
    private static int contribution(final Invoice inv, final Payment p, final long tip, final long finalized) {
        if (!p.active()) {
            return 0;
        }
        final boolean inBlock = p.state() == PaymentState.IN_BLOCK;
        int bits = inBlock ? IN_BLOCK : 0;
        if (p.late()) {
            bits |= LATE_STANDS;
            if (inv.policy().lateAction() == LatePaymentAction.IGNORE || inv.cancelled()) {
                return bits;
            }
        }
        bits |= COUNTS_RECEIVED;
        if (inBlock) {
            bits |= COUNTS_ON_CHAIN;
            final boolean deepEnough = inv.policy().finalizedMode()
                ? finalized >= 0 && p.height() <= finalized
                : tip - p.height() + 1 >= inv.requiredConfirmations();
            if (deepEnough) {
                bits |= COUNTS_CONFIRMED;
            }
        }
        return bits;
    }

    /** The status rules of the class comment, from the totals and counts the last evaluation recorded. */
    private static InvoiceStatus status(final Invoice inv) {
        if (inv.cancelled()) {
            return InvoiceStatus.CANCELLED;
        }
        final ConfirmationPolicy policy = inv.policy();
        if (inv.standingLatePayments() > 0 && policy.lateAction() == LatePaymentAction.MANUAL_REVIEW) {
            return InvoiceStatus.MANUAL_REVIEW;
        }
        final long tHi = inv.thresholdHi();
        final long tLo = inv.thresholdLo();
        if (U128.compare(inv.confirmedHi(), inv.confirmedLo(), tHi, tLo) >= 0) {
            return policy.needsReview(inv.dueHi(), inv.dueLo()) ? InvoiceStatus.MANUAL_REVIEW : InvoiceStatus.CONFIRMED;
        }
        if (U128.compare(inv.onChainHi(), inv.onChainLo(), tHi, tLo) >= 0) {
            return InvoiceStatus.CONFIRMING;
        }
        if (U128.compare(inv.receivedHi(), inv.receivedLo(), tHi, tLo) >= 0) {
            return InvoiceStatus.DETECTED;
        }
        if (!U128.isZero(inv.receivedHi(), inv.receivedLo())) {
            return InvoiceStatus.UNDERPAID;
        }
        return inv.closed() ? InvoiceStatus.EXPIRED : InvoiceStatus.AWAITING_PAYMENT;
    }

    private static boolean saturated(final Invoice inv) {
        return inv.receivedHi() == -1L && inv.receivedLo() == -1L
            || inv.onChainHi() == -1L && inv.onChainLo() == -1L
            || inv.confirmedHi() == -1L && inv.confirmedLo() == -1L;
    }

    /** Move {@code p}'s amount into or out of {@code sum} if its {@code bit} changed; the sum is exact (not saturated). */
    private static void shift(final U128 sum, final Payment p, final int before, final int after, final int bit) {
        if ((before & bit) != 0 && (after & bit) == 0) {
            sum.sub(p.amountHi(), p.amountLo());
        } else if ((before & bit) == 0 && (after & bit) != 0) {
            addSaturating(sum, p);
        }
    }

    private static int change(final int before, final int after, final int bit) {
        return ((after & bit) != 0 ? 1 : 0) - ((before & bit) != 0 ? 1 : 0);
    }

    /** Token amounts are attacker-chosen: a sum that would overflow 128 bits saturates instead of wrapping. */
    static void addSaturating(final U128 sum, final Payment p) {
        if (!sum.add(p.amountHi(), p.amountLo())) {
            sum.set(-1L, -1L);
        }
    }
}
