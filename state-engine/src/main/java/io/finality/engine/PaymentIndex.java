package io.finality.engine;

import io.finality.engine.model.InputLink;
import io.finality.engine.model.Payment;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Finds a chain's tracked payments by txid, and transactions by the outpoints they spend, so that a
 * spend, a mempool drop or a conflict costs a hash lookup instead of a walk over every tracked payment.
 * One tracked payment per transaction holds its inputs (the holder): a transaction with N payments
 * and M inputs is indexed by M links, not N x M.
 * Keys are the first eight bytes of a txid (mixed with the output index for outpoints); callers
 * confirm every candidate with a full comparison, so colliding keys only cost a longer chain.
 *
 * <p>Owned by the state-engine thread. Chains are doubly linked, so a payment leaves them in constant time
 * whatever the order (the N payments of one transaction's N outputs share its txid and spend its inputs):
 * through {@link Payment#nextSameTxid()} for txids and through each input's {@link InputLink} for outpoints
 * (owned by the payment record and reused with it, so steady state allocates none).
 */
final class PaymentIndex {
    private final Long2ObjectHashMap<Payment> byTxid = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<InputLink> byOutpoint = new Long2ObjectHashMap<>();

    static long txidKey(final DirectBuffer txid, final int offset) {
        return txid.getLong(offset, ByteOrder.LITTLE_ENDIAN);
    }

    static long outpointKey(final long txidKey, final int index) {
        return txidKey ^ (index * 0x9E37_79B9_7F4A_7C15L);
    }

    /**
     * Index a newly tracked payment. If it holds inputs (a restored or re-tracked record) it stays their holder, unless
     * another tracked payment of its transaction holds them already: then it forgets its own (every sighting reports
     * all of a transaction's inputs, so the holder has learned them too).
     */
    void add(final Payment p) {
        final long key = p.txidKey();
        final Payment head = byTxid.get(key);
        p.previousSameTxid(null);
        p.nextSameTxid(head);
        if (head != null) {
            head.previousSameTxid(p);
        }
        byTxid.put(key, p);
        if (p.inputCount() > 0) {
            if (otherHolder(p) != null) {
                p.forgetInputs();
            } else {
                addInputs(p);
            }
        }
    }

    /** Index every input of a tracked payment that has just become its transaction's holder. */
    void addInputs(final Payment p) {
        for (int i = 0; i < p.inputCount(); i++) {
            addInput(p, i);
        }
    }

    /**
     * The tracked payment of the transaction with this txid that holds its inputs; else the first tracked payment of the
     * transaction (it becomes the holder when it learns one); null if none is tracked. Walks the transaction's payments:
     * the engine asks once per transaction per sighting.
     */
    Payment holder(final DirectBuffer txid, final int offset) {
        Payment first = null;
        for (Payment q = byTxid.get(txidKey(txid, offset)); q != null; q = q.nextSameTxid()) {
            if (q.sameTxid(txid, offset)) {
                if (q.inputCount() > 0) {
                    return q;
                }
                if (first == null) {
                    first = q;
                }
            }
        }
        return first;
    }

    private Payment otherHolder(final Payment p) {
        for (Payment q = byTxid.get(p.txidKey()); q != null; q = q.nextSameTxid()) {
            if (q != p && q.inputCount() > 0 && q.sameTxid(p.txid(), 0)) {
                return q;
            }
        }
        return null;
    }

    /** Index spent outpoint {@code i} of a tracked payment. */
    void addInput(final Payment p, final int i) {
        final long key = outpointKey(p.inputTxidKey(i), p.inputIndex(i));
        final InputLink link = p.inputLink(i);
        final InputLink head = byOutpoint.get(key);
        link.previous(null);
        link.next(head);
        if (head != null) {
            head.previous(link);
        }
        byOutpoint.put(key, link);
    }

    /** Forget a payment that is no longer tracked. */
    void remove(final Payment p) {
        unlinkTxid(p);
        for (int i = 0; i < p.inputCount(); i++) {
            unlinkSpend(p, i);
        }
    }

    private void unlinkTxid(final Payment p) {
        final Payment previous = p.previousSameTxid();
        final Payment next = p.nextSameTxid();
        if (next != null) {
            next.previousSameTxid(previous);
        }
        if (previous != null) {
            previous.nextSameTxid(next);
        } else if (next == null) {
            byTxid.remove(p.txidKey());
        } else {
            byTxid.put(p.txidKey(), next);
        }
        p.previousSameTxid(null);
        p.nextSameTxid(null);
    }

    private void unlinkSpend(final Payment p, final int i) {
        final InputLink link = p.inputLink(i);
        final InputLink previous = link.previous();
        final InputLink next = link.next();
        if (next != null) {
            next.previous(previous);
        }
        if (previous != null) {
            previous.next(next);
        } else {
            final long key = outpointKey(p.inputTxidKey(i), p.inputIndex(i));
            if (next == null) {
                byOutpoint.remove(key);
            } else {
                byOutpoint.put(key, next);
            }
        }
        link.previous(null);
        link.next(null);
    }

    /** First tracked payment whose txid key matches (follow {@link Payment#nextSameTxid()}). */
    Payment withTxid(final DirectBuffer txid, final int offset) {
        return byTxid.get(txidKey(txid, offset));
    }

    /** First link of the payments spending an outpoint with this txid and index (candidates: compare fully). */
    InputLink spending(final DirectBuffer prevTxid, final int offset, final int index) {
        return byOutpoint.get(outpointKey(txidKey(prevTxid, offset), index));
    }
}
