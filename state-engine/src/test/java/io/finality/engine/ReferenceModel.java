package io.finality.engine;

import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.MatchList;
import io.finality.engine.model.InvoiceSpec;
import io.finality.engine.policy.ConfirmationPolicy;
import io.finality.engine.policy.LatePaymentAction;
import io.finality.engine.policy.PolicyBook;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.agrona.DirectBuffer;

/**
 * A deliberately plain implementation of {@link InvoiceEngine}'s rules, for differential testing:
 * strings for hashes, BigInteger for money, lists scanned in full, every invoice re-evaluated
 * from scratch. Clarity over speed; shares no code with the engine beyond the policy values.
 */
final class ReferenceModel {
    private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

    final List<String> events = new ArrayList<>();
    private final PolicyBook policies;
    private final TreeMap<Integer, Inv> invoices = new TreeMap<>();
    private final List<Pay> payments = new ArrayList<>();
    private final Map<ChainId, Long> tips = new HashMap<>();
    private final Map<ChainId, Long> finalized = new HashMap<>();
    private final int retention;
    /** Payments that count nowhere retire at the blocks whose height is a multiple of this (the engine's prunes). */
    private final int retireEvery;
    private long now = Long.MIN_VALUE;
    /** Outputs seen again after their payment retired: a new payment each (a test of the generator's coverage). */
    long seenAfterRetiring;
    private final Set<String> retiredOutputs = new HashSet<>();

    /** Bitcoin mempool payments neither mined nor seen again for longer than this are invalidated (at the same blocks). */
    private final int mempoolExpiry;

    ReferenceModel(final PolicyBook policies, final int retention, final int mempoolExpiry) {
        this.policies = policies;
        this.retention = retention;
        this.mempoolExpiry = mempoolExpiry;
        // every quarter of the retention, rounded down to a power of two, at most every 64 blocks
        int every = 1;
        while (every * 2 <= Math.min(64, retention / 4)) {
            every *= 2;
        }
        this.retireEvery = every;
    }

    private static final class Inv {
        int slot;
        String id;
        ChainId chain;
        String contract;
        BigInteger due;
        BigInteger threshold;
        int required;
        boolean finalizedMode;
        LatePaymentAction lateAction;
        boolean review;
        long closeAt;
        boolean closed;
        boolean cancelled;
        String status = "AWAITING_PAYMENT";
        BigInteger received = BigInteger.ZERO;
        BigInteger confirmed = BigInteger.ZERO;
        final List<Pay> pays = new ArrayList<>();
    }

    private static final class Pay {
        Inv inv;
        ChainId chain;
        String txid;
        int vout;
        BigInteger amount;
        String state;
        long height = -1;
        String block = "";
        boolean late;
        /** The chain's tip when its state last changed or it was last seen. */
        long changedAt;
        final Set<String> inputs = new HashSet<>();
    }

    void open(final InvoiceSpec spec) {
        final ConfirmationPolicy policy = policies.resolve(spec.policyName(), spec.chain(), spec.contract());
        if (policy == null || invoices.containsKey(spec.slot())) {
            return;
        }
        final Inv inv = new Inv();
        inv.slot = spec.slot();
        inv.id = spec.invoiceId();
        inv.chain = spec.chain();
        inv.contract = spec.contract() == null ? null : Hex.toHex(spec.contract());
        inv.due = unsigned(spec.dueHi(), spec.dueLo());
        inv.threshold = inv.due.multiply(BigInteger.valueOf(10_000 - policy.toleranceBps())).divide(TEN_THOUSAND);
        inv.required = policy.requiredConfirmations(spec.dueHi(), spec.dueLo());
        inv.finalizedMode = policy.finalizedMode();
        inv.lateAction = policy.lateAction();
        inv.review = policy.needsReview(spec.dueHi(), spec.dueLo());
        inv.closeAt = Math.min(Long.MAX_VALUE - policy.graceMs(), spec.expiresAtMs()) + policy.graceMs();
        if (spec.expiresAtMs() > Long.MAX_VALUE - policy.graceMs()) {
            inv.closeAt = Long.MAX_VALUE;
        }
        invoices.put(inv.slot, inv);
        emit("INVOICE_OPENED", inv, null, "AWAITING_PAYMENT", null);
    }

