package io.finality.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.event.InvoiceStatus;
import io.finality.core.ring.MatchList;
import io.finality.engine.model.Invoice;
import io.finality.engine.model.InvoiceSpec;
import java.math.BigInteger;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Transactions an attacker or a batch payer can make large: thousands of outputs to one invoice, one output to each of
 * a thousand invoices spending the same inputs, token amounts whose sums saturate. The engine answers them without
 * walking an invoice's payments per payment (docs/BENCHMARKS.md, "A transaction with thousands of outputs"); here it
 * must still write exactly the events of the plain reference model, which walks everything every time.
 */
class LargeTransactionsTest {
    private static final ChainId BTC = ChainId.BITCOIN_REGTEST;
    private static final ChainId ETH = ChainId.ETHEREUM_DEV;
    private static final int RETENTION = EngineMatchesReferenceModelTest.SHORT_RETENTION;
    private static final long HOUR = 3_600_000L;
    private static final int OUTPUTS = 3_000;
    private static final long DUST = 294;

    private final EngineAndReference both = new EngineAndReference(EngineMatchesReferenceModelTest.policies(), RETENTION);

    @Test
    void shouldCountEachOfThousandsOfOutputsToOneInvoiceOnceAsTheModelDoes() {
        both.tick(0);
        both.open(spec(1, BTC, null, 500_000, HOUR));
        final MatchList dust = new MatchList(OUTPUTS);
        for (int i = 0; i < OUTPUTS; i++) {
            dust.addOutput(0, txid(10), 0, i, 0, DUST, 1, 0);
        }
        spend(dust, 10, 90, 0);
        spend(dust, 10, 90, 1);
        both.mempoolTx(BTC, dust);
        both.mempoolTx(BTC, dust);
        assertEquals(OUTPUTS * DUST, received(1).longValueExact(), "each output once, however often it is seen");
        both.blockConnected(BTC, 1, hash(1), -1, dust);
        connectEmpty(2, 3);
        // a reorg three deep: every output reverted, then mined again one block later
        for (int h = 3; h >= 1; h--) {
            both.blockDisconnected(BTC, h, hash(h));
        }
        assertEquals(0, received(1).signum(), "reverted payments do not count");
        both.blockConnected(BTC, 1, hash(101), -1, new MatchList(4));
        both.blockConnected(BTC, 2, hash(102), -1, dust);
        // then more dust after the invoice is confirmed, and blocks until all of it settles
        final MatchList more = new MatchList(64);
        for (int i = 0; i < 50; i++) {
            more.addOutput(0, txid(11), 0, i, 0, DUST, 1, 0);
        }
        both.mempoolTx(BTC, more);
        connectEmpty(3, 3);
        both.blockConnected(BTC, 4, hash(4), -1, more);
        connectEmpty(5, 2 + RETENTION + 8);
        final int events = both.assertSameEvents("thousands of outputs to one invoice");
        assertTrue(events > 4 * OUTPUTS, events + " events");
        assertEquals(OUTPUTS + 50, both.engine.settledPayments(), "every output settled once");
        final Invoice inv = both.engine.invoice(1);
        assertEquals(0, inv.paymentCount());
        assertEquals((OUTPUTS + 50) * DUST, received(1).longValueExact());
        assertEquals(InvoiceStatus.CONFIRMED, inv.status());
    }

    @Test
    void shouldLearnABatchPayoutsInputsOnceAndInvalidateEveryPaymentWhenOneIsSpentElsewhere() {
        final int invoices = 1_000;
        final int inputs = 10;
        both.tick(0);
        for (int s = 0; s < invoices; s++) {
            both.open(spec(s, BTC, null, 500_000, HOUR));
        }
        final MatchList payout = new MatchList(invoices);
        for (int s = 0; s < invoices; s++) {
            payout.addOutput(0, txid(20), 0, s, 0, 500_000, s, 0);
        }
        for (int i = 0; i < inputs; i++) {
            spend(payout, 20, 91, i);
        }
        both.mempoolTx(BTC, payout);
        both.mempoolTx(BTC, payout);
        // the transaction's inputs are learned once, by one of its payments, not once per payment
        int held = 0;
        int holders = 0;
        for (int s = 0; s < invoices; s++) {
            final int count = both.engine.payment(s, new UnsafeBuffer(txid(20)), 0, s).inputCount();
            held += count;
            holders += count > 0 ? 1 : 0;
        }
        assertEquals(inputs, held);
        assertEquals(1, holders);
        final MatchList conflict = new MatchList(4);
        spend(conflict, 21, 91, inputs - 3);
        both.blockConnected(BTC, 1, hash(1), -1, conflict);
        both.assertSameEvents("a batch payout double-spent");
        final long invalidated = both.recorder.events.stream().filter(e -> e.startsWith("PAYMENT_INVALIDATED")).count();
        assertEquals(invoices, invalidated);
        for (int s = 0; s < invoices; s++) {
            assertEquals(InvoiceStatus.AWAITING_PAYMENT, both.engine.invoice(s).status());
        }
    }

