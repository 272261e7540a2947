package io.finality.engine;

import static io.finality.engine.EngineFixture.tx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.event.InvoiceStatus;
import io.finality.core.ring.MatchList;
import io.finality.engine.policy.PolicyBook;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retiring: a payment that counts nowhere (invalidated, reverted, failed, wrong asset) and has neither changed nor been
 * seen for longer than the retention gives its record back, at the engine's prunes, without an event; its output seen
 * again after that is a new payment. The reference-model test holds the engine to the same rule on random scenarios.
 */
class PaymentRetirementTest {
    private static final ChainId BTC = ChainId.BITCOIN_REGTEST;
    private static final long HOUR = 3_600_000L;
    private static final long HALF_BTC = 50_000_000L;
    /** Prunes run on even tips: every quarter of the retention, rounded down to a power of two. */
    private static final int RETENTION = 8;

    private final EngineFixture f = new EngineFixture(EngineMatchesReferenceModelTest.policies(), RETENTION);

    @Test
    void shouldRetireADroppedPaymentAfterTheRetentionAndTakeItsReturnAsANewPayment() {
        f.open(1, BTC, HALF_BTC, PolicyBook.BITCOIN_DEFAULT, HOUR);
        f.block(BTC, 1, 1).mempool(BTC, tx(10).pays(1, 0, HALF_BTC)).gone(BTC, tx(10));
        f.newEvents();
        blocks(2, 9);
        assertEquals(1, f.engine.invoice(1).paymentCount(), "at tip 9 it changed 8 blocks ago: not longer than the retention");
        blocks(10, 10);
        assertEquals(List.of(), f.newEvents(), "retiring writes no event");
        assertEquals(1, f.engine.retiredPayments());
        assertEquals(0, f.engine.invoice(1).paymentCount(), "the record left the invoice");
        assertEquals(InvoiceStatus.AWAITING_PAYMENT, f.engine.invoice(1).status());
        f.tick(2 * HOUR);
        assertEquals(InvoiceStatus.EXPIRED, f.engine.invoice(1).status());
        f.newEvents();
        f.mempool(BTC, tx(10).pays(1, 0, HALF_BTC));
        assertEquals(List.of("LATE_PAYMENT MANUAL_REVIEW", "INVOICE_MANUAL_REVIEW MANUAL_REVIEW"), f.newEvents(),
            "back after the retention: a new payment, judged now (late: the invoice closed meanwhile)");
        assertEquals(1, f.engine.invoice(1).paymentCount());
    }

    @Test
    void shouldReviveADroppedPaymentThatReturnsWithinTheRetention() {
        f.open(1, BTC, HALF_BTC, PolicyBook.BITCOIN_DEFAULT, HOUR);
        f.block(BTC, 1, 1).mempool(BTC, tx(10).pays(1, 0, HALF_BTC)).gone(BTC, tx(10));
        blocks(2, 9);
        f.tick(2 * HOUR);
        f.newEvents();
        f.mempool(BTC, tx(10).pays(1, 0, HALF_BTC));
        assertEquals(List.of("PAYMENT_DETECTED DETECTED"), f.newEvents(), "the same payment, first seen on time");
        assertEquals(0, f.engine.retiredPayments());
    }

    @Test
    void shouldRetireARevertedPaymentThatNeverComesBack() {
        f.open(1, BTC, HALF_BTC, PolicyBook.BITCOIN_DEFAULT, HOUR);
        f.block(BTC, 1, 1, tx(10).pays(1, 0, HALF_BTC)).disconnect(BTC, 1, 1);
        assertEquals(InvoiceStatus.AWAITING_PAYMENT, f.engine.invoice(1).status());
        blocks(1, 8);
        assertEquals(0, f.engine.retiredPayments(), "reverted at tip 0, so at tip 8 it changed 8 blocks ago");
        blocks(9, 10);
        assertEquals(1, f.engine.retiredPayments());
        assertEquals(0, f.engine.invoice(1).paymentCount());
    }

    @Test
    void shouldKeepTheRecordsBoundedWhilePaymentsAreReplacedBlockAfterBlock() {
        // each round: a payment in the mempool, its replacement paying elsewhere, a block; nothing ever confirms
        f.open(1, BTC, HALF_BTC, PolicyBook.BITCOIN_DEFAULT, 100 * HOUR);
        for (int round = 1; round <= 200; round++) {
            f.mempool(BTC, tx(round).pays(1, 0, HALF_BTC).spends(250, round));
            f.mempool(BTC, tx(255).spends(250, round));
            f.block(BTC, round, round);
        }
        assertTrue(f.engine.retiredPayments() >= 188, "retired " + f.engine.retiredPayments());
        assertTrue(f.engine.paymentRecordsCreated() <= 12,
            "records created " + f.engine.paymentRecordsCreated() + ": the retention's 8 blocks, a prune period and a spare");
        assertTrue(f.engine.invoice(1).paymentCount() <= 11, "live payments " + f.engine.invoice(1).paymentCount());
        assertEquals(InvoiceStatus.AWAITING_PAYMENT, f.engine.invoice(1).status());
    }

    @Test
    void shouldHandTheInputsOfARetiredPaymentToOneOfItsTransactionStillTracked() {
        f.open(1, BTC, HALF_BTC, PolicyBook.BITCOIN_DEFAULT, HOUR).open(2, BTC, HALF_BTC, PolicyBook.BITCOIN_DEFAULT, HOUR);
        // the second output is a wrong asset for invoice 1: its payment, the one indexed last, holds the transaction's inputs
        f.block(BTC, 1, 1).mempool(BTC, tx(20).pays(2, 0, HALF_BTC)
            .pays(1, 1, 7, MatchList.FLAG_TOKEN, EngineFixture.id(0x7a)).spends(3, 1));
        blocks(2, 10);
        assertEquals(1, f.engine.retiredPayments(), "the wrong asset retired; the mempool payment counts and stays");
        f.newEvents();
        f.mempool(BTC, tx(21).spends(3, 1));
        assertEquals(List.of("PAYMENT_INVALIDATED AWAITING_PAYMENT"), f.newEvents(),
            "the double spend is still found through the inputs the retired payment held");
    }

    private void blocks(final int from, final int to) {
        for (int h = from; h <= to; h++) {
            f.block(BTC, h, h);
        }
    }
}
