package io.finality.engine.model;

import io.finality.core.chain.ChainId;

/**
 * What the engine needs to open an invoice, decoded from an {@code INVOICE_OPEN} slot.
 *
 * @param slot          the dense slot the invoice store assigned (also the matcher's value).
 * @param invoiceId     the client's id.
 * @param chain         the chain it is paid on.
 * @param contract      the 20-byte token contract, or null for the native coin.
 * @param dueHi         amount due, high 64 bits (base units).
 * @param dueLo         amount due, low 64 bits.
 * @param expiresAtMs   when the invoice stops being offered (epoch ms).
 * @param policyName    the confirmation policy to apply; empty: the default of the chain and asset (see
 *                      {@link io.finality.engine.policy.PolicyBook}), resolved once when the invoice opens.
 * @param orderId       the merchant's order reference, echoed in every event.
 * @param correlationId the caller's correlation reference, echoed in every event.
 */
public record InvoiceSpec(
    int slot,
    String invoiceId,
    ChainId chain,
    byte[] contract,
    long dueHi,
    long dueLo,
    long expiresAtMs,
    String policyName,
    String orderId,
    String correlationId) {

    /** The same invoice naming {@code policy}: how the engine records the default it resolved. */
    public InvoiceSpec withPolicyName(final String policy) {
        return new InvoiceSpec(slot, invoiceId, chain, contract, dueHi, dueLo, expiresAtMs, policy, orderId, correlationId);
    }

    /** True if the invoice names its policy (else the chain and asset default applies). */
    public boolean namesPolicy() {
        return policyName != null && !policyName.isEmpty();
    }
}