    @Test
    void shouldHandATransactionsInputsOnWhenThePaymentHoldingThemIsPrunedAndStillCatchAConflict() {
        both.tick(0);
        both.open(spec(1, BTC, null, 500_000, 100 * HOUR));
        final MatchList mined = new MatchList(4);
        mined.addOutput(0, txid(50), 0, 0, 0, 500_000, 1, 0);
        spend(mined, 50, 93, 0);
        both.blockConnected(BTC, 1, hash(1), -1, mined);
        // a node announces the mined transaction again, now with an output to an invoice opened since: a second
        // payment of the transaction, in the mempool, that outlives the first's pruning
        both.open(spec(2, BTC, null, 500_000, 100 * HOUR));
        final MatchList again = new MatchList(4);
        again.addOutput(0, txid(50), 0, 0, 0, 500_000, 1, 0);
        again.addOutput(0, txid(50), 0, 1, 0, 500_000, 2, 0);
        spend(again, 50, 93, 0);
        both.mempoolTx(BTC, again);
        connectEmpty(2, 2 + RETENTION + 8);
        assertEquals(1, both.engine.settledPayments(), "the mined payment is settled, the mempool one still tracked");
        final MatchList conflict = new MatchList(4);
        spend(conflict, 51, 93, 0);
        both.mempoolTx(BTC, conflict);
        both.assertSameEvents("inputs handed on at pruning");
        assertEquals("PAYMENT_INVALIDATED", both.recorder.events.get(both.recorder.events.size() - 1).split(" ")[0]);
    }

    @Test
    void shouldInvalidateThousandsOfPaymentsOfADroppedOrReplacedTransactionInTrackingOrder() {
        both.tick(0);
        for (int s = 0; s < 3; s++) {
            both.open(spec(s, BTC, null, 500_000, HOUR));
        }
        // two large transactions spread over three invoices; the node drops one, and a replacement spends the other's input
        final MatchList dropped = new MatchList(OUTPUTS);
        final MatchList replaced = new MatchList(OUTPUTS);
        for (int i = 0; i < OUTPUTS; i++) {
            dropped.addOutput(0, txid(40), 0, i, 0, DUST, i % 3, 0);
            replaced.addOutput(0, txid(41), 0, i, 0, DUST, (i / 7) % 3, 0);
        }
        spend(replaced, 41, 92, 4);
        both.mempoolTx(BTC, dropped);
        both.mempoolTx(BTC, replaced);
        both.mempoolTxGone(BTC, EngineFixture.id(40));
        final MatchList replacement = new MatchList(4);
        replacement.addOutput(0, txid(42), 0, 0, 0, 500_000, 2, 0);
        spend(replacement, 42, 92, 4);
        both.mempoolTx(BTC, replacement);
        both.assertSameEvents("large transactions dropped and replaced");
        final long invalidated = both.recorder.events.stream().filter(e -> e.startsWith("PAYMENT_INVALIDATED")).count();
        assertEquals(2 * OUTPUTS, invalidated);
        assertEquals(BigInteger.valueOf(500_000), received(2));
    }

    @Test
    void shouldBringSaturatedTotalsBackExactlyWhenHugeTokenPaymentsLeave() {
        both.tick(0);
        both.open(spec(1, ETH, ScenarioGenerator.TOKEN, 1_000, HOUR));
        final long twoTo127Hi = Long.MIN_VALUE;
        final BigInteger max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
        final BigInteger twoTo127 = BigInteger.ONE.shiftLeft(127);
        // within one step: no block between the changes, so nothing but the saturation forces a walk
        final MatchList huge = token(30, twoTo127Hi, 0);
        final int second = huge.addOutput(0, txid(30), 0, 1, twoTo127Hi, 5, 1, MatchList.FLAG_TOKEN);
        huge.putTokenContract(second, new UnsafeBuffer(ScenarioGenerator.TOKEN), 0);
        both.mempoolTx(ETH, huge);
        assertEquals(max, received(1), "2^127 + 2^127 + 5 saturates");
        both.mempoolTx(ETH, token(31, 0, 1_000));
        both.mempoolTxGone(ETH, EngineFixture.id(30));
        assertEquals(BigInteger.valueOf(1_000), received(1), "exactly what is left once both huge ones are dropped");
        // across blocks and a reorg
        both.blockConnected(ETH, 1, hash(1), -1, token(32, twoTo127Hi, 0));
        both.blockConnected(ETH, 2, hash(2), -1, token(33, twoTo127Hi, 5));
        assertEquals(max, received(1));
        both.blockDisconnected(ETH, 2, hash(2));
        assertEquals(twoTo127.add(BigInteger.valueOf(1_000)), received(1), "the first block's payment and the mempool's");
        both.assertSameEvents("saturated token totals");
    }

    private BigInteger received(final int slot) {
        final Invoice inv = both.engine.invoice(slot);
        return new io.finality.core.amount.U128(inv.receivedHi(), inv.receivedLo()).toBigInteger();
    }

    private void connectEmpty(final long from, final long to) {
        for (long h = from; h <= to; h++) {
            both.blockConnected(BTC, h, hash(h), -1, new MatchList(4));
        }
    }

    private static MatchList token(final int tx, final long hi, final long lo) {
        final MatchList m = new MatchList(4);
        final int i = m.addOutput(0, txid(tx), 0, 0, hi, lo, 1, MatchList.FLAG_TOKEN);
        m.putTokenContract(i, new UnsafeBuffer(ScenarioGenerator.TOKEN), 0);
        return m;
    }

    private static void spend(final MatchList m, final int tx, final int prevTx, final int prevIndex) {
        m.addSpend(txid(tx), 0, txid(prevTx), 0, prevIndex);
    }

    private static InvoiceSpec spec(final int slot, final ChainId chain, final byte[] token, final long due, final long expires) {
        return new InvoiceSpec(slot, "inv-" + slot, chain, token, 0, due, expires, "", "o" + slot, "c" + slot);
    }

    private static UnsafeBuffer txid(final int n) {
        return new UnsafeBuffer(EngineFixture.id(n));
    }

    private static byte[] hash(final long n) {
        final byte[] h = new byte[32];
        h[0] = (byte)n;
        h[1] = (byte)(n >>> 8);
        h[31] = 0x7b;
        return h;
    }
}
