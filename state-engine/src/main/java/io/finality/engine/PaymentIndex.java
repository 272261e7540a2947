package io.finality.engine;

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
 * <p>Owned by the state-engine thread. Chains are singly linked: through
 * {@link Payment#nextSameTxid()} for txids and through {@link SpendNode}s for outpoints (one node
 * per spent outpoint of a tracked payment, taken from a free list when the outpoint is learned and
 * returned to it when the payment is forgotten, so steady state allocates none).
 */
final class PaymentIndex {
    /** One payment spending one outpoint: its input {@code input} (so a candidate is confirmed by one comparison). */
    static final class SpendNode {
        Payment payment;
        int input;
        SpendNode next;
    }

    private final Long2ObjectHashMap<Payment> byTxid = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<SpendNode> byOutpoint = new Long2ObjectHashMap<>();
    private SpendNode freeNodes;

    static long txidKey(final DirectBuffer txid, final int offset) {
        return txid.getLong(offset, ByteOrder.LITTLE_ENDIAN);
    }

    static long outpointKey(final long txidKey, final int index) {
        return txidKey ^ (index * 0x9E37_79B9_7F4A_7C15L);
    }

    /** Index a newly tracked payment, with every outpoint it is already known to spend. */
    void add(final Payment p) {
        final long key = p.txidKey();
        p.nextSameTxid(byTxid.get(key));
        byTxid.put(key, p);
        for (int i = 0; i < p.inputCount(); i++) {
            addInput(p, i);
        }
    }

    /** Index spent outpoint {@code i} of a tracked payment. */
    void addInput(final Payment p, final int i) {
        final long key = outpointKey(p.inputTxidKey(i), p.inputIndex(i));
        SpendNode node = freeNodes;
        if (node == null) {
            node = new SpendNode();
        } else {
            freeNodes = node.next;
        }
        node.payment = p;
        node.input = i;
        node.next = byOutpoint.get(key);
        byOutpoint.put(key, node);
    }

    /** Forget a payment that is no longer tracked. */
    void remove(final Payment p) {
        final long key = p.txidKey();
        Payment head = byTxid.get(key);
        if (head == p) {
            head = p.nextSameTxid();
            if (head == null) {
                byTxid.remove(key);
            } else {
                byTxid.put(key, head);
            }
        } else {
            for (Payment q = head; q != null; q = q.nextSameTxid()) {
                if (q.nextSameTxid() == p) {
                    q.nextSameTxid(p.nextSameTxid());
                    break;
                }
            }
        }
        p.nextSameTxid(null);
        for (int i = 0; i < p.inputCount(); i++) {
            final long ok = outpointKey(p.inputTxidKey(i), p.inputIndex(i));
            SpendNode node = byOutpoint.get(ok);
            SpendNode previous = null;
            while (node != null && node.payment != p) {
                previous = node;
                node = node.next;
            }
            if (node != null) {
                if (previous == null) {
                    if (node.next == null) {
                        byOutpoint.remove(ok);
                    } else {
                        byOutpoint.put(ok, node.next);
                    }
                } else {
                    previous.next = node.next;
                }
                node.payment = null;
                node.next = freeNodes;
                freeNodes = node;
            }
        }
    }

    /** First tracked payment whose txid key matches (follow {@link Payment#nextSameTxid()}). */
    Payment withTxid(final DirectBuffer txid, final int offset) {
        return byTxid.get(txidKey(txid, offset));
    }

    /** Whether tracked payment {@code p} is known to spend the outpoint: its nodes under the outpoint's key, confirmed. */
    boolean spends(final Payment p, final DirectBuffer prevTxid, final int offset, final int index) {
        for (SpendNode s = spending(prevTxid, offset, index); s != null; s = s.next) {
            if (s.payment == p && p.inputIs(s.input, prevTxid, offset, index)) {
                return true;
            }
        }
        return false;
    }

    /** First node of the payments spending an outpoint with this txid and index (candidates: compare fully). */
    SpendNode spending(final DirectBuffer prevTxid, final int offset, final int index) {
        return byOutpoint.get(outpointKey(txidKey(prevTxid, offset), index));
    }
}
