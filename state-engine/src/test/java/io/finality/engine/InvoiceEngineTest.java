package io.finality.engine;

import static io.finality.engine.EngineFixture.tx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.event.InvoiceStatus;
import io.finality.core.ring.MatchList;
import io.finality.engine.model.Payment;
import io.finality.engine.policy.PolicyBook;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** One named test per rule of the state machine; each reads as the scenario it proves. */
class InvoiceEngineTest {
    private static final ChainId BTC = ChainId.BITCOIN_REGTEST;
    private static final ChainId ETH = ChainId.ETHEREUM_DEV;
    private static final long HOUR = 3_600_000L;
    private static final long HALF_BTC = 50_000_000L;
    private static final String DEFAULT = PolicyBook.BITCOIN_DEFAULT;

    private final EngineFixture f = new EngineFixture();

    private InvoiceStatus status(final int slot) {
        return f.engine.invoice(slot).status();
    }

    @Test
    void shouldConfirmAnExactPaymentOnlyAfterTheTierConfirmations() {
        f.open(1, BTC, HALF_BTC, DEFAULT, HOUR);
        f.newEvents();
        f.mempool(BTC, tx(10).pays(1, 0, HALF_BTC));
        assertEquals(List.of("PAYMENT_DETECTED DETECTED"), f.newEvents());
        f.block(BTC, 100, 1, tx(10).pays(1, 0, HALF_BTC));
        assertEquals(List.of("PAYMENT_IN_BLOCK CONFIRMING", "INVOICE_CONFIRMING CONFIRMING"), f.newEvents());
        f.block(BTC, 101, 2);
        assertEquals(InvoiceStatus.CONFIRMING, status(1), "0.5 BTC needs 3 confirmations, has 2");
        f.block(BTC, 102, 3);
        assertEquals(List.of("INVOICE_CONFIRMED CONFIRMED"), f.newEvents());
    }

