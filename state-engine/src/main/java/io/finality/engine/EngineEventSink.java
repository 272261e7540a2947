package io.finality.engine;

import io.finality.core.event.InvoiceStatus;
import io.finality.core.event.PaymentEventType;
import io.finality.engine.model.Invoice;
import io.finality.engine.model.Payment;

/**
 * Receives the engine's payment events, in order, as they are decided. The journal writer
 * encodes them; tests collect them.
 *
 * <p>Called only on the state-engine thread. The invoice (and payment) passed are live engine
 * state: read what is needed during the call, keep no reference.
 */
public interface EngineEventSink {
    /**
     * @param type     what happened.
     * @param invoice  the invoice, already carrying its resulting status and totals.
     * @param payment  the payment concerned, or null for invoice-level events.
     * @param previous the invoice's status before this event.
     * @param reason   a constant explanation for invalidations and reviews, or null.
     */
    void onEvent(PaymentEventType type, Invoice invoice, Payment payment, InvoiceStatus previous, String reason);
}
