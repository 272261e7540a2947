package io.finality.engine.policy;

import io.finality.core.amount.U128;
import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import io.finality.core.config.ConfigException;
import io.finality.core.config.ConfigSection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps the {@code policies:} and {@code policy_defaults:} lists of {@code finality.yaml} onto a
 * {@link PolicyBook} that starts from the documented defaults; a policy with a default's name replaces it.
 *
 * <pre>
 * policies:
 *   - name: shop-btc
 *     chains: [bitcoin-mainnet]       # the default policy for invoices on these chains that name none
 *     decimals: 8                     # how the amounts below are written (default: the first chain's coin)
 *     tiers:                          # by the invoice's amount due, ascending
 *       - { max: "0.01", confirmations: 1 }
 *       - { max: "1", confirmations: 3 }
 *     confirmations: 6                # above every tier
 *     finalized: false                # true: count only blocks at or below the chain's finalized tag (Ethereum)
 *     tolerance_bps: 50               # accept 99.5 % as paid
 *     grace: 1h                       # a payment up to this long after expiry is on time
 *     late_payment: manual-review     # accept | manual-review | ignore
 *     review_threshold: "5"           # invoices due at least this go to MANUAL_REVIEW instead of CONFIRMED
 *
 * policy_defaults:                    # the policy of an invoice that names none, by chain and asset
 *   - { chain: ethereum-mainnet, asset: USDC, policy: usdc-fast }
 *   - { chain: ethereum-mainnet, asset: "0xdac17f958d2ee523a2206206994597c13d831ec7", policy: usdt-fast }
 *   - { chain: ethereum-mainnet, asset: ETH, policy: eth-12 }
 *   - { chain: bitcoin-mainnet, policy: shop-btc }   # no asset: every invoice on the chain without a more specific entry
 * </pre>
 *
 * <p>An invoice that names no policy gets, in this order: the entry for its chain and asset, the
 * entry for its chain without an asset (or a policy listing the chain under {@code chains}), the
 * family default ({@value PolicyBook#BITCOIN_DEFAULT} / {@value PolicyBook#ETHEREUM_DEFAULT}). An
 * {@code asset} is {@code native} or the chain's coin symbol (BTC, ETH, ...), a quoted {@code 0x}
 * contract address (Ethereum chains), or a well-known token symbol of that chain: on
 * ethereum-mainnet USDC, USDT and DAI. Each (chain, asset) and each chain may have one default only;
 * {@code policy} must name a policy of the book (a default one or one defined above).
 *
 * <p>Used at start-up only. Every error names its key, e.g. {@code policies[0].tiers[1].max} or
 * {@code policy_defaults[2].asset}.
 */
public final class PolicyConfig {
    /** Well-known token contracts by chain and upper-case symbol (checksums dropped: lower-case hex). */
    private static final Map<ChainId, Map<String, String>> KNOWN_TOKENS = Map.of(ChainId.ETHEREUM_MAINNET, Map.of(
        "USDC", "a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
        "USDT", "dac17f958d2ee523a2206206994597c13d831ec7",
        "DAI", "6b175474e89094c44da98b954eedeac495271d0f"));

    private PolicyConfig() {
    }

    public static PolicyBook from(final ConfigSection root) {
        final PolicyBook book = PolicyBook.withDefaults();
        final Map<ChainId, String> chainDefaults = new LinkedHashMap<>();
        for (ConfigSection p : root.sections("policies")) {
            final String name = p.string("name");
            final List<ChainId> chains = chains(p);
            final int decimals = p.intValue("decimals", chains.isEmpty() ? 8 : chains.get(0).nativeDecimals(), 0, U128.MAX_DECIMALS);
            final ConfirmationPolicy.Builder b = ConfirmationPolicy.builder(name)
                .defaultConfirmations(p.intValue("confirmations", 6, 1, 10_000))
                .finalizedMode(p.bool("finalized", false))
                .toleranceBps(p.intValue("tolerance_bps", 0, 0, U128.BASIS_POINTS - 1))
                .graceMs(p.durationMs("grace", 3_600_000L, 0, 365L * 86_400_000L))
                .lateAction(p.enumValue("late_payment", LatePaymentAction.class, LatePaymentAction.MANUAL_REVIEW));
            final List<ConfigSection> tiers = p.sections("tiers");
            for (ConfigSection t : tiers) {
                final U128 max = amount(t, "max", decimals);
                try {
                    b.tier(max.hi(), max.lo(), t.intValue("confirmations", 1, 1, 10_000));
                } catch (final IllegalArgumentException ex) {
                    throw ConfigException.of(t.keyOf("max"), ex.getMessage());
                }
                t.rejectUnknownKeys();
            }
            if (p.has("review_threshold")) {
                final U128 review = amount(p, "review_threshold", decimals);
                b.reviewThreshold(review.hi(), review.lo());
            }
            p.rejectUnknownKeys();
            book.add(b.build());
            for (ChainId chain : chains) {
                book.defaultFor(chain, name);
                chainDefaults.putIfAbsent(chain, p.keyOf("chains"));
            }
        }
        defaults(root, book, chainDefaults);
        return book;
    }

    /** The {@code policy_defaults} list: (chain, asset) and chain defaults, each given once. */
    private static void defaults(final ConfigSection root, final PolicyBook book, final Map<ChainId, String> chainDefaults) {
        final Map<String, String> assetDefaults = new HashMap<>();
        for (ConfigSection d : root.sections("policy_defaults")) {
            final ChainId chain = chain(d, "chain");
            final String policy = d.string("policy");
            if (book.get(policy) == null) {
                throw new ConfigException(d.keyOf("policy"), policy, "the name of a policy, one of " + String.join(", ", book.names()));
            }
            if (d.has("asset")) {
                final byte[] contract = asset(d, chain);
                final String key = chain.configName() + "/" + (contract == null ? "native" : Hex.toHex(contract));
                final String earlier = assetDefaults.putIfAbsent(key, d.keyOf("asset"));
                if (earlier != null) {
                    throw ConfigException.of(d.keyOf("asset"), "this chain and asset already have a default at " + earlier);
                }
                book.defaultFor(chain, contract, policy);
            } else {
                final String earlier = chainDefaults.putIfAbsent(chain, d.keyOf("chain"));
                if (earlier != null) {
                    throw ConfigException.of(d.keyOf("chain"), chain.configName() + " already has a default at " + earlier
                        + "; give an asset to make this entry more specific");
                }
                book.defaultFor(chain, policy);
            }
            d.rejectUnknownKeys();
        }
    }

    private static ChainId chain(final ConfigSection s, final String key) {
        final String name = s.string(key).trim();
        try {
            return ChainId.fromConfigName(name);
        } catch (final IllegalArgumentException ex) {
            throw new ConfigException(s.keyOf(key), name, "one of " + ChainId.configNames());
        }
    }

    /** The contract of an {@code asset} value, or null for the chain's coin. */
    private static byte[] asset(final ConfigSection d, final ChainId chain) {
        final String text = d.string("asset").trim();
        if (text.equalsIgnoreCase("native") || text.equalsIgnoreCase(chain.nativeSymbol())) {
            return null;
        }
        final Map<String, String> known = KNOWN_TOKENS.getOrDefault(chain, Map.of());
        final String symbols = known.isEmpty() ? "" : ", or a token symbol of " + chain.configName() + ": "
            + String.join(", ", new java.util.TreeSet<>(known.keySet()));
        if (chain.family() != ChainFamily.ETHEREUM) {
            throw new ConfigException(d.keyOf("asset"), text, "native or " + chain.nativeSymbol()
                + " (tokens exist only on Ethereum chains)");
        }
        if (text.matches("0[xX][0-9a-fA-F]{40}")) {
            return Hex.fromHex(text.substring(2).toLowerCase(Locale.ROOT));
        }
        if (text.matches("[0-9]+")) {
            throw new ConfigException(d.keyOf("asset"), text, "a contract address in quotes, e.g. \"0xa0b8...eb48\" "
                + "(unquoted, YAML reads 0x... as a number)");
        }
        final String contract = known.get(text.toUpperCase(Locale.ROOT));
        if (contract == null) {
            throw new ConfigException(d.keyOf("asset"), text, "native, " + chain.nativeSymbol()
                + ", a quoted 0x contract address (40 hex digits)" + symbols);
        }
        return Hex.fromHex(contract);
    }

    private static List<ChainId> chains(final ConfigSection p) {
        final java.util.ArrayList<ChainId> out = new java.util.ArrayList<>();
        for (String name : p.strings("chains")) {
            try {
                out.add(ChainId.fromConfigName(name.trim()));
            } catch (final IllegalArgumentException ex) {
                throw new ConfigException(p.keyOf("chains"), name.trim(), "one of " + ChainId.configNames());
            }
        }
        return out;
    }

    private static U128 amount(final ConfigSection s, final String key, final int decimals) {
        final String text = s.string(key);
        final U128 value = new U128();
        final int result = value.parse(text, decimals);
        if (result != U128.OK) {
            throw new ConfigException(s.keyOf(key), text, "a decimal amount with at most " + decimals + " decimals ("
                + U128.describe(result) + ")");
        }
        return value;
    }
}
