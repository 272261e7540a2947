package io.finality.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.MatchList;
import io.finality.core.test.TestScale;
import io.finality.engine.model.InvoiceSpec;
import io.finality.engine.policy.ConfirmationPolicy;
import io.finality.engine.policy.LatePaymentAction;
import io.finality.engine.policy.PolicyBook;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Property test: the engine and the plain reference model, driven by the same seeded random
 * scenarios, must write identical event sequences. CI runs {@value #CI_SCENARIOS} scenarios;
 * {@code -Pfull} runs {@value #FULL_SCENARIOS}. A failure prints the seed and the first divergence;
 * rerun one with {@code -Dfinality.seed=<seed>}.
 */
class EngineMatchesReferenceModelTest {
    static final int CI_SCENARIOS = 10_000;
    static final int FULL_SCENARIOS = 100_000;
    static final int SHORT_RETENTION = 21;
    private static long settled;
    private static long rescansWithEvents;

    static PolicyBook policies() {
        return PolicyBook.withDefaults()
            .add(ConfirmationPolicy.builder("tolerant-accept").tier(0, 1_000_000, 1).defaultConfirmations(2)
                .toleranceBps(100).graceMs(10 * 60_000).lateAction(LatePaymentAction.ACCEPT).build())
            .add(ConfirmationPolicy.builder("strict-ignore").defaultConfirmations(3).graceMs(0)
                .lateAction(LatePaymentAction.IGNORE).build())
            .add(ConfirmationPolicy.builder("review-big").tier(0, 1_000_000, 1).defaultConfirmations(4)
                .reviewThreshold(0, 100_000_000).build())
            // Token invoices on the Ethereum chain that name no policy get their asset's default.
            .defaultFor(ScenarioGenerator.ETH, ScenarioGenerator.TOKEN, "tolerant-accept");
    }

    @Test
    void shouldWriteTheSameEventsAsTheReferenceModelOnRandomScenarios() {
        final String fixed = System.getProperty("finality.seed");
        final int scenarios = fixed != null ? 1 : TestScale.pick(CI_SCENARIOS, FULL_SCENARIOS);
        final long base = TestScale.seed(0x5EED_F1A1L);
        settled = 0;
        rescansWithEvents = 0;
        long events = 0;
        final java.util.Map<String, Integer> byType = new java.util.TreeMap<>();
        for (int s = 0; s < scenarios; s++) {
            final long seed = fixed != null ? base : base + s;
            events += runScenario(seed, 150, byType);
        }
        System.out.printf("%d scenarios, %d events compared, %d payments settled, %d rescans found payments: %s%n", scenarios, events,
            settled, rescansWithEvents, byType);
        if (fixed == null) {
            org.junit.jupiter.api.Assertions.assertTrue(settled > scenarios / 10,
                "only " + settled + " payments settled: the scenarios no longer exercise settling");
            org.junit.jupiter.api.Assertions.assertTrue(rescansWithEvents > scenarios / 10,
                "only " + rescansWithEvents + " rescans found a payment: the scenarios no longer exercise rescans");
            for (io.finality.core.event.PaymentEventType type : io.finality.core.event.PaymentEventType.values()) {
                org.junit.jupiter.api.Assertions.assertTrue(byType.getOrDefault(type.name(), 0) > 0,
                    "the scenarios never produced " + type + ": the generator lost coverage");
            }
        }
    }

    static int runScenario(final long seed, final int steps, final java.util.Map<String, Integer> byType) {
        final EventText.Recorder recorder = new EventText.Recorder();
        // Odd seeds prune tracked payments 21 blocks deep: deeper than any reorg the generator makes (20),
        // so the result must not change, and pruning, index removal and settling (folding deep payments
        // into their invoice's totals and recycling their records) get exercised.
        final InvoiceEngine engine = (seed & 1) == 0 ? new InvoiceEngine(policies(), recorder)
            : new InvoiceEngine(policies(), recorder, SHORT_RETENTION);
        final ReferenceModel reference = new ReferenceModel(policies(),
            (seed & 1) == 0 ? InvoiceEngine.DEFAULT_REORG_RETENTION_BLOCKS : SHORT_RETENTION);
        final ScenarioGenerator.Target both = new ScenarioGenerator.Target() {
            @Override
            public void open(final InvoiceSpec spec) {
                engine.open(spec);
                reference.open(spec);
            }

            @Override
            public void cancel(final int slot) {
                engine.cancel(slot);
                reference.cancel(slot);
            }

            @Override
            public void blockConnected(final ChainId chain, final long height, final byte[] hash, final long fin, final MatchList m) {
                engine.blockConnected(chain, height, new UnsafeBuffer(hash), 0, fin, m);
                reference.blockConnected(chain, height, io.finality.core.buffer.Hex.toHex(hash), fin, m);
            }

            @Override
            public void blockDisconnected(final ChainId chain, final long height, final byte[] hash) {
                engine.blockDisconnected(chain, height, new UnsafeBuffer(hash), 0);
                reference.blockDisconnected(chain, height, io.finality.core.buffer.Hex.toHex(hash));
            }

            @Override
            public void blockRescanned(final ChainId chain, final long height, final byte[] hash, final MatchList m) {
                final int before = recorder.events.size();
                engine.blockRescanned(chain, height, new UnsafeBuffer(hash), 0, m);
                if (recorder.events.size() > before) {
                    rescansWithEvents++;
                }
                reference.blockRescanned(chain, height, io.finality.core.buffer.Hex.toHex(hash), m);
            }

            @Override
            public void mempoolTx(final ChainId chain, final MatchList m) {
                engine.mempoolTx(chain, m);
                reference.mempoolTx(chain, m);
            }

            @Override
            public void mempoolTxGone(final ChainId chain, final byte[] txid) {
                engine.mempoolTxGone(chain, new UnsafeBuffer(txid), 0);
                reference.mempoolTxGone(chain, io.finality.core.buffer.Hex.toHex(txid));
            }

            @Override
            public void tick(final long nowMs) {
                engine.tick(nowMs);
                reference.tick(nowMs);
            }
        };
        new ScenarioGenerator(seed, both).run(steps);
        settled += engine.settledPayments();
        final int n = Math.min(recorder.events.size(), reference.events.size());
        for (int i = 0; i < n; i++) {
            if (!recorder.events.get(i).equals(reference.events.get(i))) {
                fail("seed " + seed + ": event " + i + " differs\n  engine:    " + recorder.events.get(i)
                    + "\n  reference: " + reference.events.get(i)
                    + "\n  rerun with -Dfinality.seed=" + seed);
            }
        }
        for (String e : recorder.events) {
            byType.merge(e.substring(0, e.indexOf(' ')), 1, Integer::sum);
        }
        final List<String> longer = reference.events.size() > n ? reference.events : recorder.events;
        assertEquals(reference.events.size(), recorder.events.size(),
            "seed " + seed + ": event counts differ after event " + n + "; only the "
                + (longer == reference.events ? "reference" : "engine") + " wrote " + longer.subList(n, longer.size())
                + "; rerun with -Dfinality.seed=" + seed);
        return n;
    }
}
