package io.finality.engine;

import io.finality.core.test.TestScale;
import io.finality.engine.policy.ConfirmationPolicy;
import io.finality.engine.policy.LatePaymentAction;
import io.finality.engine.policy.PolicyBook;
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
    /** With the short retention: stuck Bitcoin mempool payments expire within a scenario. */
    static final int SHORT_MEMPOOL_EXPIRY = 12;
    private static long settled;
    private static long rescansWithEvents;
    private static long retired;
    private static long seenAfterRetiring;
    private static long mempoolExpired;

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
        retired = 0;
        seenAfterRetiring = 0;
        mempoolExpired = 0;
        long events = 0;
        final java.util.Map<String, Integer> byType = new java.util.TreeMap<>();
        for (int s = 0; s < scenarios; s++) {
            final long seed = fixed != null ? base : base + s;
            events += runScenario(seed, 150, byType);
        }
        System.out.printf("%d scenarios, %d events compared, %d payments settled, %d retired (%d seen again after), "
            + "%d expired from the mempool, %d rescans found payments: %s%n", scenarios, events, settled, retired, seenAfterRetiring,
            mempoolExpired, rescansWithEvents, byType);
        if (fixed == null) {
            org.junit.jupiter.api.Assertions.assertTrue(settled > scenarios / 10,
                "only " + settled + " payments settled: the scenarios no longer exercise settling");
            org.junit.jupiter.api.Assertions.assertTrue(retired > scenarios / 10,
                "only " + retired + " payments retired: the scenarios no longer exercise retiring");
            org.junit.jupiter.api.Assertions.assertTrue(seenAfterRetiring > scenarios / 100,
                "only " + seenAfterRetiring + " outputs seen again after retiring: the scenarios no longer exercise it");
            org.junit.jupiter.api.Assertions.assertTrue(mempoolExpired > scenarios / 100,
                "only " + mempoolExpired + " mempool payments expired: the scenarios no longer exercise the mempool expiry");
            org.junit.jupiter.api.Assertions.assertTrue(rescansWithEvents > scenarios / 10,
                "only " + rescansWithEvents + " rescans found a payment: the scenarios no longer exercise rescans");
            for (io.finality.core.event.PaymentEventType type : io.finality.core.event.PaymentEventType.values()) {
                org.junit.jupiter.api.Assertions.assertTrue(byType.getOrDefault(type.name(), 0) > 0,
                    "the scenarios never produced " + type + ": the generator lost coverage");
            }
        }
    }

    static int runScenario(final long seed, final int steps, final java.util.Map<String, Integer> byType) {
        // Odd seeds prune tracked payments 21 blocks deep: deeper than any reorg the generator makes (20),
        // so the result must not change, and pruning, index removal and settling (folding deep payments
        // into their invoice's totals and recycling their records) get exercised.
        final boolean odd = (seed & 1) != 0;
        final EngineAndReference both = new EngineAndReference(policies(),
            odd ? SHORT_RETENTION : InvoiceEngine.DEFAULT_REORG_RETENTION_BLOCKS,
            odd ? SHORT_MEMPOOL_EXPIRY : InvoiceEngine.DEFAULT_MEMPOOL_EXPIRY_BLOCKS);
        new ScenarioGenerator(seed, both).run(steps);
        settled += both.engine.settledPayments();
        retired += both.engine.retiredPayments();
        seenAfterRetiring += both.reference.seenAfterRetiring;
        rescansWithEvents += both.rescansWithEvents;
        final int n = both.assertSameEvents("seed " + seed + " (rerun with -Dfinality.seed=" + seed + ")");
        for (String e : both.recorder.events) {
            byType.merge(e.substring(0, e.indexOf(' ')), 1, Integer::sum);
            if (e.contains(InvoiceEngine.REASON_MEMPOOL_EXPIRED)) {
                mempoolExpired++;
            }
        }
        return n;
    }
}
