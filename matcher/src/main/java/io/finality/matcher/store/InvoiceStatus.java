package io.finality.matcher.store;

/**
 * Whether an invoice still reserves its key. The {@link #code()} is stored in {@link InvoiceCodec} records:
 * never renumber. Payment progress (detected, confirmed, ...) is the state engine's business, not the store's.
 *
 * <p>Immutable; safe from any thread.
 */
public enum InvoiceStatus {
    /** Watching its key for payments. */
    OPEN(1),
    /**
     * Cancelled by the API: its key is free for a later invoice; until one takes it, payments to it are still
     * matched (and reported late by the state engine).
     */
    CANCELLED(2);

    private final int code;

    InvoiceStatus(final int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The status for a stored code, or {@code null} if unassigned (a damaged record). */
    public static InvoiceStatus fromCode(final int code) {
        return switch (code) {
            case 1 -> OPEN;
            case 2 -> CANCELLED;
            default -> null;
        };
    }
}
