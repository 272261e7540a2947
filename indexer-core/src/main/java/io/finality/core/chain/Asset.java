package io.finality.core.chain;

import java.util.Locale;
import java.util.Objects;

/**
 * What an invoice is paid in: the chain's native coin, or a token contract on that chain.
 *
 * <p>A value type used at the edges (config, API, invoices); the hot path carries the contract as
 * 20 raw bytes in the ring slot instead. Immutable; safe from any thread.
 *
 * @param chain    the chain the asset lives on.
 * @param contract lower-case {@code 0x}-prefixed 20-byte contract address, or {@code null} for the native coin.
 * @param decimals decimals of the base unit (8 for BTC, 18 for ETH, 6 for USDC).
 * @param symbol   display symbol.
 */
public record Asset(ChainId chain, String contract, int decimals, String symbol) {

    public Asset {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(symbol, "symbol");
        if (decimals < 0 || decimals > 38) {
            throw new IllegalArgumentException("decimals must be 0..38, was " + decimals);
        }
        if (contract != null) {
            if (chain.family() != ChainFamily.ETHEREUM) {
                throw new IllegalArgumentException("token contracts exist only on Ethereum chains, not " + chain.configName());
            }
            contract = contract.toLowerCase(Locale.ROOT);
            if (!contract.matches("0x[0-9a-f]{40}")) {
                throw new IllegalArgumentException("contract must be 0x followed by 40 hex digits, was '" + contract + "'");
            }
        }
    }

    /** The native coin of a chain. */
    public static Asset nativeOf(final ChainId chain) {
        return new Asset(chain, null, chain.nativeDecimals(), chain.nativeSymbol());
    }

    /** A token contract on an Ethereum chain. */
    public static Asset token(final ChainId chain, final String contract, final int decimals, final String symbol) {
        return new Asset(chain, Objects.requireNonNull(contract, "contract"), decimals, symbol);
    }

    public boolean isNative() {
        return contract == null;
    }
}
