package io.finality.engine;

import io.finality.core.amount.U128;
import io.finality.core.buffer.Hex;
import io.finality.core.event.InvoiceStatus;
import io.finality.core.event.PaymentEventType;
import io.finality.engine.model.Invoice;
import io.finality.engine.model.Payment;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** One canonical line per event, so that the engine and the reference model can be compared. */
final class EventText {
    private EventText() {
    }

    static String of(
        final String type,
        final String invoiceId,
        final String status,
        final String previous,
        final String txid,
        final int vout,
        final String paymentState,
        final BigInteger received,
        final BigInteger confirmed,
        final String reason) {
        return type + " " + invoiceId + " " + previous + "->" + status
            + (txid == null ? "" : " pay=" + txid.substring(0, 12) + ":" + vout + "/" + paymentState)
            + " rec=" + received + " conf=" + confirmed + (reason == null ? "" : " (" + reason + ")");
    }

    /** A sink recording the engine's events in the same text form. */
    static final class Recorder implements EngineEventSink {
        final List<String> events = new ArrayList<>();

        @Override
        public void onEvent(
            final PaymentEventType type, final Invoice inv, final Payment p, final InvoiceStatus previous, final String reason) {
            events.add(of(type.name(), inv.id(), inv.status().name(), previous.name(),
                p == null ? null : Hex.toHex(p.txid(), 0, 32), p == null ? -1 : p.outputIndex(),
                p == null ? null : p.state().name(),
                new U128(inv.receivedHi(), inv.receivedLo()).toBigInteger(),
                new U128(inv.confirmedHi(), inv.confirmedLo()).toBigInteger(), reason));
        }
    }
}
