package io.finality.engine;

import static io.finality.engine.EngineFixture.tx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.event.InvoiceStatus;
import io.finality.engine.policy.PolicyBook;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Bitcoin node does not report evictions: a mempool payment neither mined nor seen again for longer than the mempool
 * expiry is invalidated at the engine's next prune, and comes back as any invalidated payment does. The reference-model
 * test holds the engine to the same rule on random scenarios with stuck transactions.
 */
class MempoolExpiryTest {
    private static final ChainId BTC = ChainId.BITCOIN_REGTEST;
    private static final ChainId ETH = ChainId.ETHEREUM_DEV;
    private static final long HOUR = 3_600_000L;
    private static final long HALF_BTC = 50_000_000L;
    /** Prunes run on even tips (a quarter of the retention, rounded down to a power of two). */
    private static final int RETENTION = 8;
    private static final int EXPIRY = 4;

    private final EngineFixture f = new EngineFixture(EngineMatchesReferenceModelTest.policies(), RETENTION, EXPIRY);

    @Test
    void shouldInvalidateABitcoinPaymentNeitherMinedNorSeenAgainForLongerThanTheExpiry() {
        f.open(1, BTC, HALF_BTC, PolicyBook.BITCOIN_DEFAULT, HOUR);
        f.block(BTC, 1, 1).mempool(BTC, tx(10).pays(1, 0, HALF_BTC));
        f.newEvents();
        blocks(BTC, 2, 5);
        assertEquals(List.of(), f.newEvents(), "at tip 4 it was seen 3 blocks ago");
        blocks(BTC, 6, 6);
        assertEquals(List.of("PAYMENT_INVALIDATED AWAITING_PAYMENT"), f.newEvents());
        assertTrue(f.recorder.events.get(f.recorder.events.size() - 1).contains(InvoiceEngine.REASON_MEMPOOL_EXPIRED));
        // mined after all, within the retention: the same payment
        f.block(BTC, 7, 7, tx(10).pays(1, 0, HALF_BTC));
        assertEquals(List.of("PAYMENT_IN_BLOCK CONFIRMING", "INVOICE_CONFIRMING CONFIRMING"), f.newEvents());
        assertEquals(1, f.engine.invoice(1).paymentCount());
    }

    @Test
    void shouldRestartTheCountWhenThePaymentIsSeenAgain() {
        f.open(1, BTC, HALF_BTC, PolicyBook.BITCOIN_DEFAULT, HOUR);
        f.block(BTC, 1, 1).mempool(BTC, tx(10).pays(1, 0, HALF_BTC));
        blocks(BTC, 2, 4);
        // announced again (a wallet rebroadcasting it)
        f.mempool(BTC, tx(10).pays(1, 0, HALF_BTC));
        f.newEvents();
        blocks(BTC, 5, 8);
        assertEquals(List.of(), f.newEvents(), "seen again at tip 4: at tip 8 only 4 blocks ago");
        assertEquals(InvoiceStatus.DETECTED, f.engine.invoice(1).status());
        blocks(BTC, 9, 10);
        assertEquals(List.of("PAYMENT_INVALIDATED AWAITING_PAYMENT"), f.newEvents());
    }

    @Test
    void shouldLeaveEthereumPendingPaymentsToTheNodesDropReports() {
        f.open(1, ETH, HALF_BTC, PolicyBook.ETHEREUM_DEFAULT, HOUR);
        f.block(ETH, 1, 1).mempool(ETH, tx(10).pays(1, 0, HALF_BTC));
        f.newEvents();
        blocks(ETH, 2, 20);
        assertEquals(List.of(), f.newEvents());
        assertEquals(InvoiceStatus.DETECTED, f.engine.invoice(1).status());
    }

    private void blocks(final ChainId chain, final int from, final int to) {
        for (int h = from; h <= to; h++) {
            f.block(chain, h, h);
        }
    }
}
