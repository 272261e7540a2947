package io.finality.matcher.store;

/**
 * Outcome of {@link InvoiceStore#open}: the invoice as stored, and whether this call created it ({@code false}
 * when an identical request had already been accepted: the idempotent replay).
 *
 * <p>Immutable; safe from any thread.
 *
 * @param record  the stored invoice, with its slot and creation time.
 * @param created whether this call wrote it.
 */
public record OpenResult(InvoiceRecord record, boolean created) {
}
