package io.finality.engine.policy;

/**
 * What a payment that arrives after an invoice closed unpaid (expired or underpaid) does.
 * In every case the payment is recorded and a {@code LATE_PAYMENT} event is written.
 */
public enum LatePaymentAction {
    /** Count it as if on time: the invoice can still go on to CONFIRMED. */
    ACCEPT,
    /** Send the invoice to MANUAL_REVIEW while the late payment stands: a human decides. The default. */
    MANUAL_REVIEW,
    /** Record and report it, but never count it: the invoice stays closed. */
    IGNORE
}
