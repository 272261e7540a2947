package io.finality.engine;

import io.finality.core.amount.U128;
import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import io.finality.engine.model.Invoice;
import io.finality.engine.model.Payment;
import io.finality.engine.model.PaymentPool;
import io.finality.engine.model.PaymentState;
import java.util.Arrays;

/**
 * The engine's periodic pass over a chain's payments (the rules are in {@link InvoiceEngine}'s class comment): every
 * quarter of the reorg retention, at most every {@value #PRUNE_EVERY_BLOCKS} blocks, it stops tracking payments
 * buried deeper than the retention and settles those that can no longer change, retires those that count nowhere and
 * have not changed for longer than the retention, and finds the Bitcoin mempool payments past the mempool expiry, which
 * the engine then invalidates. Its walks are amortised over the blocks between two prunes; when they run is part of the
 * rules (the reference model retires and expires at the same blocks).
 *
 * <p>Owned by the state-engine thread. Shares the engine's per-chain lists and indexes.
 */
final class PaymentPruner {
    static final int PRUNE_EVERY_BLOCKS = 64;

    private final int reorgRetentionBlocks;
    private final int mempoolExpiryBlocks;
    private final long pruneMask;
    private final long[] finalizedByChain;
    private final TrackedPayments[] trackedByChain;
    private final TrackedPayments[] settlingByChain;
    private final PaymentIndex[] indexByChain;
    private final OutputIndex[] outputsByChain;
    private final PaymentPool pool;
    private final MarkStamps marks;
    private final U128 settledSum = new U128();
    private long settledPayments;
    private long retiredPayments;
    /** Invoices this prune left gaps in (settled or retired payments): closed once at its end. */
    private Invoice[] gappedInvoices = new Invoice[64];
    private int gapped;
    private int pruneMark;
    /** The last prune's expired mempool payments, in tracking order. */
    private Payment[] expired = new Payment[16];

    PaymentPruner(final int reorgRetentionBlocks, final int mempoolExpiryBlocks, final long[] finalizedByChain,
        final TrackedPayments[] trackedByChain, final TrackedPayments[] settlingByChain, final PaymentIndex[] indexByChain,
        final OutputIndex[] outputsByChain, final PaymentPool pool, final MarkStamps marks) {
        this.reorgRetentionBlocks = reorgRetentionBlocks;
        this.mempoolExpiryBlocks = mempoolExpiryBlocks;
        // Every quarter of the retention (a power of two, at most 64 blocks): amortised, never late.
        this.pruneMask = Integer.highestOneBit(Math.max(1, Math.min(PRUNE_EVERY_BLOCKS, reorgRetentionBlocks / 4))) - 1;
        this.finalizedByChain = finalizedByChain;
        this.trackedByChain = trackedByChain;
        this.settlingByChain = settlingByChain;
        this.indexByChain = indexByChain;
        this.outputsByChain = outputsByChain;
        this.pool = pool;
        this.marks = marks;
    }

    long settledPayments() {
        return settledPayments;
    }

    long retiredPayments() {
        return retiredPayments;
    }

    /** The expired mempool payments of the last {@link #prune}, its return value long, in tracking order. */
    Payment[] expired() {
        return expired;
    }

    /**
     * Prune {@code chain} at {@code tip} if a prune is due there.
     *
     * @return how many Bitcoin mempool payments are past the expiry (in {@link #expired()}): the engine invalidates them,
     *     now that every invoice's payments are whole again (an invalidation may walk them).
     */
    int prune(final ChainId chain, final long tip) {
        if ((tip & pruneMask) != 0) {
            return 0;
        }
        final int code = chain.code();
        final TrackedPayments settling = settlingByChain[code];
        pruneMark = marks.next();
        int kept = 0;
        for (int i = 0, n = settling.size(); i < n; i++) {
            final Payment p = settling.get(i);
            if (p.tracked() || p.state() != PaymentState.IN_BLOCK) {
                // Seen again in another block (a re-sighting tracks it again): the tracked walk owns it now.
                p.settling(false);
            } else if (settleable(p, tip)) {
                p.settling(false);
                settle(p);
            } else {
                settling.set(kept++, p);
            }
        }
        settling.truncate(kept);
        final TrackedPayments tracked = trackedByChain[code];
        final PaymentIndex index = indexByChain[code];
        final boolean expiresMempool = chain.family() == ChainFamily.BITCOIN;
        int expiredCount = 0;
        kept = 0;
        for (int i = 0, n = tracked.size(); i < n; i++) {
            final Payment p = tracked.get(i);
            if (expiresMempool && p.state() == PaymentState.MEMPOOL && tip - p.changedAt() > mempoolExpiryBlocks) {
                expiredCount = addExpired(expiredCount, p);
            }
            if (buriedBeyondRetention(p, tip)) {
                p.tracked(false);
                forget(index, p, tip);
                if (settleable(p, tip)) {
                    settle(p);
                } else if (!p.settling()) {
                    p.settling(true);
                    settling.add(p);
                }
            } else if (retirable(p, tip)) {
                p.tracked(false);
                forget(index, p, tip);
                retire(p);
            } else {
                tracked.set(kept++, p);
            }
        }
        tracked.truncate(kept);
        for (int i = 0; i < gapped; i++) {
            gappedInvoices[i].closeGaps();
            gappedInvoices[i] = null;
        }
        gapped = 0;
        return expiredCount;
    }