    void cancel(final int slot) {
        final Inv inv = invoices.get(slot);
        if (inv == null || inv.cancelled) {
            return;
        }
        for (Pay p : inv.pays) {
            if (active(p)) {
                return;
            }
        }
        final String prev = inv.status;
        inv.cancelled = true;
        inv.status = evaluate(inv);
        emit("INVOICE_CANCELLED", inv, null, prev, null);
    }

    void blockConnected(final ChainId chain, final long height, final String hash, final long fin, final MatchList m) {
        tips.put(chain, height);
        if (fin > finalized.getOrDefault(chain, -1L)) {
            finalized.put(chain, fin);
        }
        outputs(chain, true, false, height, hash, m);
        spends(chain, true, m);
        reevaluateAll(chain);
        if (height % retireEvery == 0) {
            retire(chain, height);
            if (chain.family() == ChainFamily.BITCOIN) {
                expireMempool(chain, height);
            }
        }
    }

    /** A Bitcoin node does not say when it evicts a transaction: one not mined nor seen again for long counts as evicted. */
    private void expireMempool(final ChainId chain, final long tip) {
        for (Pay p : new ArrayList<>(payments)) {
            if (p.chain == chain && "MEMPOOL".equals(p.state) && tip - p.changedAt > mempoolExpiry) {
                p.state = "INVALIDATED";
                change(p, "PAYMENT_INVALIDATED", InvoiceEngine.REASON_MEMPOOL_EXPIRED);
            }
        }
    }

    /**
     * Forget the payments that count nowhere and have neither changed nor been seen for longer than the retention:
     * no event; their outputs, if seen again, are new payments.
     */
    private void retire(final ChainId chain, final long tip) {
        for (Pay p : new ArrayList<>(payments)) {
            if (p.chain == chain && !active(p) && tip - p.changedAt > retention) {
                payments.remove(p);
                p.inv.pays.remove(p);
                retiredOutputs.add(p.inv.slot + ":" + p.txid + ":" + p.vout);
            }
        }
    }

    /** A rescan: within the retention below the tip, a new payment counts unless another invoice holds that output. */
    void blockRescanned(final ChainId chain, final long height, final String hash, final MatchList m) {
        final long tip = tips.getOrDefault(chain, -1L);
        if (tip < 0 || height < 0 || height > tip || tip - height + 1 > retention) {
            return;
        }
        outputs(chain, true, true, height, hash, m);
        spends(chain, true, m);
    }

    void blockDisconnected(final ChainId chain, final long height, final String hash) {
        tips.put(chain, height - 1);
        for (Pay p : payments) {
            if (p.chain == chain && "IN_BLOCK".equals(p.state) && p.height == height && p.block.equals(hash)) {
                p.state = "REVERTED";
                p.height = -1;
                p.block = "";
                change(p, "PAYMENT_REVERTED", null);
            }
        }
        reevaluateAll(chain);
    }

    void mempoolTx(final ChainId chain, final MatchList m) {
        outputs(chain, false, false, -1, "", m);
        spends(chain, false, m);
    }

    void mempoolTxGone(final ChainId chain, final String txid) {
        for (Pay p : payments) {
            if (p.chain == chain && "MEMPOOL".equals(p.state) && p.txid.equals(txid)) {
                p.state = "INVALIDATED";
                change(p, "PAYMENT_INVALIDATED", InvoiceEngine.REASON_DROPPED);
            }
        }
    }

    void tick(final long time) {
        now = Math.max(now, time);
        final List<Inv> closing = new ArrayList<>();
        for (Inv inv : invoices.values()) {
            if (!inv.cancelled && !inv.closed && inv.closeAt <= now) {
                closing.add(inv);
            }
        }
        closing.sort((a, b) -> a.closeAt != b.closeAt ? Long.compare(a.closeAt, b.closeAt) : Integer.compare(a.slot, b.slot));
        for (Inv inv : closing) {
            inv.closed = true;
            final String prev = inv.status;
            inv.status = evaluate(inv);
            if (inv.status.equals("EXPIRED")) {
                emit("INVOICE_EXPIRED", inv, null, prev, null);
            } else if (inv.status.equals("UNDERPAID")) {
                emit("INVOICE_UNDERPAID", inv, null, prev, null);
            }
        }
    }

