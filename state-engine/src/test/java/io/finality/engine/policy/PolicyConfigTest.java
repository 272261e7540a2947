package io.finality.engine.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.config.ConfigException;
import io.finality.core.config.YamlConfig;
import org.junit.jupiter.api.Test;

class PolicyConfigTest {
    private static PolicyBook book(final String yaml) {
        return PolicyConfig.from(YamlConfig.parse(yaml, "finality.yaml"));
    }

    @Test
    void shouldKeepTheDocumentedDefaultsWhenNothingIsConfigured() {
        final PolicyBook b = book("");
        final ConfirmationPolicy btc = b.resolve(null, ChainId.BITCOIN_MAINNET);
        assertEquals(PolicyBook.BITCOIN_DEFAULT, btc.name());
        assertEquals(1, btc.requiredConfirmations(0, 1_000_000));
        assertEquals(3, btc.requiredConfirmations(0, 100_000_000));
        assertEquals(6, btc.requiredConfirmations(0, 100_000_001));
        assertEquals(12, b.resolve(null, ChainId.ETHEREUM_MAINNET).requiredConfirmations(0, 1));
        assertEquals(LatePaymentAction.MANUAL_REVIEW, btc.lateAction());
    }

    @Test
    void shouldReadTiersToleranceGraceLateActionReviewAndChainDefaults() {
        final PolicyBook b = book("""
            policies:
              - name: shop-btc
                chains: [bitcoin-mainnet, bitcoin-regtest]
                tiers:
                  - { max: "0.001", confirmations: 1 }
                  - { max: "0.5", confirmations: 2 }
                confirmations: 4
                tolerance_bps: 50
                grace: 30m
                late_payment: accept
                review_threshold: "2"
            """);
        final ConfirmationPolicy p = b.resolve(null, ChainId.BITCOIN_REGTEST);
        assertEquals("shop-btc", p.name());
        assertEquals(1, p.requiredConfirmations(0, 100_000));
        assertEquals(2, p.requiredConfirmations(0, 50_000_000));
        assertEquals(4, p.requiredConfirmations(0, 50_000_001));
        assertEquals(50, p.toleranceBps());
        assertEquals(30 * 60_000, p.graceMs());
        assertEquals(LatePaymentAction.ACCEPT, p.lateAction());
        assertTrue(p.needsReview(0, 200_000_000));
        assertEquals(PolicyBook.BITCOIN_DEFAULT, b.resolve(null, ChainId.BITCOIN_TESTNET4).name());
    }

    @Test
    void shouldNameTheKeyOfATooPreciseTierAmount() {
        final ConfigException ex = assertThrows(ConfigException.class, () -> book("""
            policies:
              - name: p
                chains: [bitcoin-mainnet]
                tiers:
                  - { max: "0.000000001", confirmations: 1 }
            """));
        assertEquals("policies[0].tiers[0].max", ex.key());
    }

    @Test
    void shouldRejectTiersOutOfOrderAnUnknownChainAndAMisspeltKey() {
        assertEquals("policies[0].tiers[1].max", assertThrows(ConfigException.class, () -> book("""
            policies:
              - name: p
                tiers: [{ max: "2", confirmations: 3 }, { max: "1", confirmations: 1 }]
            """)).key());
        assertEquals("policies[0].chains", assertThrows(ConfigException.class, () -> book("""
            policies:
              - name: p
                chains: [dogecoin]
            """)).key());
        assertEquals("policies[0].tolerence_bps", assertThrows(ConfigException.class, () -> book("""
            policies:
              - name: p
                tolerence_bps: 5
            """)).key());
        assertEquals("policies[0].late_payment", assertThrows(ConfigException.class, () -> book("""
            policies:
              - name: p
                late_payment: refund
            """)).key());
    }
}
