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

    static final String DEFAULTS = """
        policies:
          - { name: usdc-fast, confirmations: 2 }
          - { name: usdt-slow, confirmations: 20 }
          - { name: eth-5, confirmations: 5 }
          - { name: shop-btc, chains: [bitcoin-regtest], confirmations: 4 }
          - { name: btc-6, confirmations: 6 }
        policy_defaults:
          - { chain: ethereum-mainnet, asset: USDC, policy: usdc-fast }
          - { chain: ethereum-mainnet, asset: "0xdAC17F958D2ee523a2206206994597C13D831ec7", policy: usdt-slow }
          - { chain: ethereum-mainnet, policy: eth-5 }
          - { chain: ethereum-sepolia, asset: native, policy: eth-5 }
          - { chain: bitcoin-mainnet, policy: btc-6 }
        """;
    static final byte[] USDC = io.finality.core.buffer.Hex.fromHex("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
    static final byte[] USDT = io.finality.core.buffer.Hex.fromHex("dac17f958d2ee523a2206206994597c13d831ec7");
    static final byte[] DAI = io.finality.core.buffer.Hex.fromHex("6b175474e89094c44da98b954eedeac495271d0f");

    @Test
    void shouldResolveByNameThenChainAndAssetThenChainThenFamily() {
        final PolicyBook b = book(DEFAULTS);
        // 1. an explicit name wins over every default
        assertEquals("btc-6", b.resolve("btc-6", ChainId.ETHEREUM_MAINNET, USDC).name());
        assertEquals(null, b.resolve("no-such-policy", ChainId.ETHEREUM_MAINNET, USDC));
        // 2. chain + asset: by symbol and by contract (checksummed input, any case)
        assertEquals("usdc-fast", b.resolve("", ChainId.ETHEREUM_MAINNET, USDC).name());
        assertEquals("usdt-slow", b.resolve(null, ChainId.ETHEREUM_MAINNET, USDT).name());
        assertEquals("eth-5", b.resolve(null, ChainId.ETHEREUM_SEPOLIA, null).name());
        // 3. chain: another token and the coin of ethereum-mainnet; bitcoin from policy_defaults and from chains:
        assertEquals("eth-5", b.resolve(null, ChainId.ETHEREUM_MAINNET, DAI).name());
        assertEquals("eth-5", b.resolve(null, ChainId.ETHEREUM_MAINNET, null).name());
        assertEquals("btc-6", b.resolve(null, ChainId.BITCOIN_MAINNET).name());
        assertEquals("shop-btc", b.resolve(null, ChainId.BITCOIN_REGTEST).name());
        // 4. family: USDC's contract on another chain is not mainnet's USDC; tokens on sepolia are not its coin
        assertEquals(PolicyBook.ETHEREUM_DEFAULT, b.resolve(null, ChainId.ETHEREUM_HOLESKY, USDC).name());
        assertEquals(PolicyBook.ETHEREUM_DEFAULT, b.resolve(null, ChainId.ETHEREUM_SEPOLIA, USDC).name());
        assertEquals(PolicyBook.BITCOIN_DEFAULT, b.resolve(null, ChainId.BITCOIN_SIGNET).name());
    }

    @Test
    void shouldTakeTheCoinSymbolAndNativeAsTheNativeAsset() {
        final PolicyBook b = book("""
            policies: [{ name: a, confirmations: 2 }, { name: c, confirmations: 3 }]
            policy_defaults:
              - { chain: ethereum-mainnet, asset: eth, policy: a }
              - { chain: bitcoin-mainnet, asset: BTC, policy: c }
            """);
        assertEquals("a", b.resolve(null, ChainId.ETHEREUM_MAINNET, null).name());
        assertEquals(PolicyBook.ETHEREUM_DEFAULT, b.resolve(null, ChainId.ETHEREUM_MAINNET, USDC).name());
        assertEquals("c", b.resolve(null, ChainId.BITCOIN_MAINNET).name());
    }

    private static String defaultsError(final String entries) {
        return assertThrows(ConfigException.class, () -> book("policies: [{ name: p }]\npolicy_defaults:\n" + entries)).key();
    }

    @Test
    void shouldNameTheKeyOfEveryBadPolicyDefault() {
        assertEquals("policy_defaults[0].chain", defaultsError("  - { chain: dogecoin, policy: p }"));
        assertEquals("policy_defaults[0].chain", defaultsError("  - { asset: USDC, policy: p }"));
        assertEquals("policy_defaults[0].policy", defaultsError("  - { chain: ethereum-mainnet, asset: USDC }"));
        assertEquals("policy_defaults[0].policy", defaultsError("  - { chain: ethereum-mainnet, asset: USDC, policy: q }"));
        assertEquals("policy_defaults[0].asset", defaultsError("  - { chain: ethereum-mainnet, asset: USDX, policy: p }"));
        assertEquals("policy_defaults[0].asset", defaultsError("  - { chain: ethereum-sepolia, asset: USDC, policy: p }"));
        assertEquals("policy_defaults[0].asset", defaultsError("  - { chain: ethereum-mainnet, asset: \"0x1234\", policy: p }"));
        assertEquals("policy_defaults[0].asset", defaultsError("  - { chain: bitcoin-mainnet, asset: \"0x"
            + "a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48\", policy: p }"));
        assertEquals("policy_defaults[0].polcy", defaultsError("  - { chain: ethereum-mainnet, polcy: p, policy: p }"));
        assertEquals("policy_defaults[1].asset", defaultsError("""
              - { chain: ethereum-mainnet, asset: USDC, policy: p }
              - { chain: ethereum-mainnet, asset: "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", policy: p }
            """));
        assertEquals("policy_defaults[1].chain", defaultsError("""
              - { chain: ethereum-mainnet, policy: p }
              - { chain: ethereum-mainnet, policy: p }
            """));
        final ConfigException fromChains = assertThrows(ConfigException.class, () -> book("""
            policies: [{ name: p, chains: [bitcoin-mainnet] }]
            policy_defaults: [{ chain: bitcoin-mainnet, policy: p }]
            """));
        assertEquals("policy_defaults[0].chain", fromChains.key());
        assertTrue(fromChains.getMessage().contains("policies[0].chains"), fromChains.getMessage());
    }

    @Test
    void shouldAskForQuotesWhenYamlReadAContractAsANumber() {
        final ConfigException ex = assertThrows(ConfigException.class, () -> book("""
            policies: [{ name: p }]
            policy_defaults: [{ chain: ethereum-mainnet, asset: 0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48, policy: p }]
            """));
        assertEquals("policy_defaults[0].asset", ex.key());
        assertTrue(ex.getMessage().contains("quotes"), ex.getMessage());
    }
}
