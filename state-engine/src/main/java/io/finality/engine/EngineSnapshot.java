package io.finality.engine;

import io.finality.core.buffer.Hex;
import io.finality.core.buffer.Sha256;
import io.finality.core.chain.ChainId;
import io.finality.core.event.InvoiceStatus;
import io.finality.core.ring.MatchList;
import io.finality.engine.model.Invoice;
import io.finality.engine.model.InvoiceSpec;
import io.finality.engine.model.Payment;
import io.finality.engine.model.PaymentState;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The engine's whole state as canonical bytes: invoices in slot order with their payments, chain
 * tips, the clock and the order in which payments are tracked. Restoring and writing again gives
 * the same bytes, so the SHA-256 of a snapshot is the engine's state hash.
 *
 * <pre>
 *  "FSN1" | version u32 | stepSequence i64 | nextEventSequence i64 | journalIndex i64 | nowMs i64
 *  per chain code (64): tip i64 | finalized i64
 *  invoiceCount u32 | per invoice: spec | status u8 | closed u8 | cancelled u8
 *      | settledCount i64 | settledHi i64 | settledLo i64 | paymentCount u32 | payments (live ones, first seen first)
 *  per payment: txid | output i32 | amountHi i64 | amountLo i64 | state u8 | height i64 | block hash | late u8
 *      | token u8 | contract | changedAt i64 | inputCount u32 | (txid, index i32)*
 *  per chain code (64): trackedCount u32 | (slot i32, paymentIndex i32)*
 * </pre>
 *
 * Older versions are still read. Version 1 (before payments were settled and recycled) has no settled fields:
 * nothing settled. Version 2 (before payments that count nowhere were retired) has no {@code changedAt}: each
 * payment takes its chain's restored tip, so it retires at most one retention later than it would have.
 *
 * <p>Written and read on the state-engine thread (or before it starts). Allocates: snapshots are
 * periodic, not per step.
 */
public final class EngineSnapshot {
    public static final int MAGIC = 0x314E5346;
    public static final int VERSION = 3;
    private static final int VERSION_WITHOUT_SETTLED = 1;
    private static final int VERSION_WITHOUT_CHANGED_AT = 2;

    private EngineSnapshot() {
    }

    /** Position information stored beside the state. */
    public record Position(long stepSequence, long nextEventSequence, long journalIndex) {
    }

    /** Write the engine and its journal position; returns the byte count written into {@code out}. */
    public static int write(final InvoiceEngine engine, final Position position, final ExpandableArrayBuffer out) {
        return write(engine, position, out, VERSION);
    }

    /** Write in {@code version}'s layout: older ones only for tests of reading old snapshots (they drop fields). */
    static int write(final InvoiceEngine engine, final Position position, final ExpandableArrayBuffer out, final int version) {
        final Writer w = new Writer(out);
        w.i32(MAGIC).i32(version).i64(position.stepSequence()).i64(position.nextEventSequence())
            .i64(position.journalIndex()).i64(engine.nowMs());
        for (int c = 0; c < InvoiceEngine.chainCodes(); c++) {
            w.i64(engine.tip(c)).i64(engine.finalized(c));
        }
        w.i32(engine.invoiceCount());
        for (int slot = 0; slot < engine.slotCapacity(); slot++) {
            final Invoice inv = engine.invoice(slot);
            if (inv != null) {
                writeInvoice(w, inv, version);
            }
        }
        for (int c = 0; c < InvoiceEngine.chainCodes(); c++) {
            final TrackedPayments tracked = engine.tracked(c);
            w.i32(tracked.size());
            for (int i = 0; i < tracked.size(); i++) {
                w.i32(tracked.get(i).invoice().slot()).i32(tracked.get(i).index());
            }
        }
        return w.pos;
    }

    /**
     * Restore into a fresh engine (no events are emitted).
     *
     * @throws IllegalStateException if the bytes are not a snapshot of this version.
     */
    public static Position read(final DirectBuffer in, final int length, final InvoiceEngine engine) {
        final Reader r = new Reader(in, length);
        final int magic = r.i32();
        final int version = r.i32();
        if (magic != MAGIC || version < VERSION_WITHOUT_SETTLED || version > VERSION) {
            throw new IllegalStateException("not a version " + VERSION_WITHOUT_SETTLED + " to " + VERSION + " engine snapshot");
        }
        final Position position = new Position(r.i64(), r.i64(), r.i64());
        engine.restoreClock(r.i64());
        for (int c = 0; c < InvoiceEngine.chainCodes(); c++) {
            engine.restoreChain(c, r.i64(), r.i64());
        }
        final int invoices = r.i32();
        for (int i = 0; i < invoices; i++) {
            readInvoice(r, engine, version);
        }
        for (int c = 0; c < InvoiceEngine.chainCodes(); c++) {
            final int n = r.i32();
            for (int i = 0; i < n; i++) {
                final Invoice inv = engine.invoice(r.i32());
                engine.restoreTracked(inv.chain(), inv.payment(r.i32()));
            }
        }
        engine.restoreExpiries();
        if (r.pos != length) {
            throw new IllegalStateException("engine snapshot has " + (length - r.pos) + " trailing bytes");
        }
        return position;
    }

    /** SHA-256 (hex) over the engine's canonical state, excluding the journal position. */
    public static String stateHash(final InvoiceEngine engine) {
        final ExpandableArrayBuffer buf = new ExpandableArrayBuffer(4096);
        final int n = write(engine, new Position(0, 0, 0), buf);
        final UnsafeBuffer digest = new UnsafeBuffer(new byte[Sha256.DIGEST_LENGTH]);
        new Sha256().hash(buf.byteArray(), 0, n, digest, 0);
        return Hex.toHex(digest, 0, Sha256.DIGEST_LENGTH);
    }

