package io.finality.matcher.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;

import io.finality.core.chain.ChainId;
import org.junit.jupiter.api.Test;

class InvoiceRecordTest {
    private static final byte[] P2WPKH = new byte[22];
    private static final byte[] ADDRESS = new byte[20];

    private static InvoiceRecord btc(final String id) {
        return InvoiceRecord.request(id, ChainId.BITCOIN_MAINNET, null, 8, P2WPKH, "bc1q", BigInteger.TEN, 5, "default", null, null);
    }

    @Test
    void shouldRejectBadIdsAndFieldsAtTheEdge() {
        assertThrows(IllegalArgumentException.class, () -> btc(""));
        assertThrows(IllegalArgumentException.class, () -> btc("has space"));
        assertThrows(IllegalArgumentException.class, () -> btc("x".repeat(65)));
        assertEquals("A-z.0:9_-", btc("A-z.0:9_-").invoiceId());
        assertThrows(IllegalArgumentException.class, () -> InvoiceRecord.request("a", ChainId.BITCOIN_MAINNET,
            "0x" + "ab".repeat(20), 8, P2WPKH, "bc1q", BigInteger.TEN, 5, "default", null, null), "no tokens on Bitcoin");
        assertThrows(IllegalArgumentException.class, () -> InvoiceRecord.request("a", ChainId.ETHEREUM_MAINNET,
            "0x1234", 6, ADDRESS, "0x", BigInteger.TEN, 5, "default", null, null), "short contract");
        assertThrows(IllegalArgumentException.class, () -> InvoiceRecord.request("a", ChainId.ETHEREUM_MAINNET,
            null, 18, P2WPKH, "0x", BigInteger.TEN, 5, "default", null, null), "Ethereum keys are 20 bytes");
        assertThrows(IllegalArgumentException.class, () -> InvoiceRecord.request("a", ChainId.BITCOIN_MAINNET,
            null, 8, new byte[10_001], "x", BigInteger.TEN, 5, "default", null, null), "longer than any script");
        assertThrows(IllegalArgumentException.class, () -> InvoiceRecord.request("a", ChainId.BITCOIN_MAINNET,
            null, 8, P2WPKH, "x", BigInteger.ZERO, 5, "default", null, null), "nothing due");
        assertThrows(IllegalArgumentException.class, () -> InvoiceRecord.request("a", ChainId.BITCOIN_MAINNET,
            null, 8, P2WPKH, "x", BigInteger.ONE.negate(), 5, "default", null, null));
        final InvoiceRecord upper = InvoiceRecord.request("a", ChainId.ETHEREUM_MAINNET, "0x" + "AB".repeat(20), 6, ADDRESS, "0x",
            BigInteger.TEN, 5, "default", null, null);
        assertEquals("0x" + "ab".repeat(20), upper.assetContract(), "contracts are normalised to lower case");
    }

    @Test
    void shouldCompareOnlyClientFieldsForIdempotency() {
        final InvoiceRecord request = btc("a");
        final InvoiceRecord stored = request.withAssigned(9, 1234).withStatus(InvoiceStatus.CANCELLED);
        assertTrue(stored.sameRequest(request));
        assertFalse(stored.equals(request), "full equality includes the assigned fields");
        assertNull(stored.firstDifference(request));
        final InvoiceRecord otherKey = InvoiceRecord.request("a", ChainId.BITCOIN_MAINNET, null, 8, new byte[23], "bc1q",
            BigInteger.TEN, 5, "default", null, null);
        assertEquals("watchKey", request.firstDifference(otherKey));
    }

    @Test
    void shouldNotLetCallersMutateTheWatchKey() {
        final byte[] key = new byte[22];
        final InvoiceRecord record = InvoiceRecord.request("a", ChainId.BITCOIN_MAINNET, null, 8, key, "bc1q", BigInteger.TEN, 5,
            "default", null, null);
        key[0] = 1;
        record.watchKey()[1] = 1;
        assertEquals(0, record.watchKey()[0] + record.watchKey()[1]);
    }
}
