package io.finality.tools.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.buffer.Hex;
import io.finality.core.chain.Asset;
import io.finality.core.chain.ChainId;
import io.finality.engine.policy.PolicyBook;
import io.finality.matcher.store.InvoiceRecord;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Ethereum invoices at the edge: address rules, configured tokens and their decimals, each refusal naming its field. */
class InvoiceValidatorTest {
    private static final String USDC = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
    private static final String PAYEE = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    private final InvoiceValidator validator = new InvoiceValidator(PolicyBook.withDefaults(),
        new TokenBook().add(Asset.token(ChainId.ETHEREUM_MAINNET, USDC, 6, "USDC")));

    private static InvoiceRequest request(final String address, final String amount, final String asset) {
        return new InvoiceRequest("inv-1", "ethereum-mainnet", address, amount, 1_900_000_000_000L, null, null, null, asset);
    }

    @Test
    void shouldOpenNativeAndTokenInvoicesWithTheRightDecimalsAndKey() {
        final InvoiceRecord eth = validator.validate(request(PAYEE, "1.25", null));
        assertNull(eth.assetContract());
        assertEquals(18, eth.assetDecimals());
        assertEquals(new BigInteger("1250000000000000000"), eth.amountDue());
        assertEquals(20, eth.watchKeyLength());
        final InvoiceRecord usdc = validator.validate(request(PAYEE, "19.99", "usdc"));
        assertEquals(USDC, usdc.assetContract());
        assertEquals(6, usdc.assetDecimals());
        assertEquals(BigInteger.valueOf(19_990_000), usdc.amountDue());
        assertEquals(USDC, validator.validate(request(PAYEE, "1", USDC.toUpperCase().replace("0X", "0x"))).assetContract());
        assertNull(validator.validate(request(PAYEE, "1", "ETH")).assetContract());
    }

    @Test
    void shouldTakeTheDefaultPolicyOfTheChainAndAssetWhenNoneIsNamed() {
        final PolicyBook book = PolicyBook.withDefaults()
            .add(io.finality.engine.policy.ConfirmationPolicy.builder("usdc-fast").defaultConfirmations(2).build());
        book.defaultFor(ChainId.ETHEREUM_MAINNET, Hex.fromHex(USDC.substring(2)), "usdc-fast");
        final InvoiceValidator withDefaults = new InvoiceValidator(book,
            new TokenBook().add(Asset.token(ChainId.ETHEREUM_MAINNET, USDC, 6, "USDC")));
        assertEquals("usdc-fast", withDefaults.validate(request(PAYEE, "5", "USDC")).policy());
        assertEquals(PolicyBook.ETHEREUM_DEFAULT, withDefaults.validate(request(PAYEE, "5", null)).policy());
    }

    @Test
    void shouldRefuseEachBadFieldByName() {
        assertRefused(request(PAYEE.replace('A', 'a').replace("0x5a", "0x5A"), "1", null), "address: EIP-55 checksum");
        assertRefused(request("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "1", null), "address: an Ethereum address starts with 0x");
        assertRefused(request(PAYEE, "1", "DAI"), "asset: 'DAI' is not a token configured for ethereum-mainnet (known: ETH, USDC)");
        assertRefused(request(PAYEE, "0.0000001", "USDC"), "amount:");
        assertRefused(request(PAYEE, "0", null), "amount: must be greater than zero");
        assertRefused(request(PAYEE, "-1", null), "amount:");
        assertRefused(new InvoiceRequest("inv-1", "bitcoin-regtest", "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080", "1", 1L, null,
            null, null, "USDC"), "asset: bitcoin-regtest has only its native coin");
        assertRefused(new InvoiceRequest("inv-1", "dogecoin", PAYEE, "1", 1L, null, null, null), "chain:");
    }

    private void assertRefused(final InvoiceRequest r, final String prefix) {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> validator.validate(r));
        assertTrue(ex.getMessage().startsWith(prefix), ex.getMessage());
    }
}
