package io.finality.core.event;

/**
 * The status of an invoice as carried in every payment event (the status the event leaves the invoice in,
 * and the one before). The {@link #code()} is the stable journal value: never renumber an entry; a new
 * status is a new code and a new record version.
 *
 * <p>Immutable; safe from any thread.
 */
public enum InvoiceStatus {
    /** Open, nothing seen yet. */
    AWAITING_PAYMENT(1),
    /** A payment was seen (mempool or a block below policy); not final: never fulfil. */
    DETECTED(2),
    /** Received at least the amount due (within tolerance) in blocks; waiting for confirmations. */
    CONFIRMING(3),
    /** Meets its confirmation policy: the only status a gateway may fulfil on. */
    CONFIRMED(4),
    /** Counted payments stay below the amount due minus tolerance. */
    UNDERPAID(5),
    /** Expired (after the grace period) without being paid in full. */
    EXPIRED(6),
    /** Needs a human: e.g. a large late payment, a wrong asset, or an amount over the review threshold. */
    MANUAL_REVIEW(7),
    /** Cancelled through the API; later payments are reported as late. */
    CANCELLED(8);

    private static final InvoiceStatus[] BY_CODE = new InvoiceStatus[16];

    static {
        for (InvoiceStatus status : values()) {
            BY_CODE[status.code] = status;
        }
    }

    private final int code;

    InvoiceStatus(final int code) {
        this.code = code;
    }

    /** Stable journal code (u8). */
    public int code() {
        return code;
    }

    /** The status for a code, or {@code null} if unassigned (decoders report that as bad input). */
    public static InvoiceStatus fromCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