    private int addExpired(final int count, final Payment p) {
        if (count == expired.length) {
            expired = Arrays.copyOf(expired, count * 2);
        }
        expired[count] = p;
        return count + 1;
    }

    private boolean buriedBeyondRetention(final Payment p, final long tip) {
        return p.state() == PaymentState.IN_BLOCK && tip - p.height() + 1 > reorgRetentionBlocks;
    }

    /** Counts nowhere and has neither changed nor been seen for longer than the retention. */
    private boolean retirable(final Payment p, final long tip) {
        return !p.active() && tip - p.changedAt() > reorgRetentionBlocks;
    }

    /** Whether a payment stays tracked through this prune: neither buried beyond the retention nor retired. */
    private boolean staysTracked(final Payment p, final long tip) {
        return !buriedBeyondRetention(p, tip) && !retirable(p, tip);
    }

    /**
     * Take a payment that stops being tracked out of the index. If it holds its transaction's inputs, a payment of the
     * transaction that stays tracked (one that is not buried as deep, or a mempool payment beside a retired wrong
     * asset) takes them over, so conflicts still find it. Payments of one block are pruned together, so this is rare
     * and walks the transaction once.
     */
    private void forget(final PaymentIndex index, final Payment p, final long tip) {
        Payment heir = null;
        if (p.inputCount() > 0) {
            for (Payment q = index.withTxid(p.txid(), 0); q != null && heir == null; q = q.nextSameTxid()) {
                if (q != p && q.sameTxid(p.txid(), 0) && staysTracked(q, tip)) {
                    heir = q;
                }
            }
        }
        index.remove(p);
        if (heir != null) {
            heir.takeInputsFrom(p);
            index.addInputs(heir);
        }
    }

    /**
     * An untracked IN_BLOCK payment counts for good once it is on time (late payments keep their own
     * rules) and deep enough for its policy even after the deepest reorg the engine handles: the tip
     * never goes back more than the retention, and the finalized height never goes back at all.
     */
    private boolean settleable(final Payment p, final long tip) {
        if (p.late()) {
            return false;
        }
        final Invoice inv = p.invoice();
        if (inv.policy().finalizedMode()) {
            final long finalized = finalizedByChain[inv.chain().code()];
            return finalized >= 0 && p.height() <= finalized;
        }
        return tip - reorgRetentionBlocks - p.height() + 1 >= inv.requiredConfirmations();
    }

    /** Fold a settleable payment into its invoice's settled total and recycle its record. */
    private void settle(final Payment p) {
        final Invoice inv = p.invoice();
        settledSum.set(inv.settledHi(), inv.settledLo());
        InvoiceEvaluator.addSaturating(settledSum, p);
        inv.settle(p, settledSum.hi(), settledSum.lo());
        settledPayments++;
        recycle(inv, p);
    }

    /** Drop a retirable payment from its invoice and the output index, and recycle its record (no event: it counts nowhere). */
    private void retire(final Payment p) {
        final Invoice inv = p.invoice();
        inv.retire(p);
        retiredPayments++;
        recycle(inv, p);
    }

    /** After a payment left {@code inv}'s payments: out of the output index, back to the pool, the gap noted. */
    private void recycle(final Invoice inv, final Payment p) {
        noteGap(inv);
        outputsByChain[inv.chain().code()].remove(p);
        pool.release(p);
    }

    /** Remember that this prune left a gap in {@code inv}'s payments, to close once at its end. */
    private void noteGap(final Invoice inv) {
        if (inv.mark() != pruneMark) {
            inv.mark(pruneMark);
            if (gapped == gappedInvoices.length) {
                gappedInvoices = Arrays.copyOf(gappedInvoices, gapped * 2);
            }
            gappedInvoices[gapped++] = inv;
        }
    }
}
