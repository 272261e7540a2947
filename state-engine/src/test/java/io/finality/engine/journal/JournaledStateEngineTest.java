package io.finality.engine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.event.PaymentEventType;
import io.finality.core.ring.ChainEvent;
import io.finality.engine.ScenarioGeneratorAccess;
import io.finality.engine.policy.ConfirmationPolicy;
import io.finality.engine.policy.PolicyBook;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournaledStateEngineTest {
    private static final long SEED = 42;

    static JournaledStateEngine engine(final Path dir, final long snapshotEvery) {
        return engine(dir, snapshotEvery, ScenarioGeneratorAccess.policies());
    }

    static JournaledStateEngine engine(final Path dir, final long snapshotEvery, final PolicyBook policies) {
        return new JournaledStateEngine(policies,
            new JournalContext().directory(dir.resolve("journal")).snapshotEverySteps(snapshotEvery)
                .durability(JournalContext.Durability.NONE),
            new FileSnapshotStore(dir.resolve("engine.snapshot")));
    }

    static void play(final JournaledStateEngine engine, final List<ChainEvent> slots, final int from, final int to) {
        for (int i = from; i < to; i++) {
            engine.onStep(slots.get(i), i, true);
        }
    }

    /** Every event of the journal as "sequence type" strings, checking the sequence is gap-free from 1. */
    static List<String> events(final EventJournal journal) {
        final List<String> out = new ArrayList<>();
        try (EventTailer tailer = new EventTailer(journal, 1)) {
            while (tailer.poll(e -> out.add(e.sequence() + " " + e.eventType() + " " + e.status()), 100) > 0) {
                assertEquals(out.size() + 1, tailer.nextSequence(), "sequences must be gap-free from 1");
            }
        }
        return out;
    }

    @Test
    void shouldJournalEveryStepWithGapFreeSequencesAndResumeAfterARestart(@TempDir final Path dir) {
        final List<ChainEvent> slots = SlotScript.of(SEED, 300);
        final List<String> expected;
        final String expectedHash;
        try (JournaledStateEngine once = engine(dir.resolve("once"), 0)) {
            play(once, slots, 0, slots.size());
            expected = events(once.journal());
            expectedHash = once.stateHash();
        }
        assertTrue(expected.size() > 100, "scenario too small: " + expected.size());

        final Path twice = dir.resolve("twice");
        try (JournaledStateEngine first = engine(twice, 0)) {
            play(first, slots, 0, slots.size() / 2);
        }
        try (JournaledStateEngine second = engine(twice, 0)) {
            assertEquals(slots.size() / 2, second.stepSequence());
            play(second, slots, (int)second.stepSequence(), slots.size());
            assertEquals(expected, events(second.journal()));
            assertEquals(expectedHash, second.stateHash());
        }
    }

    @Test
    void shouldRestoreASnapshotAndReplayTheJournalTailToTheSameStateHash(@TempDir final Path dir) {
        final List<ChainEvent> slots = SlotScript.of(SEED + 1, 400);
        final String hash;
        final long steps;
        final long nextSequence;
        // Snapshot every 37 steps and never on shutdown, so recovery must replay a tail.
        final JournaledStateEngine live = engine(dir, 37);
        play(live, slots, 0, slots.size());
        hash = live.stateHash();
        steps = live.stepSequence();
        nextSequence = live.nextEventSequence();
        live.journal().close();

        try (JournaledStateEngine recovered = engine(dir, 37)) {
            assertEquals(steps, recovered.stepSequence());
            assertEquals(nextSequence, recovered.nextEventSequence());
            assertEquals(hash, recovered.stateHash(), "snapshot + replay must rebuild the same state");
        }
    }

    @Test
    void shouldRefuseToStartWhenReplayWouldDivergeFromTheJournal(@TempDir final Path dir) {
        final List<ChainEvent> slots = SlotScript.of(SEED + 2, 200);
        final JournaledStateEngine live = engine(dir, 0);
        play(live, slots, 0, slots.size());
        live.journal().close();
        // The operator changed a policy without a clean shutdown: the tail would replay differently.
        final PolicyBook changed = ScenarioGeneratorAccess.policies()
            .add(ConfirmationPolicy.builder(PolicyBook.BITCOIN_DEFAULT).defaultConfirmations(1).build());
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> engine(dir, 0, changed));
        assertTrue(ex.getMessage().contains("journal replay diverged"), ex.getMessage());
    }

    @Test
    void shouldLetATailerStartFromAnySequence(@TempDir final Path dir) {
        final List<ChainEvent> slots = SlotScript.of(SEED + 3, 200);
        try (JournaledStateEngine live = engine(dir, 0)) {
            play(live, slots, 0, slots.size());
            final List<String> all = events(live.journal());
            final List<String> tail = new ArrayList<>();
            try (EventTailer tailer = new EventTailer(live.journal(), 50)) {
                while (tailer.poll(e -> tail.add(e.sequence() + " " + e.eventType() + " " + e.status()), 10) > 0) {
                    assertTrue(tail.size() <= all.size());
                }
            }
            assertEquals(all.subList(49, all.size()), tail);
        }
    }

    @Test
    void shouldResumeANamedTailerWhereItStoppedAcrossAReopen(@TempDir final Path dir) {
        final List<ChainEvent> slots = SlotScript.of(SEED + 5, 200);
        final List<String> all;
        try (JournaledStateEngine live = engine(dir, 0)) {
            play(live, slots, 0, slots.size());
            all = events(live.journal());
        }
        final List<String> seen = new ArrayList<>();
        try (EventJournal journal = EventJournal.open(new JournalContext().directory(dir.resolve("journal")));
            EventTailer first = EventTailer.named(journal, "gateway")) {
            first.poll(e -> seen.add(e.sequence() + " " + e.eventType() + " " + e.status()), 20);
        }
        final int afterFirst = seen.size();
        assertTrue(afterFirst > 0 && afterFirst < all.size());
        try (EventJournal journal = EventJournal.open(new JournalContext().directory(dir.resolve("journal")));
            EventTailer second = EventTailer.named(journal, "gateway")) {
            while (second.poll(e -> seen.add(e.sequence() + " " + e.eventType() + " " + e.status()), 50) > 0) {
                assertTrue(seen.size() <= all.size());
            }
        }
        assertEquals(all, seen, "the named cursor resumed exactly after the documents it had read");
    }

    @Test
    void shouldJournalRescansOfAppliedBlocksAndRefuseAnyOtherHashWithoutJournalingIt(@TempDir final Path dir) {
        final List<ChainEvent> slots = SlotScript.of(SEED + 7, 400);
        final long scripted = slots.stream().filter(e -> e.kind() == io.finality.core.ring.EventKind.BLOCK_RESCANNED).count();
        try (JournaledStateEngine live = engine(dir, 0)) {
            play(live, slots, 0, slots.size());
            assertTrue(scripted > 5, "the scenario has too few rescans: " + scripted);
            assertEquals(scripted, live.rescannedBlocks(), "every scripted rescan reads a block still on the chain");
            assertEquals(0, live.refusedRescans());
            final io.finality.core.chain.ChainId chain = io.finality.core.chain.ChainId.BITCOIN_REGTEST;
            final ChainPosition position = live.chainPosition(chain);
            final long steps = live.stepSequence();
            final ChainEvent stale = new ChainEvent(64, 4096, 4).reset(io.finality.core.ring.EventKind.BLOCK_RESCANNED, chain)
                .height(position.tipHeight());
            stale.blockHash().putBytes(0, new byte[32]);
            live.onStep(stale, steps, true);
            assertEquals(1, live.refusedRescans(), "a hash that is not the applied block's at that height");
            final ChainEvent above = new ChainEvent(64, 4096, 4).reset(io.finality.core.ring.EventKind.BLOCK_RESCANNED, chain)
                .height(position.tipHeight() + 1);
            above.blockHash().putBytes(0, position.tipHash());
            live.onStep(above, steps + 1, true);
            assertEquals(2, live.refusedRescans(), "a height above the tip");
            final ChainEvent tip = new ChainEvent(64, 4096, 4).reset(io.finality.core.ring.EventKind.BLOCK_RESCANNED, chain)
                .height(position.tipHeight());
            tip.blockHash().putBytes(0, position.tipHash());
            live.onStep(tip, steps + 2, true);
            assertEquals(steps + 1, live.stepSequence(), "only the rescan of the applied tip is journaled");
        }
        // and the journal with its rescans replays to the same state
        try (JournaledStateEngine reopened = engine(dir, 0)) {
            assertEquals(slots.size() + 1, reopened.stepSequence());
        }
    }

    @Test
    void shouldRefuseAMalformedInvoiceCommandWithoutJournalingIt(@TempDir final Path dir) {
        try (JournaledStateEngine live = engine(dir, 0)) {
            final ChainEvent bad = new ChainEvent(64, 4096, 4).reset(io.finality.core.ring.EventKind.INVOICE_OPEN,
                io.finality.core.chain.ChainId.BITCOIN_REGTEST);
            bad.payload(new byte[] {9, 9, 9}, 0, 3);
            live.onStep(bad, 0, true);
            assertEquals(1, live.malformedInputs());
            assertEquals(0, live.stepSequence());
            assertEquals(List.of(), events(live.journal()));
        }
    }

    @Test
    void shouldCarryTheInvoiceReferencesInEveryEvent(@TempDir final Path dir) {
        final List<ChainEvent> slots = SlotScript.of(SEED + 4, 100);
        try (JournaledStateEngine live = engine(dir, 0)) {
            play(live, slots, 0, slots.size());
            final List<String> refs = new ArrayList<>();
            try (EventTailer tailer = new EventTailer(live.journal(), 1)) {
                while (tailer.poll(e -> {
                    final String id = e.invoiceId();
                    final String n = id.substring(id.indexOf('-') + 1);
                    assertEquals("order-" + n, e.orderId());
                    assertEquals("corr-" + n, e.correlationId());
                    refs.add(e.eventType().name());
                }, 100) > 0) {
                    assertTrue(refs.size() > 0);
                }
            }
            assertTrue(refs.contains(PaymentEventType.INVOICE_OPENED.name()));
        }
    }

    @Test
    void shouldJournalTheResolvedDefaultPolicySoReplayIgnoresChangedDefaults(@TempDir final Path dir) {
        final io.finality.core.chain.ChainId eth = io.finality.core.chain.ChainId.ETHEREUM_MAINNET;
        final byte[] usdc = io.finality.core.buffer.Hex.fromHex("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
        final ChainEvent open = new ChainEvent(256, 4096, 4).reset(io.finality.core.ring.EventKind.INVOICE_OPEN, eth);
        final io.finality.engine.model.InvoiceSpec spec = new io.finality.engine.model.InvoiceSpec(7, "inv-7", eth, usdc, 0,
            1_000_000, 3_600_000, "", "order-7", "corr-7");
        open.reservePayload(io.finality.engine.command.InvoiceCommandCodec.encodeOpen(spec, new byte[] {1, 2, 3},
            open.payloadBuffer(), 0));
        final PolicyBook configured = io.finality.engine.PolicyDefaultsAccess.book();
        final JournaledStateEngine live = engine(dir, 0, configured);
        live.onStep(open, 0, true);
        assertEquals("usdc-fast", live.engine().invoice(7).policy().name());
        final String hash = live.stateHash();
        live.journal().close();
        // No snapshot: recovery replays the OPEN from the journal, under defaults that now map USDC elsewhere.
        final PolicyBook changed = io.finality.engine.PolicyDefaultsAccess.book().defaultFor(eth, usdc, "eth-5");
        assertEquals("eth-5", changed.resolve(null, eth, usdc).name());
        try (JournaledStateEngine recovered = engine(dir, 0, changed)) {
            assertEquals(1, recovered.stepSequence());
            assertEquals("usdc-fast", recovered.engine().invoice(7).policy().name(), "replay must use the journaled answer");
            assertEquals(hash, recovered.stateHash());
        }
    }

    @Test
    void shouldRestoreSettledPaymentsFromASnapshotAndReplayToTheSameStateHash(@TempDir final Path dir) {
        // A retention of 21 blocks (deeper than the script's reorgs) so payments settle and records are recycled.
        final List<ChainEvent> slots = SlotScript.of(SEED + 6, 600);
        final java.util.function.Function<Path, JournaledStateEngine> open = d -> new JournaledStateEngine(
            ScenarioGeneratorAccess.policies(), new JournalContext().directory(d.resolve("journal")).snapshotEverySteps(37)
                .durability(JournalContext.Durability.NONE), new FileSnapshotStore(d.resolve("engine.snapshot")), 21);
        final JournaledStateEngine live = open.apply(dir);
        play(live, slots, 0, slots.size());
        assertTrue(live.engine().settledPayments() > 0, "the script settled nothing: the test lost coverage");
        final String hash = live.stateHash();
        final List<String> expected = events(live.journal());
        live.journal().close();
        try (JournaledStateEngine recovered = open.apply(dir)) {
            assertEquals(hash, recovered.stateHash(), "snapshot + replay must rebuild the same settled state");
            assertEquals(expected, events(recovered.journal()));
        }
    }
}
