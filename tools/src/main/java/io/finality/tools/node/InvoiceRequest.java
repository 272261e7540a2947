package io.finality.tools.node;

/**
 * An API request to open an invoice, as strings from the outside world; {@link FinalityNode#open}
 * validates every field and says which one is wrong.
 *
 * @param invoiceId     the client's id (idempotency key).
 * @param chain         a chain config name, e.g. {@code bitcoin-regtest}.
 * @param address       the address to watch, valid for that chain's network.
 * @param amount        amount due as a decimal string in whole coins, e.g. {@code 0.005}.
 * @param expiresAtMs   expiry, epoch milliseconds.
 * @param policy        a policy name, or null for the chain's default.
 * @param orderId       merchant reference, echoed in every event (ASCII, up to 128).
 * @param correlationId caller reference, echoed in every event (ASCII, up to 128).
 * @param asset         the chain's native symbol or null for the native coin; on Ethereum a configured token's
 *                      symbol or contract.
 */
public record InvoiceRequest(
    String invoiceId,
    String chain,
    String address,
    String amount,
    long expiresAtMs,
    String policy,
    String orderId,
    String correlationId,
    String asset) {

    /** A request in the chain's native coin. */
    public InvoiceRequest(final String invoiceId, final String chain, final String address, final String amount, final long expiresAtMs,
                          final String policy, final String orderId, final String correlationId) {
        this(invoiceId, chain, address, amount, expiresAtMs, policy, orderId, correlationId, null);
    }
}
