package io.finality.engine.policy;

import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named confirmation policies, with the defaults a payment engineer would accept:
 *
 * <table>
 *   <caption>Default policies</caption>
 *   <tr><th>name</th><th>confirmations</th><th>tolerance</th><th>grace</th><th>late payment</th></tr>
 *   <tr><td>{@value #BITCOIN_DEFAULT}</td><td>due ≤ 0.01 BTC: 1, ≤ 1 BTC: 3, more: 6</td><td>0</td><td>1 h</td>
 *       <td>manual review</td></tr>
 *   <tr><td>{@value #ETHEREUM_DEFAULT}</td><td>12</td><td>0</td><td>1 h</td><td>manual review</td></tr>
 *   <tr><td>{@value #ETHEREUM_FINALIZED}</td><td>block at or below the {@code finalized} tag</td><td>0</td>
 *       <td>1 h</td><td>manual review</td></tr>
 * </table>
 *
 * <h2>Which policy an invoice gets</h2>
 * The first that applies, resolved once when the invoice opens and recorded with it (the journaled
 * step input and the snapshot carry the name, so replay never re-resolves):
 * <ol>
 *   <li>the policy the invoice names;</li>
 *   <li>the default of its (chain, asset): {@link #defaultFor(ChainId, byte[], String)}, from
 *       {@code policy_defaults} entries with an {@code asset} (see {@link PolicyConfig});</li>
 *   <li>the default of its chain: {@link #defaultFor(ChainId, String)}, from {@code policy_defaults}
 *       entries without an asset or a policy's {@code chains};</li>
 *   <li>the default of its chain family:</li>
 * </ol>
 * <table>
 *   <caption>Defaults when nothing is configured</caption>
 *   <tr><th>invoice on</th><th>asset</th><th>policy</th></tr>
 *   <tr><td>any Bitcoin chain</td><td>the coin</td><td>{@value #BITCOIN_DEFAULT}</td></tr>
 *   <tr><td>any Ethereum chain</td><td>ETH or any token</td><td>{@value #ETHEREUM_DEFAULT}</td></tr>
 * </table>
 *
 * <p>Built at start-up; read-only afterwards (safe to read from any thread then).
 */
public final class PolicyBook {
    public static final String BITCOIN_DEFAULT = "bitcoin-default";
    public static final String ETHEREUM_DEFAULT = "ethereum-default";
    public static final String ETHEREUM_FINALIZED = "ethereum-finalized";
    /** One hundredth of a bitcoin in satoshis. */
    public static final long CENTI_BTC = 1_000_000L;
    public static final long ONE_BTC = 100_000_000L;

    private final Map<String, ConfirmationPolicy> byName = new LinkedHashMap<>();
    private final Map<ChainId, String> defaultByChain = new java.util.EnumMap<>(ChainId.class);
    private final Map<AssetKey, String> defaultByAsset = new HashMap<>();

    /** A chain and an asset on it: the token contract in lower-case hex, or "" for the native coin. */
    private record AssetKey(ChainId chain, String contract) {
        static AssetKey of(final ChainId chain, final byte[] contract) {
            return new AssetKey(chain, contract == null ? "" : Hex.toHex(contract));
        }
    }

    /** A book holding the three default policies. */
    public static PolicyBook withDefaults() {
        final PolicyBook book = new PolicyBook();
        book.add(ConfirmationPolicy.builder(BITCOIN_DEFAULT)
            .tier(0, CENTI_BTC, 1)
            .tier(0, ONE_BTC, 3)
            .defaultConfirmations(6)
            .build());
        book.add(ConfirmationPolicy.builder(ETHEREUM_DEFAULT).defaultConfirmations(12).build());
        book.add(ConfirmationPolicy.builder(ETHEREUM_FINALIZED).finalizedMode(true).build());
        return book;
    }

    /** Add or replace a policy (defaults naming it then resolve to the new one). */
    public PolicyBook add(final ConfirmationPolicy policy) {
        byName.put(policy.name(), policy);
        return this;
    }

    /** The policy of that name, or null. */
    public ConfirmationPolicy get(final String name) {
        return byName.get(name);
    }

    /** Make {@code name} the policy of invoices on {@code chain} that name none. */
    public PolicyBook defaultFor(final ChainId chain, final String name) {
        if (!byName.containsKey(name)) {
            throw new IllegalArgumentException("unknown policy '" + name + "'");
        }
        defaultByChain.put(chain, name);
        return this;
    }

    /**
     * Make {@code name} the policy of invoices on {@code chain} in that asset that name none.
     *
     * @param contract the 20-byte token contract, or null for the chain's native coin.
     */
    public PolicyBook defaultFor(final ChainId chain, final byte[] contract, final String name) {
        if (!byName.containsKey(name)) {
            throw new IllegalArgumentException("unknown policy '" + name + "'");
        }
        if (contract != null && contract.length != 20) {
            throw new IllegalArgumentException("a token contract is 20 bytes, was " + contract.length);
        }
        defaultByAsset.put(AssetKey.of(chain, contract), name);
        return this;
    }

    /** True if an invoice on {@code chain} in that asset (contract, or null for the coin) has its own default. */
    public boolean hasDefaultFor(final ChainId chain, final byte[] contract) {
        return defaultByAsset.containsKey(AssetKey.of(chain, contract));
    }

    /** True if invoices on {@code chain} have a configured chain default. */
    public boolean hasDefaultFor(final ChainId chain) {
        return defaultByChain.containsKey(chain);
    }

    /** The named policy, or the default of the chain's native coin when the name is null or empty. */
    public ConfirmationPolicy resolve(final String name, final ChainId chain) {
        return resolve(name, chain, null);
    }

    /**
     * The policy for an invoice, by the precedence of the class comment: the named policy (null if no
     * such policy), else the default of (chain, asset), of the chain, of the chain's family.
     *
     * @param contract the invoice's 20-byte token contract, or null for the native coin.
     */
    public ConfirmationPolicy resolve(final String name, final ChainId chain, final byte[] contract) {
        if (name != null && !name.isEmpty()) {
            return byName.get(name);
        }
        if (!defaultByAsset.isEmpty()) {
            final String byAsset = defaultByAsset.get(AssetKey.of(chain, contract));
            if (byAsset != null) {
                return byName.get(byAsset);
            }
        }
        final String configured = defaultByChain.get(chain);
        if (configured != null) {
            return byName.get(configured);
        }
        return byName.get(chain.family() == ChainFamily.BITCOIN ? BITCOIN_DEFAULT : ETHEREUM_DEFAULT);
    }

    public Iterable<String> names() {
        return byName.keySet();
    }
}