    private void outputs(final ChainId chain, final boolean inBlock, final boolean rescan, final long height, final String hash,
                         final MatchList m) {
        for (int i = 0; i < m.outputCount(); i++) {
            final Inv inv = invoices.get(m.invoiceSlot(i));
            if (inv == null || inv.chain != chain) {
                continue;
            }
            final String txid = hex(m.txids(), i * 32, 32);
            final int vout = m.outputIndex(i);
            final boolean failed = (m.flags(i) & MatchList.FLAG_FAILED) != 0;
            final boolean isToken = (m.flags(i) & MatchList.FLAG_TOKEN) != 0;
            final String contract = isToken ? hex(m.contracts(), i * 20, 20) : null;
            final boolean overflow = (m.flags(i) & MatchList.FLAG_AMOUNT_OVERFLOW) != 0;
            final boolean wrong = overflow || isToken != (inv.contract != null) || (isToken && !contract.equals(inv.contract));
            Pay p = null;
            for (Pay q : inv.pays) {
                if (q.txid.equals(txid) && q.vout == vout) {
                    p = q;
                }
            }
            if (p != null) {
                p.changedAt = tips.getOrDefault(chain, -1L);
            }
            if (p == null && rescan && heldElsewhere(chain, inv, txid, vout)) {
                continue;
            }
            if (p == null) {
                if (retiredOutputs.remove(inv.slot + ":" + txid + ":" + vout)) {
                    seenAfterRetiring++;
                }
                p = new Pay();
                p.inv = inv;
                p.chain = chain;
                p.txid = txid;
                p.vout = vout;
                p.amount = unsigned(m.amountHi(i), m.amountLo(i));
                p.late = inv.cancelled || (inv.closed && (inv.status.equals("EXPIRED") || inv.status.equals("UNDERPAID")));
                if (inBlock) {
                    p.height = height;
                    p.block = hash;
                }
                inv.pays.add(p);
                payments.add(p);
                if (wrong) {
                    p.state = "WRONG_ASSET";
                    change(p, "WRONG_ASSET_PAYMENT", overflow ? InvoiceEngine.REASON_AMOUNT_OVERFLOW : InvoiceEngine.REASON_WRONG_ASSET);
                } else if (failed && inBlock) {
                    p.state = "FAILED";
                    change(p, "PAYMENT_FAILED", InvoiceEngine.REASON_FAILED);
                } else {
                    p.state = inBlock ? "IN_BLOCK" : "MEMPOOL";
                    if (p.late) {
                        change(p, "LATE_PAYMENT", inv.cancelled ? InvoiceEngine.REASON_CANCELLED : InvoiceEngine.REASON_CLOSED);
                    } else {
                        change(p, inBlock ? "PAYMENT_IN_BLOCK" : "PAYMENT_DETECTED", null);
                    }
                }
            } else if (!p.state.equals("WRONG_ASSET")) {
                if (inBlock) {
                    final String target = failed ? "FAILED" : "IN_BLOCK";
                    if (p.state.equals(target) && p.height == height && p.block.equals(hash)) {
                        continue;
                    }
                    p.state = target;
                    p.height = height;
                    p.block = hash;
                    change(p, failed ? "PAYMENT_FAILED" : "PAYMENT_IN_BLOCK", failed ? InvoiceEngine.REASON_FAILED : null);
                } else if (p.state.equals("REVERTED") || p.state.equals("INVALIDATED")) {
                    p.state = "MEMPOOL";
                    p.height = -1;
                    p.block = "";
                    change(p, "PAYMENT_DETECTED", null);
                }
            }
        }
    }

    private boolean heldElsewhere(final ChainId chain, final Inv inv, final String txid, final int vout) {
        for (Pay q : payments) {
            if (q.chain == chain && q.inv != inv && q.txid.equals(txid) && q.vout == vout) {
                return true;
            }
        }
        return false;
    }

    private void spends(final ChainId chain, final boolean inBlock, final MatchList m) {
        for (int j = 0; j < m.spendCount(); j++) {
            final String spender = hex(m.spenderTxids(), j * 32, 32);
            final String outpoint = hex(m.prevTxids(), j * 32, 32) + ":" + m.prevIndex(j);
            for (Pay p : payments) {
                if (p.chain == chain && p.txid.equals(spender)) {
                    p.inputs.add(outpoint);
                }
            }
            for (Pay p : payments) {
                final boolean applies = p.state.equals("MEMPOOL")
                    || (inBlock && (p.state.equals("IN_BLOCK") || p.state.equals("REVERTED")));
                if (p.chain == chain && !p.txid.equals(spender) && applies && p.inputs.contains(outpoint)) {
                    p.state = "INVALIDATED";
                    p.height = -1;
                    p.block = "";
                    change(p, "PAYMENT_INVALIDATED", InvoiceEngine.REASON_CONFLICT);
                }
            }
        }
    }

