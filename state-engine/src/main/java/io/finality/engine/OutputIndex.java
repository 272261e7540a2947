package io.finality.engine;

import io.finality.engine.model.Invoice;
import io.finality.engine.model.Payment;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Finds a chain's live payments (every one not yet settled or retired, tracked or not) by their output: txid and
 * output index. A sighting asks it whether each output it reports is a payment already, so a transaction
 * with thousands of outputs paying one invoice costs a lookup per output rather than a walk over the
 * invoice's payments per output. Keys are those of {@link PaymentIndex#outpointKey}; callers' walks confirm
 * every candidate fully.
 *
 * <p>Owned by the state-engine thread. Chains are doubly linked through the payments themselves, so a
 * settled or retired payment leaves in constant time and nothing is allocated but the map's own growth.
 */
final class OutputIndex {
    private final Long2ObjectHashMap<Payment> byOutput = new Long2ObjectHashMap<>();

    private static long key(final Payment p) {
        return PaymentIndex.outpointKey(p.txidKey(), p.outputIndex());
    }

    /** Index a payment once its output is set (it stays until it settles or retires). */
    void add(final Payment p) {
        final long key = key(p);
        final Payment head = byOutput.get(key);
        p.previousSameOutput(null);
        p.nextSameOutput(head);
        if (head != null) {
            head.previousSameOutput(p);
        }
        byOutput.put(key, p);
    }

    /** Forget a payment that settles or retires. */
    void remove(final Payment p) {
        final Payment previous = p.previousSameOutput();
        final Payment next = p.nextSameOutput();
        if (next != null) {
            next.previousSameOutput(previous);
        }
        if (previous != null) {
            previous.nextSameOutput(next);
        } else if (next == null) {
            byOutput.remove(key(p));
        } else {
            byOutput.put(key(p), next);
        }
        p.previousSameOutput(null);
        p.nextSameOutput(null);
    }

    /** The live payment of {@code inv} for this output, or null. */
    Payment find(final Invoice inv, final DirectBuffer txid, final int offset, final int outputIndex) {
        for (Payment q = first(txid, offset, outputIndex); q != null; q = q.nextSameOutput()) {
            if (q.invoice() == inv && q.sameOutput(txid, offset, outputIndex)) {
                return q;
            }
        }
        return null;
    }

    /** True if a tracked payment of another invoice than {@code inv} is this output. */
    boolean trackedForAnother(final Invoice inv, final DirectBuffer txid, final int offset, final int outputIndex) {
        for (Payment q = first(txid, offset, outputIndex); q != null; q = q.nextSameOutput()) {
            if (q.invoice() != inv && q.tracked() && q.sameOutput(txid, offset, outputIndex)) {
                return true;
            }
        }
        return false;
    }

    private Payment first(final DirectBuffer txid, final int offset, final int outputIndex) {
        return byOutput.get(PaymentIndex.outpointKey(PaymentIndex.txidKey(txid, offset), outputIndex));
    }
}
