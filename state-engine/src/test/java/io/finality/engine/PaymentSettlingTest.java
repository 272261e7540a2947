package io.finality.engine;

import static io.finality.engine.EngineFixture.tx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.event.InvoiceStatus;
import io.finality.core.ring.MatchList;
import io.finality.core.test.TestScale;
import io.finality.engine.model.InvoiceSpec;
import io.finality.engine.policy.PolicyBook;
import java.util.List;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Settling: deep payments fold into their invoice's totals and their records are recycled, without
 * changing a single event, and snapshots carry the settled state.
 */
class PaymentSettlingTest {
    private static final ChainId BTC = ChainId.BITCOIN_REGTEST;
    private static final ChainId ETH = ChainId.ETHEREUM_DEV;
    private static final long HOUR = 3_600_000L;
    private static final long HALF_BTC = 50_000_000L;
    private static final int RETENTION = 8;

    private final EngineFixture f = new EngineFixture(EngineMatchesReferenceModelTest.policies(), RETENTION);

    @Test
    void shouldSettleAPaymentOnceItIsDeepEnoughEvenAfterTheDeepestHandledReorg() {
        f.open(1, BTC, HALF_BTC, PolicyBook.BITCOIN_DEFAULT, HOUR);
        f.block(BTC, 1, 1, tx(10).pays(1, 0, HALF_BTC));
        // 3 confirmations needed: settled once tip - retention - 1 + 1 >= 3, i.e. at tip 11; pruning runs on even tips.
        for (int h = 2; h <= 10; h++) {
            f.block(BTC, h, h);
        }
        assertEquals(0, f.engine.settledPayments(), "at tip 10 a reorg of 8 would leave 2 confirmations");
        assertEquals(1, f.engine.invoice(1).paymentCount());
        f.block(BTC, 11, 11).block(BTC, 12, 12);
        assertEquals(1, f.engine.settledPayments());
        assertEquals(0, f.engine.invoice(1).paymentCount(), "the record left the invoice");
        assertEquals(1, f.engine.invoice(1).settledCount());
        assertEquals(HALF_BTC, f.engine.invoice(1).confirmedLo());
        assertTrue(f.engine.invoice(1).hasPaymentInBlock());
        f.newEvents();
        for (int h = 12; h >= 5; h--) {
            f.disconnect(BTC, h, h);
        }
        assertEquals(List.of(), f.newEvents(), "a reorg of the retention cannot touch a settled payment");
        assertEquals(InvoiceStatus.CONFIRMED, f.engine.invoice(1).status());
        assertFalse(f.engine.cancel(1), "a settled payment counts: the invoice cannot be cancelled");
    }

    @Test
    void shouldStillRevertADeepPaymentThatThePolicyNeedsMoreConfirmationsFor() {
        // ethereum-default needs 12 confirmations, more than the retention of 8: an untracked payment
        // can still fall below its policy when the tip goes back, and must be re-evaluated.
        f.open(1, ETH, 1_000, PolicyBook.ETHEREUM_DEFAULT, HOUR);
        f.block(ETH, 1, 1, tx(10).pays(1, 0, 1_000));
        for (int h = 2; h <= 12; h++) {
            f.block(ETH, h, h);
        }
        assertEquals(InvoiceStatus.CONFIRMED, f.engine.invoice(1).status());
        assertFalse(f.engine.invoice(1).payment(0).tracked(), "deeper than the retention: no longer tracked");
        assertEquals(0, f.engine.settledPayments());
        f.newEvents();
        f.disconnect(ETH, 12, 12);
        assertEquals(List.of("CONFIRMATION_REVERTED CONFIRMING"), f.newEvents());
    }

    @Test
    void shouldNeverSettleALatePayment() {
        f.open(1, BTC, HALF_BTC, "tolerant-accept", 1_000);
        f.tick(1_000 + 11 * 60_000);
        assertEquals(InvoiceStatus.EXPIRED, f.engine.invoice(1).status());
        f.block(BTC, 1, 1, tx(10).pays(1, 0, HALF_BTC));
        for (int h = 2; h <= 40; h++) {
            f.block(BTC, h, h);
        }
        assertEquals(0, f.engine.settledPayments());
        assertEquals(1, f.engine.invoice(1).paymentCount());
        assertTrue(f.engine.invoice(1).payment(0).late());
    }

    @Test
    void shouldRecycleRecordsSoThatLivePaymentsStayBounded() {
        final int invoices = 50;
        for (int s = 0; s < invoices; s++) {
            f.open(s, BTC, HALF_BTC, PolicyBook.BITCOIN_DEFAULT, Long.MAX_VALUE / 2);
        }
        int txid = 0;
        final int blocks = 2_000;
        for (int h = 1; h <= blocks; h++) {
            final EngineFixture.Tx a = tx(0).pays(h % invoices, 0, HALF_BTC / 2);
            final EngineFixture.Tx b = tx(0).pays((h * 7) % invoices, 1, HALF_BTC / 2);
            a.txid[1] = (byte)++txid;
            a.txid[2] = (byte)(txid >>> 8);
            b.txid[1] = (byte)++txid;
            b.txid[2] = (byte)(txid >>> 8);
            f.block(BTC, h, h, a, b);
        }
        final long seen = 2L * blocks;
        assertTrue(f.engine.settledPayments() > seen - 2 * (RETENTION + 3 + 2),
            "settled " + f.engine.settledPayments() + " of " + seen);
        // Live records: the last retention + confirmations + pruning period of blocks, 2 payments each.
        assertTrue(f.engine.paymentRecordsCreated() <= 2 * (RETENTION + 3 + 2) + 2,
            "records created: " + f.engine.paymentRecordsCreated() + " for " + seen + " payments");
        long credited = 0;
        for (int s = 0; s < invoices; s++) {
            credited += f.engine.invoice(s).receivedLo();
        }
        assertEquals(seen * (HALF_BTC / 2), credited, "settled amounts are all still counted");
    }