    @Test
    void shouldPickConfirmationTiersByAmountDue() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR).open(2, BTC, 200_000_000, DEFAULT, HOUR);
        assertEquals(1, f.engine.invoice(1).requiredConfirmations());
        assertEquals(6, f.engine.invoice(2).requiredConfirmations());
        f.block(BTC, 1, 1, tx(10).pays(1, 0, 500_000), tx(11).pays(2, 0, 200_000_000));
        assertEquals(InvoiceStatus.CONFIRMED, status(1));
        for (int h = 2; h <= 5; h++) {
            f.block(BTC, h, h);
        }
        assertEquals(InvoiceStatus.CONFIRMING, status(2));
        f.block(BTC, 6, 6);
        assertEquals(InvoiceStatus.CONFIRMED, status(2));
    }

    @Test
    void shouldCountSeveralPaymentsSummingToTheAmount() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        f.block(BTC, 1, 1, tx(10).pays(1, 0, 200_000));
        assertEquals(InvoiceStatus.UNDERPAID, status(1));
        f.block(BTC, 2, 2, tx(11).pays(1, 3, 300_000));
        assertEquals(InvoiceStatus.CONFIRMED, status(1));
        assertEquals(500_000, f.engine.invoice(1).confirmedLo());
    }

    @Test
    void shouldReportAnOverpaymentWhenConfirmed() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        f.newEvents();
        f.block(BTC, 1, 1, tx(10).pays(1, 0, 700_000));
        assertEquals(List.of("PAYMENT_IN_BLOCK CONFIRMED", "INVOICE_CONFIRMED CONFIRMED", "OVERPAID CONFIRMED"), f.newEvents());
    }

    @Test
    void shouldCountAPaymentSeenInTheMempoolAndThenInABlockOnce() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        f.mempool(BTC, tx(10).pays(1, 0, 300_000)).mempool(BTC, tx(10).pays(1, 0, 300_000));
        f.block(BTC, 1, 1, tx(10).pays(1, 0, 300_000));
        assertEquals(1, f.engine.invoice(1).paymentCount());
        assertEquals(300_000, f.engine.invoice(1).receivedLo());
        assertEquals(InvoiceStatus.UNDERPAID, status(1));
    }

    @Test
    void shouldCountABlockDisconnectedAndReconnectedOnce() {
        f.open(1, BTC, HALF_BTC, DEFAULT, HOUR);
        f.block(BTC, 1, 1, tx(10).pays(1, 0, HALF_BTC));
        f.newEvents();
        f.disconnect(BTC, 1, 1);
        assertEquals(List.of("PAYMENT_REVERTED AWAITING_PAYMENT"), f.newEvents());
        f.block(BTC, 1, 1, tx(10).pays(1, 0, HALF_BTC));
        assertEquals(List.of("PAYMENT_IN_BLOCK CONFIRMING", "INVOICE_CONFIRMING CONFIRMING"), f.newEvents());
        assertEquals(HALF_BTC, f.engine.invoice(1).receivedLo());
        assertEquals(1, f.engine.invoice(1).paymentCount());
    }

    @Test
    void shouldRevertConfirmedInvoiceWhenBlockIsDisconnected() {
        f.open(1, BTC, HALF_BTC, DEFAULT, HOUR);
        f.block(BTC, 1, 1, tx(10).pays(1, 0, HALF_BTC)).block(BTC, 2, 2).block(BTC, 3, 3);
        assertEquals(InvoiceStatus.CONFIRMED, status(1));
        f.newEvents();
        // A reorg of depth 1 leaves 2 confirmations: below the policy of 3.
        f.disconnect(BTC, 3, 3);
        assertEquals(List.of("CONFIRMATION_REVERTED CONFIRMING"), f.newEvents());
        f.block(BTC, 3, 33);
        assertEquals(List.of("INVOICE_CONFIRMED CONFIRMED"), f.newEvents());
    }

    @Test
    void shouldRevertAPaymentWhoseBlockIsReplacedByABranchWithoutIt() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        f.block(BTC, 1, 1, tx(10).pays(1, 0, 500_000));
        f.newEvents();
        f.disconnect(BTC, 1, 1).block(BTC, 1, 21).block(BTC, 2, 22);
        assertEquals(List.of("PAYMENT_REVERTED AWAITING_PAYMENT", "CONFIRMATION_REVERTED AWAITING_PAYMENT"), f.newEvents());
        assertEquals(InvoiceStatus.AWAITING_PAYMENT, status(1));
        assertEquals(0, f.engine.invoice(1).receivedLo());
    }

    @Test
    void shouldInvalidateAPaymentDoubleSpentInABlock() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        f.mempool(BTC, tx(10).pays(1, 0, 500_000).spends(90, 1));
        f.newEvents();
        f.block(BTC, 1, 1, tx(11).spends(90, 1));
        assertEquals(List.of("PAYMENT_INVALIDATED AWAITING_PAYMENT"), f.newEvents());
    }

    @Test
    void shouldLearnAManyInputPaymentsInputsOnceAndCatchADoubleSpendOfItsLast() {
        // as many inputs as the largest transaction of the shared test data; each sighting reports all of them again
        final int inputs = 5_569;
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        final EngineFixture.Tx payment = tx(10).pays(1, 0, 500_000);
        for (int i = 0; i < inputs; i++) {
            payment.spends(100 + i % 100, i / 100);
        }
        f.mempool(BTC, payment);
        f.mempool(BTC, payment);
        final Payment tracked = f.engine.payment(1, new UnsafeBuffer(EngineFixture.id(10)), 0, 0);
        assertEquals(inputs, tracked.inputCount(), "each input once, however often the transaction is seen");
        f.newEvents();
        // a block spends the payment's last input elsewhere: one invalidation, not one per time the input was reported
        f.block(BTC, 1, 1, tx(11).spends(100 + (inputs - 1) % 100, (inputs - 1) / 100));
        assertEquals(List.of("PAYMENT_INVALIDATED AWAITING_PAYMENT"), f.newEvents());
    }

    @Test
    void shouldInvalidateAMempoolPaymentReplacedByFee() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        f.mempool(BTC, tx(10).pays(1, 0, 500_000).spends(90, 1));
        f.newEvents();
        // The replacement pays the invoice less: the old payment goes, the new one is detected.
        f.mempool(BTC, tx(11).pays(1, 0, 400_000).spends(90, 1));
        assertEquals(List.of("PAYMENT_DETECTED DETECTED", "PAYMENT_INVALIDATED UNDERPAID"), f.newEvents());
        assertEquals(400_000, f.engine.invoice(1).receivedLo());
    }

    @Test
    void shouldInvalidateAMempoolPaymentDroppedByTheNode() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        f.mempool(BTC, tx(10).pays(1, 0, 500_000));
        f.newEvents();
        f.gone(BTC, tx(10));
        assertEquals(List.of("PAYMENT_INVALIDATED AWAITING_PAYMENT"), f.newEvents());
    }

    @Test
    void shouldNeverCountAFailedReceipt() {
        f.open(1, ETH, 1_000, PolicyBook.ETHEREUM_DEFAULT, HOUR);
        f.newEvents();
        f.block(ETH, 1, 1, tx(10).pays(1, 0, 1_000, MatchList.FLAG_FAILED, null));
        assertEquals(List.of("PAYMENT_FAILED AWAITING_PAYMENT"), f.newEvents());
        for (int h = 2; h < 20; h++) {
            f.block(ETH, h, h);
        }
        assertEquals(InvoiceStatus.AWAITING_PAYMENT, status(1));
    }

    @Test
    void shouldReportATransferOfAnotherTokenAsWrongAsset() {
        f.open(1, ETH, ScenarioGenerator.TOKEN, 1_000, PolicyBook.ETHEREUM_DEFAULT, HOUR);
        f.newEvents();
        f.block(ETH, 1, 1, tx(10).pays(1, 0, 1_000, MatchList.FLAG_TOKEN, ScenarioGenerator.OTHER_TOKEN));
        f.block(ETH, 2, 2, tx(11).pays(1, 0, 1_000));
        assertEquals(List.of("WRONG_ASSET_PAYMENT AWAITING_PAYMENT", "WRONG_ASSET_PAYMENT AWAITING_PAYMENT"), f.newEvents());
        f.block(ETH, 3, 3, tx(12).pays(1, 0, 1_000, MatchList.FLAG_TOKEN, ScenarioGenerator.TOKEN));
        assertEquals(List.of("PAYMENT_IN_BLOCK CONFIRMING", "INVOICE_CONFIRMING CONFIRMING"), f.newEvents());
    }

    @Test
    void shouldNeverCreditATokenAmountThatDidNotFit128Bits() {
        f.open(1, ETH, ScenarioGenerator.TOKEN, 1_000, PolicyBook.ETHEREUM_DEFAULT, HOUR);
        f.newEvents();
        f.block(ETH, 1, 1, tx(10).pays(1, 0, -1L, MatchList.FLAG_TOKEN | MatchList.FLAG_AMOUNT_OVERFLOW, ScenarioGenerator.TOKEN));
        for (int h = 2; h < 20; h++) {
            f.block(ETH, h, h);
        }
        assertEquals(List.of("WRONG_ASSET_PAYMENT AWAITING_PAYMENT"), f.newEvents());
        assertEquals(0, f.engine.invoice(1).receivedLo());
        assertTrue(f.recorder.events.get(f.recorder.events.size() - 1).contains("2^128"));
    }

    @Test
    void shouldUseTheFinalizedTagInFinalizedMode() {
        f.open(1, ETH, 1_000, PolicyBook.ETHEREUM_FINALIZED, HOUR);
        f.block(ETH, 10, 10, 5, tx(10).pays(1, 0, 1_000));
        f.block(ETH, 11, 11, 9);
        assertEquals(InvoiceStatus.CONFIRMING, status(1));
        f.block(ETH, 12, 12, 10);
        assertEquals(InvoiceStatus.CONFIRMED, status(1));
    }

    @Test
    void shouldExpireAnUnpaidInvoiceAfterExpiryPlusGrace() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        f.newEvents();
        f.tick(HOUR + HOUR - 1);
        assertEquals(List.of(), f.newEvents(), "within the one-hour grace");
        f.tick(2 * HOUR);
        assertEquals(List.of("INVOICE_EXPIRED EXPIRED"), f.newEvents());
    }

    @Test
    void shouldCloseAPartlyPaidInvoiceAsUnderpaid() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR).block(BTC, 1, 1, tx(10).pays(1, 0, 100_000));
        f.newEvents();
        f.tick(2 * HOUR);
        assertEquals(List.of("INVOICE_UNDERPAID UNDERPAID"), f.newEvents());
    }

    @Test
    void shouldKeepConfirmingAPaymentSeenBeforeExpiry() {
        f.open(1, BTC, HALF_BTC, DEFAULT, HOUR).mempool(BTC, tx(10).pays(1, 0, HALF_BTC));
        f.newEvents();
        f.tick(3 * HOUR);
        assertEquals(List.of(), f.newEvents());
        f.block(BTC, 1, 1, tx(10).pays(1, 0, HALF_BTC)).block(BTC, 2, 2).block(BTC, 3, 3);
        assertEquals(InvoiceStatus.CONFIRMED, status(1));
    }

    @Test
    void shouldSendALatePaymentToManualReviewByDefault() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR).tick(2 * HOUR);
        f.newEvents();
        f.block(BTC, 1, 1, tx(10).pays(1, 0, 500_000));
        assertEquals(List.of("LATE_PAYMENT MANUAL_REVIEW", "INVOICE_MANUAL_REVIEW MANUAL_REVIEW"), f.newEvents());
    }

    @Test
    void shouldAcceptALatePaymentWhenThePolicySaysSo() {
        f.open(1, BTC, 500_000, "tolerant-accept", HOUR).tick(2 * HOUR);
        f.newEvents();
        f.block(BTC, 1, 1, tx(10).pays(1, 0, 500_000));
        assertEquals(List.of("LATE_PAYMENT CONFIRMED", "INVOICE_CONFIRMED CONFIRMED"), f.newEvents());
    }

    @Test
    void shouldIgnoreALatePaymentWhenThePolicySaysSo() {
        f.open(1, BTC, 500_000, "strict-ignore", HOUR).tick(HOUR);
        f.newEvents();
        f.block(BTC, 1, 1, tx(10).pays(1, 0, 500_000)).block(BTC, 2, 2).block(BTC, 3, 3);
        assertEquals(List.of("LATE_PAYMENT EXPIRED"), f.newEvents());
        assertEquals(0, f.engine.invoice(1).receivedLo());
    }

    @Test
    void shouldReportButNeverCountAPaymentToACancelledInvoice() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR).cancel(1);
        assertEquals(List.of("INVOICE_OPENED AWAITING_PAYMENT", "INVOICE_CANCELLED CANCELLED"), f.newEvents());
        f.block(BTC, 1, 1, tx(10).pays(1, 0, 500_000));
        assertEquals(List.of("LATE_PAYMENT CANCELLED"), f.newEvents());
        assertEquals(0, f.engine.invoice(1).receivedLo());
    }

    @Test
    void shouldRefuseToCancelAnInvoiceWithACountedPayment() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR).mempool(BTC, tx(10).pays(1, 0, 1_000));
        assertFalse(f.engine.cancel(1));
        assertEquals(InvoiceStatus.UNDERPAID, status(1));
    }

    @Test
    void shouldAcceptAnUnderpaymentWithinTheTolerance() {
        f.open(1, BTC, 1_000_000, "tolerant-accept", HOUR);
        f.block(BTC, 1, 1, tx(10).pays(1, 0, 990_000));
        assertEquals(InvoiceStatus.CONFIRMED, status(1), "1 % tolerance accepts 990,000 of 1,000,000");
        f.open(2, BTC, 1_000_000, "tolerant-accept", HOUR);
        f.block(BTC, 2, 2, tx(11).pays(2, 0, 989_999));
        assertEquals(InvoiceStatus.UNDERPAID, status(2));
    }

    @Test
    void shouldSendInvoicesAboveTheReviewThresholdToManualReview() {
        f.open(1, BTC, 200_000_000, "review-big", HOUR);
        f.block(BTC, 1, 1, tx(10).pays(1, 0, 200_000_000)).block(BTC, 2, 2).block(BTC, 3, 3);
        assertEquals(InvoiceStatus.CONFIRMING, status(1));
        f.newEvents();
        f.block(BTC, 4, 4);
        assertEquals(List.of("INVOICE_MANUAL_REVIEW MANUAL_REVIEW"), f.newEvents());
    }

    @Test
    void shouldConfirmAfterALatePaymentThatForcedReviewIsDoubleSpent() {
        // Found by the full-size property test (seed 1592655990): the invoice left MANUAL_REVIEW for
        // CONFIRMING without a payment entering a block, and later blocks must still confirm it.
        f.open(1, BTC, HALF_BTC, DEFAULT, HOUR).mempool(BTC, tx(10).pays(1, 0, HALF_BTC)).tick(2 * HOUR).gone(BTC, tx(10));
        assertEquals(InvoiceStatus.EXPIRED, status(1));
        f.mempool(BTC, tx(11).pays(1, 0, 1_000).spends(50, 0));
        f.block(BTC, 1, 1, tx(10).pays(1, 0, HALF_BTC));
        assertEquals(InvoiceStatus.MANUAL_REVIEW, status(1));
        f.block(BTC, 2, 2, tx(12).spends(50, 0));
        assertEquals(InvoiceStatus.CONFIRMING, status(1), "the late payment is gone, the on-time one has 2 of 3");
        f.newEvents();
        f.block(BTC, 3, 3);
        assertEquals(List.of("INVOICE_CONFIRMED CONFIRMED"), f.newEvents());
    }

    @Test
    void shouldIgnoreOutputsOfAnotherChainOrAnUnknownSlot() {
        f.open(1, BTC, 500_000, DEFAULT, HOUR);
        f.newEvents();
        f.block(ETH, 1, 1, tx(10).pays(1, 0, 500_000));
        f.block(BTC, 1, 1, tx(11).pays(99, 0, 500_000));
        assertEquals(List.of(), f.newEvents());
    }

    @Test
    void shouldProduceTheSameEventsWhenReplayed() {
        final EngineFixture other = new EngineFixture();
        for (EngineFixture x : new EngineFixture[] {f, other}) {
            x.open(1, BTC, HALF_BTC, DEFAULT, HOUR).mempool(BTC, tx(10).pays(1, 0, HALF_BTC).spends(5, 0))
                .block(BTC, 1, 1, tx(10).pays(1, 0, HALF_BTC)).disconnect(BTC, 1, 1).block(BTC, 1, 2, tx(11).spends(5, 0))
                .tick(5 * HOUR);
        }
        assertEquals(f.recorder.events, other.recorder.events);
        assertTrue(f.recorder.events.size() > 4);
    }
}
