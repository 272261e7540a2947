package io.finality.core.event;

/**
 * What a payment event tells a gateway. The {@link #code()} is the stable journal value: never renumber;
 * a new type is a new code and a new record version (older readers refuse it rather than misread it).
 *
 * <p>Two questions every consumer must answer are methods here: {@link #isFulfilSafe()} (only
 * {@link #INVOICE_CONFIRMED}) and {@link #isAlarm(InvoiceStatus)} (a confirmed invoice lost its footing).
 * Every event also carries the invoice's resulting status; consumers dedupe by sequence.
 *
 * <p>Immutable; safe from any thread.
 */
public enum PaymentEventType {
    /** The invoice was opened and is watched from now on. Status: AWAITING_PAYMENT. Do not fulfil. */
    INVOICE_OPENED(1),
    /**
     * A payment to the invoice was seen in the mempool. Not final: it may never be mined, be replaced or
     * double spent. Show "payment seen" at most; never fulfil.
     */
    PAYMENT_DETECTED(2),
    /**
     * A payment was included in a block at {@code height}; confirmations are counted from there. Still not
     * final: a reorg can remove it.
     */
    PAYMENT_IN_BLOCK(3),
    /**
     * The counted payments reach the amount due (within the underpayment tolerance); waiting for the
     * confirmations the policy requires. Do not fulfil yet.
     */
    INVOICE_CONFIRMING(4),
    /** The invoice meets its confirmation policy: the ONLY event a gateway may fulfil on. */
    INVOICE_CONFIRMED(5),
    /** The payments are final but below the amount due minus tolerance: ask for the rest or refund. */
    INVOICE_UNDERPAID(6),
    /** The invoice expired (after its grace period) without full payment. */
    INVOICE_EXPIRED(7),
    /** The invoice was cancelled through the API. */
    INVOICE_CANCELLED(8),
    /** The engine cannot decide safely (policy threshold, late or wrong-asset funds): a human must look. */
    INVOICE_MANUAL_REVIEW(9),
    /** A reorganisation removed a counted payment's block from the best chain; the totals drop. */
    PAYMENT_REVERTED(10),
    /**
     * A payment can never confirm: double spent, replaced (RBF) or dropped from the mempool. If the invoice
     * had already been CONFIRMED this is an alarm (see {@link #isAlarm(InvoiceStatus)}).
     */
    PAYMENT_INVALIDATED(11),
    /** An EVM transaction to the invoice had receipt status 0 (reverted): it moved no funds and never counts. */
    PAYMENT_FAILED(12),
    /** A payment arrived after expiry plus grace (or after cancellation): funds to return or review. */
    LATE_PAYMENT(13),
    /** A token other than the invoice's asset was sent to the invoice address: reported, never counted. */
    WRONG_ASSET_PAYMENT(14),
    /** The counted payments exceed the amount due: fulfil on INVOICE_CONFIRMED as usual, refund the surplus. */
    OVERPAID(15),
    /**
     * ALARM: an invoice that was CONFIRMED fell below its policy (a deep reorg or an invalidated payment). A
     * gateway that fulfilled must react (hold shipment, flag the order); it must not miss this event.
     */
    CONFIRMATION_REVERTED(16);

    private static final PaymentEventType[] BY_CODE = new PaymentEventType[32];

    static {
        for (PaymentEventType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    PaymentEventType(final int code) {
        this.code = code;
    }

    /** Stable journal code (u8). */
    public int code() {
        return code;
    }

    /** Whether a gateway may fulfil (ship, credit) on this event: only {@link #INVOICE_CONFIRMED}. */
    public boolean isFulfilSafe() {
        return this == INVOICE_CONFIRMED;
    }

    /** Whether this type is an alarm whatever came before: only {@link #CONFIRMATION_REVERTED}. */
    public boolean isAlarm() {
        return this == CONFIRMATION_REVERTED;
    }

    /**
     * Whether this event is an alarm given the invoice's status before it: {@link #CONFIRMATION_REVERTED}
     * always, and {@link #PAYMENT_INVALIDATED} of an invoice that was {@link InvoiceStatus#CONFIRMED}.
     */
    public boolean isAlarm(final InvoiceStatus previousStatus) {
        return this == CONFIRMATION_REVERTED || (this == PAYMENT_INVALIDATED && previousStatus == InvoiceStatus.CONFIRMED);
    }

    /** The type for a code, or {@code null} if unassigned (decoders report that as bad input). */
    public static PaymentEventType fromCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