    private void reevaluateAll(final ChainId chain) {
        for (Inv inv : invoices.values()) {
            if (inv.chain == chain) {
                final String prev = inv.status;
                inv.status = evaluate(inv);
                statusEvents(inv, prev);
            }
        }
    }

    private void change(final Pay p, final String type, final String reason) {
        p.changedAt = tips.getOrDefault(p.chain, -1L);
        final String prev = p.inv.status;
        p.inv.status = evaluate(p.inv);
        emit(type, p.inv, p, prev, reason);
        statusEvents(p.inv, prev);
    }

    private void statusEvents(final Inv inv, final String prev) {
        if (prev.equals(inv.status)) {
            return;
        }
        if (prev.equals("CONFIRMED")) {
            emit("CONFIRMATION_REVERTED", inv, null, prev, null);
            return;
        }
        switch (inv.status) {
            case "CONFIRMED" -> {
                emit("INVOICE_CONFIRMED", inv, null, prev, null);
                if (inv.confirmed.compareTo(inv.due) > 0) {
                    emit("OVERPAID", inv, null, "CONFIRMED", null);
                }
            }
            case "CONFIRMING" -> emit("INVOICE_CONFIRMING", inv, null, prev, null);
            case "MANUAL_REVIEW" -> emit("INVOICE_MANUAL_REVIEW", inv, null, prev, null);
            default -> {
            }
        }
    }

    private static boolean active(final Pay p) {
        return p.state.equals("MEMPOOL") || p.state.equals("IN_BLOCK");
    }

    private String evaluate(final Inv inv) {
        final BigInteger max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
        BigInteger seenSum = BigInteger.ZERO;
        BigInteger chainSum = BigInteger.ZERO;
        BigInteger confSum = BigInteger.ZERO;
        boolean lateStands = false;
        final long tip = tips.getOrDefault(inv.chain, -1L);
        final long fin = finalized.getOrDefault(inv.chain, -1L);
        for (Pay p : inv.pays) {
            if (!active(p)) {
                continue;
            }
            if (p.late) {
                lateStands = true;
                if (inv.lateAction == LatePaymentAction.IGNORE || inv.cancelled) {
                    continue;
                }
            }
            seenSum = seenSum.add(p.amount).min(max);
            if (p.state.equals("IN_BLOCK")) {
                chainSum = chainSum.add(p.amount).min(max);
                final boolean deep = inv.finalizedMode ? fin >= 0 && p.height <= fin : tip - p.height + 1 >= inv.required;
                if (deep) {
                    confSum = confSum.add(p.amount).min(max);
                }
            }
        }
        inv.received = seenSum;
        inv.confirmed = confSum;
        if (inv.cancelled) {
            return "CANCELLED";
        }
        if (lateStands && inv.lateAction == LatePaymentAction.MANUAL_REVIEW) {
            return "MANUAL_REVIEW";
        }
        if (confSum.compareTo(inv.threshold) >= 0) {
            return inv.review ? "MANUAL_REVIEW" : "CONFIRMED";
        }
        if (chainSum.compareTo(inv.threshold) >= 0) {
            return "CONFIRMING";
        }
        if (seenSum.compareTo(inv.threshold) >= 0) {
            return "DETECTED";
        }
        if (seenSum.signum() > 0) {
            return "UNDERPAID";
        }
        return inv.closed ? "EXPIRED" : "AWAITING_PAYMENT";
    }

    private void emit(final String type, final Inv inv, final Pay p, final String prev, final String reason) {
        events.add(EventText.of(type, inv.id, inv.status, prev,
            p == null ? null : p.txid, p == null ? -1 : p.vout, p == null ? null : p.state,
            inv.received, inv.confirmed, reason));
    }

    private static String hex(final DirectBuffer b, final int off, final int len) {
        return Hex.toHex(b, off, len);
    }

    private static BigInteger unsigned(final long hi, final long lo) {
        return new BigInteger(Long.toUnsignedString(hi)).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo)));
    }
}
