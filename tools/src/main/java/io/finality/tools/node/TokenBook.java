package io.finality.tools.node;

import io.finality.core.chain.Asset;
import io.finality.core.chain.ChainId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ERC-20 tokens invoices may be opened in, per chain, from the configuration: symbol, contract and
 * decimals. A request names a token by symbol (any case) or contract.
 *
 * <p>Built at start-up on one thread; read-only (and safe from any thread) afterwards.
 */
public final class TokenBook {
    private final List<Asset> tokens = new ArrayList<>();

    /**
     * Add a token.
     *
     * @throws IllegalArgumentException if its symbol or contract is already listed for the chain.
     */
    public TokenBook add(final Asset token) {
        if (token.isNative()) {
            throw new IllegalArgumentException("the native coin is not a token: " + token.symbol());
        }
        for (Asset t : tokens) {
            if (t.chain() == token.chain() && (t.symbol().equalsIgnoreCase(token.symbol()) || t.contract().equals(token.contract()))) {
                throw new IllegalArgumentException("token " + token.symbol() + " (" + token.contract() + ") is listed twice for "
                    + token.chain().configName());
            }
        }
        tokens.add(token);
        return this;
    }

    /** The token of {@code chain} whose symbol or contract is {@code name}, or null. */
    public Asset find(final ChainId chain, final String name) {
        final String lower = name.toLowerCase(Locale.ROOT);
        for (Asset t : tokens) {
            if (t.chain() == chain && (t.symbol().equalsIgnoreCase(name) || t.contract().equals(lower))) {
                return t;
            }
        }
        return null;
    }

    /** The token of {@code chain} at {@code contract} (lower-case 0x hex), or null. */
    public Asset byContract(final ChainId chain, final String contract) {
        for (Asset t : tokens) {
            if (t.chain() == chain && t.contract().equals(contract)) {
                return t;
            }
        }
        return null;
    }

    /** "USDC=0xa0b8... (6 decimals), ..." or "none", for check-config. */
    public String describe(final ChainId chain) {
        final StringBuilder sb = new StringBuilder();
        for (Asset t : tokens) {
            if (t.chain() == chain) {
                sb.append(sb.length() == 0 ? "" : ", ").append(t.symbol()).append('=').append(t.contract())
                    .append(" (").append(t.decimals()).append(" decimals)");
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /** ", USDC, DAI" for messages. */
    String symbols(final ChainId chain) {
        final StringBuilder sb = new StringBuilder();
        for (Asset t : tokens) {
            if (t.chain() == chain) {
                sb.append(", ").append(t.symbol());
            }
        }
        return sb.toString();
    }
}
