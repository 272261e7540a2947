package io.finality.engine;

import io.finality.engine.model.InputLink;
import io.finality.engine.model.Payment;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Finds a chain's tracked payments by txid and by the outpoints they spend, so that a spend, a
 * mempool drop or a conflict costs a hash lookup instead of a walk over every tracked payment.
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

    /** Index a newly tracked payment, with every outpoint it is already known to spend. */
    void add(final Payment p) {
        final long key = p.txidKey();
        final Payment head = byTxid.get(key);
        p.previousSameTxid(null);
        p.nextSameTxid(head);
        if (head != null) {
            head.previousSameTxid(p);
        }
        byTxid.put(key, p);
        for (int i = 0; i < p.inputCount(); i++) {
            addInput(p, i);
        }
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