    @Test
    void shouldRestoreSettledStateFromASnapshotAndContinueIdentically() {
        final int scenarios = TestScale.pick(300, 5_000);
        final long base = TestScale.seed(0x5E77_1EL);
        long settledInSnapshots = 0;
        for (int s = 0; s < scenarios; s++) {
            settledInSnapshots += snapshotMidScenario(base + s);
        }
        assertTrue(settledInSnapshots > 0, "no snapshot held a settled payment: the test lost coverage");
    }

    /** Run a scenario; half-way, snapshot engine A into a fresh B; continue both; require the same events and hash. */
    private static long snapshotMidScenario(final long seed) {
        final EventText.Recorder a = new EventText.Recorder();
        final EventText.Recorder b = new EventText.Recorder();
        final InvoiceEngine[] engines = {new InvoiceEngine(EngineMatchesReferenceModelTest.policies(), a, 21), null};
        final long[] calls = {0, 0};
        final int restoreAt = 150 + (int)(Math.abs(seed * 0x9E37_79B9L) % 100);
        final ScenarioGenerator.Target both = new ScenarioGenerator.Target() {
            private void before() {
                if (++calls[0] == restoreAt) {
                    final ExpandableArrayBuffer buf = new ExpandableArrayBuffer(4096);
                    final int n = EngineSnapshot.write(engines[0], new EngineSnapshot.Position(1, 2, 3), buf);
                    engines[1] = new InvoiceEngine(EngineMatchesReferenceModelTest.policies(), b, 21);
                    EngineSnapshot.read(buf, n, engines[1]);
                    assertEquals(EngineSnapshot.stateHash(engines[0]), EngineSnapshot.stateHash(engines[1]), "seed " + seed);
                    for (int slot = 0; slot < engines[0].slotCapacity(); slot++) {
                        if (engines[0].invoice(slot) != null) {
                            calls[1] += engines[0].invoice(slot).settledCount();
                        }
                    }
                    a.events.clear();
                }
            }

            private void each(final java.util.function.Consumer<InvoiceEngine> step) {
                before();
                for (InvoiceEngine e : engines) {
                    if (e != null) {
                        step.accept(e);
                    }
                }
            }

            @Override
            public void open(final InvoiceSpec spec) {
                each(e -> e.open(spec));
            }

            @Override
            public void cancel(final int slot) {
                each(e -> e.cancel(slot));
            }

            @Override
            public void blockConnected(final ChainId chain, final long height, final byte[] hash, final long fin, final MatchList m) {
                each(e -> e.blockConnected(chain, height, new UnsafeBuffer(hash), 0, fin, m));
            }

            @Override
            public void blockDisconnected(final ChainId chain, final long height, final byte[] hash) {
                each(e -> e.blockDisconnected(chain, height, new UnsafeBuffer(hash), 0));
            }

            @Override
            public void blockRescanned(final ChainId chain, final long height, final byte[] hash, final MatchList m) {
                each(e -> e.blockRescanned(chain, height, new UnsafeBuffer(hash), 0, m));
            }

            @Override
            public void mempoolTx(final ChainId chain, final MatchList m) {
                each(e -> e.mempoolTx(chain, m));
            }

            @Override
            public void mempoolTxGone(final ChainId chain, final byte[] txid) {
                each(e -> e.mempoolTxGone(chain, new UnsafeBuffer(txid), 0));
            }

            @Override
            public void tick(final long nowMs) {
                each(e -> e.tick(nowMs));
            }
        };
        new ScenarioGenerator(seed, both).run(400);
        if (engines[1] == null) {
            return 0;
        }
        assertEquals(a.events, b.events, "seed " + seed + ": the restored engine wrote different events");
        assertEquals(EngineSnapshot.stateHash(engines[0]), EngineSnapshot.stateHash(engines[1]), "seed " + seed);
        return calls[1];
    }

    @Test
    void shouldReadAVersion1SnapshotAsNothingSettled() {
        assertReadsOldVersion(1);
    }

    @Test
    void shouldReadAVersion2SnapshotWithEveryPaymentChangedAtTheTip() {
        assertReadsOldVersion(2);
    }

    /** Every payment here last changed at the tip, which is what an old snapshot's payments are restored with. */
    private void assertReadsOldVersion(final int version) {
        f.open(1, BTC, HALF_BTC, PolicyBook.BITCOIN_DEFAULT, HOUR).open(2, BTC, 500_000, PolicyBook.BITCOIN_DEFAULT, HOUR);
        f.block(BTC, 1, 1, tx(10).pays(1, 0, HALF_BTC));
        f.mempool(BTC, tx(9).pays(2, 0, 100).spends(3, 1));
        final ExpandableArrayBuffer old = new ExpandableArrayBuffer(4096);
        final int n = EngineSnapshot.write(f.engine, new EngineSnapshot.Position(1, 2, 3), old, version);
        assertEquals(version, old.getInt(4));
        final InvoiceEngine restored = new InvoiceEngine(EngineMatchesReferenceModelTest.policies(), new EventText.Recorder(),
            RETENTION);
        EngineSnapshot.read(old, n, restored);
        assertEquals(EngineSnapshot.stateHash(f.engine), EngineSnapshot.stateHash(restored));
    }
}