    private static void writeInvoice(final Writer w, final Invoice inv, final int version) {
        final InvoiceSpec s = inv.spec();
        w.i32(s.slot()).str(s.invoiceId()).i32(s.chain().code());
        w.u8(s.contract() == null ? 0 : 1);
        if (s.contract() != null) {
            w.bytes(s.contract());
        }
        w.i64(s.dueHi()).i64(s.dueLo()).i64(s.expiresAtMs()).str(s.policyName()).str(s.orderId()).str(s.correlationId());
        w.u8(inv.status().code()).u8(inv.closed() ? 1 : 0).u8(inv.cancelled() ? 1 : 0);
        if (version != VERSION_WITHOUT_SETTLED) {
            w.i64(inv.settledCount()).i64(inv.settledHi()).i64(inv.settledLo());
        }
        w.i32(inv.paymentCount());
        for (int i = 0; i < inv.paymentCount(); i++) {
            final Payment p = inv.payment(i);
            w.copy(p.txid(), MatchList.TXID_LENGTH).i32(p.outputIndex()).i64(p.amountHi()).i64(p.amountLo());
            w.u8(p.state().ordinal()).i64(p.height()).copy(p.blockHash(), MatchList.TXID_LENGTH);
            w.u8(p.late() ? 1 : 0).u8(p.token() ? 1 : 0).copy(p.contract(), MatchList.CONTRACT_LENGTH);
            if (version > VERSION_WITHOUT_CHANGED_AT) {
                w.i64(p.changedAt());
            }
            w.i32(p.inputCount());
            for (int k = 0; k < p.inputCount(); k++) {
                w.ensure(MatchList.TXID_LENGTH);
                p.inputTxid(k, w.out, w.pos);
                w.pos += MatchList.TXID_LENGTH;
                w.i32(p.inputIndex(k));
            }
        }
    }

    private static void readInvoice(final Reader r, final InvoiceEngine engine, final int version) {
        final int slot = r.i32();
        final String id = r.str();
        final ChainId chain = ChainId.fromCode(r.i32());
        final byte[] contract = r.u8() == 1 ? r.bytes(MatchList.CONTRACT_LENGTH) : null;
        final InvoiceSpec spec = new InvoiceSpec(slot, id, chain, contract, r.i64(), r.i64(), r.i64(), r.str(), r.str(), r.str());
        final Invoice inv = engine.restoreInvoice(spec);
        inv.restore(InvoiceStatus.fromCode(r.u8()), r.u8() == 1, r.u8() == 1);
        if (version != VERSION_WITHOUT_SETTLED) {
            inv.restoreSettled(r.i64(), r.i64(), r.i64());
        }
        final int payments = r.i32();
        final PaymentState[] states = PaymentState.values();
        for (int i = 0; i < payments; i++) {
            final Payment p = inv.addPayment(engine.newPayment());
            final int txidAt = r.skip(MatchList.TXID_LENGTH);
            p.init(r.in, txidAt, r.i32(), r.i64(), r.i64());
            p.state(states[r.u8()]);
            final long height = r.i64();
            final int hashAt = r.skip(MatchList.TXID_LENGTH);
            if (height >= 0) {
                p.inBlock(height, r.in, hashAt);
            }
            p.late(r.u8() == 1);
            final boolean token = r.u8() == 1;
            final int contractAt = r.skip(MatchList.CONTRACT_LENGTH);
            if (token) {
                p.token(r.in, contractAt);
            }
            // the chains are restored before the invoices
            p.changedAt(version > VERSION_WITHOUT_CHANGED_AT ? r.i64() : engine.tip(chain.code()));
            final int inputs = r.i32();
            for (int k = 0; k < inputs; k++) {
                final int at = r.skip(MatchList.TXID_LENGTH);
                p.appendInput(r.in, at, r.i32());
            }
        }
        // The output index and the totals are derived state: rebuild them from the restored payments.
        engine.restoreDerived(inv);
    }

    private static final class Writer {
        final ExpandableArrayBuffer out;
        int pos;

        Writer(final ExpandableArrayBuffer out) {
            this.out = out;
        }

        void ensure(final int n) {
            out.checkLimit(pos + n);
        }

        Writer u8(final int v) {
            out.putByte(pos, (byte)v);
            pos += 1;
            return this;
        }

        Writer i32(final int v) {
            out.putInt(pos, v);
            pos += 4;
            return this;
        }

        Writer i64(final long v) {
            out.putLong(pos, v);
            pos += 8;
            return this;
        }

        Writer bytes(final byte[] b) {
            out.putBytes(pos, b);
            pos += b.length;
            return this;
        }

        Writer copy(final DirectBuffer src, final int n) {
            out.putBytes(pos, src, 0, n);
            pos += n;
            return this;
        }

        Writer str(final String s) {
            final byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
            return i32(b.length).bytes(b);
        }
    }

    private static final class Reader {
        final DirectBuffer in;
        final int limit;
        int pos;

        Reader(final DirectBuffer in, final int limit) {
            this.in = in;
            this.limit = limit;
        }

        private int take(final int n) {
            if (n < 0 || pos + n > limit) {
                throw new IllegalStateException("engine snapshot truncated at byte " + pos);
            }
            final int at = pos;
            pos += n;
            return at;
        }

        int skip(final int n) {
            return take(n);
        }

        int u8() {
            return in.getByte(take(1)) & 0xFF;
        }

        int i32() {
            return in.getInt(take(4));
        }

        long i64() {
            return in.getLong(take(8));
        }

        byte[] bytes(final int n) {
            final byte[] b = new byte[n];
            in.getBytes(take(n), b);
            return b;
        }

        String str() {
            final int n = i32();
            return new String(bytes(n), StandardCharsets.UTF_8);
        }
    }
}
