package io.finality.engine.policy;

import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
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
 * <p>Built at start-up; read-only afterwards.
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

    /** Add or replace a policy. */
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

    /** The named policy, or the chain's default when the name is null or empty. */
    public ConfirmationPolicy resolve(final String name, final ChainId chain) {
        if (name == null || name.isEmpty()) {
            final String configured = defaultByChain.get(chain);
            if (configured != null) {
                return byName.get(configured);
            }
            return byName.get(chain.family() == ChainFamily.BITCOIN ? BITCOIN_DEFAULT : ETHEREUM_DEFAULT);
        }
        return byName.get(name);
    }

    public Iterable<String> names() {
        return byName.keySet();
    }
}
