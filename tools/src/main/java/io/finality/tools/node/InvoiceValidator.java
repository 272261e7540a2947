package io.finality.tools.node;

import io.finality.bitcoin.address.AddressException;
import io.finality.bitcoin.address.BitcoinAddressCodec;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.core.amount.U128;
import io.finality.core.buffer.Hex;
import io.finality.core.chain.Asset;
import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import io.finality.engine.policy.PolicyBook;
import io.finality.ethereum.address.EthereumAddress;
import io.finality.matcher.store.InvoiceRecord;

/**
 * Turns an {@link InvoiceRequest} from the outside world into an {@link InvoiceRecord}, or refuses it with an
 * {@link IllegalArgumentException} whose message starts with the field at fault ({@code "amount: ..."}).
 *
 * <ul>
 *   <li>Bitcoin: the address must belong to the chain's network; its output script is the watch key.</li>
 *   <li>Ethereum: {@code 0x} + 40 hex digits (EIP-55 checked when mixed case); the 20 bytes are the watch key.
 *   The asset is the native coin unless {@code asset} names a token the configuration lists for the chain
 *   (by symbol or contract); its decimals come from the configuration, never from the request.</li>
 *   <li>The amount is a positive decimal string with no more places than the asset has.</li>
 * </ul>
 *
 * <p>Stateless after construction; safe from any thread.
 */
final class InvoiceValidator {
    private static final int MAX_REFERENCE_LENGTH = 128;

    private final PolicyBook policies;
    private final TokenBook tokens;

    InvoiceValidator(final PolicyBook policies, final TokenBook tokens) {
        this.policies = policies;
        this.tokens = tokens;
    }

    InvoiceRecord validate(final InvoiceRequest request) {
        final ChainId chain;
        try {
            chain = ChainId.fromConfigName(request.chain());
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException("chain: " + ex.getMessage());
        }
        final Asset asset = asset(chain, request.asset());
        final byte[] key = watchKey(chain, request.address());
        final U128 amount = new U128();
        final int parsed = amount.parse(request.amount() == null ? "" : request.amount(), asset.decimals());
        if (parsed != U128.OK) {
            throw new IllegalArgumentException("amount: '" + request.amount() + "' " + U128.describe(parsed));
        }
        if (amount.isZero()) {
            throw new IllegalArgumentException("amount: must be greater than zero");
        }
        // no name: the default for this chain and asset (policy_defaults), else the chain's, else the family's
        final byte[] contract = asset.contract() == null ? null : Hex.fromHex(asset.contract().substring(2));
        final String policy = request.policy() == null || request.policy().isEmpty()
            ? policies.resolve(null, chain, contract).name() : request.policy();
        if (policies.get(policy) == null) {
            throw new IllegalArgumentException("policy: unknown policy '" + policy + "'");
        }
        checkReference("orderId", request.orderId());
        checkReference("correlationId", request.correlationId());
        return InvoiceRecord.request(request.invoiceId(), chain, asset.contract(), asset.decimals(), key, request.address(),
            amount.toBigInteger(), request.expiresAtMs(), policy, request.orderId(), request.correlationId());
    }

    private Asset asset(final ChainId chain, final String requested) {
        if (requested == null || requested.isEmpty() || requested.equalsIgnoreCase(chain.nativeSymbol())) {
            return Asset.nativeOf(chain);
        }
        if (chain.family() != ChainFamily.ETHEREUM) {
            throw new IllegalArgumentException("asset: " + chain.configName() + " has only its native coin " + chain.nativeSymbol());
        }
        final Asset token = tokens.find(chain, requested);
        if (token == null) {
            throw new IllegalArgumentException("asset: '" + requested + "' is not a token configured for " + chain.configName()
                + " (known: " + chain.nativeSymbol() + tokens.symbols(chain) + ")");
        }
        return token;
    }

    private static byte[] watchKey(final ChainId chain, final String address) {
        if (chain.family() == ChainFamily.BITCOIN) {
            try {
                return BitcoinAddressCodec.toScript(address, BitcoinNetwork.of(chain));
            } catch (final AddressException ex) {
                throw new IllegalArgumentException("address: " + ex.getMessage());
            }
        }
        try {
            return EthereumAddress.parse(address);
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException("address: " + ex.getMessage());
        }
    }

    private static void checkReference(final String field, final String value) {
        if (value == null) {
            return;
        }
        if (value.length() > MAX_REFERENCE_LENGTH) {
            throw new IllegalArgumentException(field + ": longer than " + MAX_REFERENCE_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException(field + ": only printable ASCII is accepted (character " + i + ")");
            }
        }
    }
}
