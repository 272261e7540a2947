package io.finality.engine.policy;

import io.finality.core.amount.U128;
import io.finality.core.chain.ChainId;
import io.finality.core.config.ConfigException;
import io.finality.core.config.ConfigSection;
import java.util.List;

/**
 * Maps the {@code policies:} list of {@code finality.yaml} onto a {@link PolicyBook} that starts
 * from the documented defaults; a policy with a default's name replaces it.
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
 * </pre>
 *
 * <p>Used at start-up only. Every error names its key, e.g. {@code policies[0].tiers[1].max}.
 */
public final class PolicyConfig {
    private PolicyConfig() {
    }

    public static PolicyBook from(final ConfigSection root) {
        final PolicyBook book = PolicyBook.withDefaults();
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
            }
        }
        return book;
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
