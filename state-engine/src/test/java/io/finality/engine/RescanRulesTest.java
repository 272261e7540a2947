package io.finality.engine;

import static io.finality.engine.EngineFixture.id;
import static io.finality.engine.EngineFixture.matches;
import static io.finality.engine.EngineFixture.tx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.event.InvoiceStatus;
import io.finality.engine.policy.PolicyBook;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The rules of {@link InvoiceEngine#blockRescanned}, one named scenario each. */
class RescanRulesTest {
    private static final ChainId BTC = ChainId.BITCOIN_REGTEST;
    private static final long HOUR = 3_600_000L;
    private static final long HALF_BTC = 50_000_000L;
    private static final String DEFAULT = PolicyBook.BITCOIN_DEFAULT;
    private static final int RETENTION = 10;

    private final EngineFixture f = new EngineFixture(EngineMatchesReferenceModelTest.policies(), RETENTION);

    private boolean rescan(final long height, final int hash, final EngineFixture.Tx... txs) {
        return f.engine.blockRescanned(BTC, height, new UnsafeBuffer(id(hash)), 0, matches(txs));
    }

    @Test
    void shouldCreditAPaymentMadeBeforeItsInvoiceOpenedWithTheConfirmationsItHasNow() {
        f.block(BTC, 100, 100);
        f.block(BTC, 101, 101);
        // the payment sits in block 101, but the invoice reaches the engine only afterwards
        f.open(1, BTC, HALF_BTC, DEFAULT, HOUR);
        f.block(BTC, 102, 102);
        f.newEvents();
        assertTrue(rescan(101, 101, tx(7).pays(1, 0, HALF_BTC)));
        assertEquals(List.of("PAYMENT_IN_BLOCK CONFIRMING", "INVOICE_CONFIRMING CONFIRMING"), f.newEvents(),
            "0.5 BTC needs 3 confirmations; block 101 has 2");
        assertEquals(102, f.engine.tip(BTC), "a rescan never moves the tip");
        f.block(BTC, 103, 103);
        assertEquals(List.of("INVOICE_CONFIRMED CONFIRMED"), f.newEvents());
    }

    @Test
    void shouldConfirmAtOnceWhenTheRescannedBlockIsAlreadyDeepEnough() {
        for (int h = 1; h <= 8; h++) {
            f.block(BTC, h, h);
        }
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        f.newEvents();
        assertTrue(rescan(3, 3, tx(7).pays(1, 0, 500_000)));
        assertEquals(List.of("PAYMENT_IN_BLOCK CONFIRMED", "INVOICE_CONFIRMED CONFIRMED"), f.newEvents());
    }

    @Test
    void shouldNeverCountAPaymentTwice() {
        f.open(1, BTC, HALF_BTC, DEFAULT, HOUR);
        f.block(BTC, 1, 1, tx(7).pays(1, 0, HALF_BTC / 2));
        f.block(BTC, 2, 2);
        f.newEvents();
        assertTrue(rescan(1, 1, tx(7).pays(1, 0, HALF_BTC / 2)));
        assertTrue(rescan(1, 1, tx(7).pays(1, 0, HALF_BTC / 2)));
        assertEquals(List.of(), f.newEvents(), "the live scan already counted it");
        assertEquals(InvoiceStatus.UNDERPAID, f.engine.invoice(1).status());
        // a second output of the same transaction, to the same invoice, is a payment of its own
        assertTrue(rescan(1, 1, tx(7).pays(1, 0, HALF_BTC / 2).pays(1, 1, HALF_BTC / 2)));
        assertEquals(List.of("PAYMENT_IN_BLOCK CONFIRMING", "INVOICE_CONFIRMING CONFIRMING"), f.newEvents());
    }

    @Test
    void shouldRefuseBlocksAboveTheTipOrDeeperThanTheRetention() {
        for (int h = 1; h <= 20; h++) {
            f.block(BTC, h, h);
        }
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        f.newEvents();
        assertFalse(rescan(21, 21, tx(7).pays(1, 0, 500_000)), "above the tip");
        assertFalse(rescan(10, 10, tx(7).pays(1, 0, 500_000)), "11 deep, retention 10: could be settled");
        assertFalse(f.engine.rescannable(ChainId.ETHEREUM_DEV, 1), "a chain with no block");
        assertEquals(List.of(), f.newEvents());
        assertTrue(rescan(11, 11, tx(7).pays(1, 0, 500_000)), "10 deep: the oldest block a rescan may read");
        assertEquals(List.of("PAYMENT_IN_BLOCK CONFIRMED", "INVOICE_CONFIRMED CONFIRMED"), f.newEvents());
    }

    @Test
    void shouldTreatAPaymentFoundAfterItsInvoiceClosedAsLate() {
        f.open(1, BTC, 500_000, "strict-ignore", HOUR);
        f.block(BTC, 1, 1);
        f.tick(2 * HOUR);
        f.block(BTC, 2, 2);
        assertEquals(InvoiceStatus.EXPIRED, f.engine.invoice(1).status());
        f.newEvents();
        assertTrue(rescan(1, 1, tx(7).pays(1, 0, 500_000)));
        assertEquals(List.of("LATE_PAYMENT EXPIRED"), f.newEvents(), "the invoice was reported expired; its policy ignores late");
    }

    @Test
    void shouldLeaveAnOutputRecordedForAnotherInvoiceToThatInvoice() {
        // invoice 1 is cancelled; its key is reused by invoice 2, so the index now maps the output to 2
        f.open(1, BTC, 500_000, DEFAULT, HOUR).cancel(1);
        f.block(BTC, 1, 1, tx(7).pays(1, 0, 500_000));
        f.open(2, BTC, 500_000, DEFAULT, HOUR);
        f.block(BTC, 2, 2);
        f.newEvents();
        assertTrue(rescan(1, 1, tx(7).pays(2, 0, 500_000)));
        assertEquals(List.of(), f.newEvents(), "the late payment to the cancelled invoice must not pay its successor");
        assertEquals(InvoiceStatus.AWAITING_PAYMENT, f.engine.invoice(2).status());
    }

    @Test
    void shouldInvalidateAMempoolPaymentWhoseInputsARescannedBlockSpent() {
        f.block(BTC, 1, 1);
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        f.block(BTC, 2, 2);
        f.mempool(BTC, tx(8).pays(1, 0, 500_000).spends(50, 0));
        f.newEvents();
        assertTrue(rescan(2, 2, tx(9).spends(50, 0)));
        assertEquals(List.of("PAYMENT_INVALIDATED AWAITING_PAYMENT"), f.newEvents());
    }
}
