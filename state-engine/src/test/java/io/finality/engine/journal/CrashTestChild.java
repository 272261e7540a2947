package io.finality.engine.journal;

import io.finality.core.ring.ChainEvent;
import io.finality.engine.ScenarioGeneratorAccess;
import java.nio.file.Path;
import java.util.List;

/**
 * The process the crash test kills: recovers the journaled engine from its directory, then plays
 * the rest of a seeded script, pacing itself so that kills land mid-stream. Prints
 * {@code RECOVERED <step>} after recovery and {@code DONE <stateHash>} at the end.
 */
public final class CrashTestChild {
    private CrashTestChild() {
    }

    public static void main(final String[] args) throws Exception {
        final Path dir = Path.of(args[0]);
        final long seed = Long.parseLong(args[1]);
        final int scenarioSteps = Integer.parseInt(args[2]);
        final long snapshotEvery = Long.parseLong(args[3]);
        final List<ChainEvent> slots = SlotScript.of(seed, scenarioSteps);
        final JournaledStateEngine engine = new JournaledStateEngine(ScenarioGeneratorAccess.policies(),
            new JournalContext().directory(dir.resolve("journal")).snapshotEverySteps(snapshotEvery)
                .durability(JournalContext.Durability.NONE).recoveryTimeoutMs(300),
            new FileSnapshotStore(dir.resolve("engine.snapshot")));
        System.out.println("RECOVERED " + engine.stepSequence());
        System.out.flush();
        for (int i = (int)engine.stepSequence(); i < slots.size(); i++) {
            engine.onStep(slots.get(i), i, true);
            if ((i & 1) == 0) {
                Thread.sleep(1);
            }
        }
        final String hash = engine.stateHash();
        engine.close();
        System.out.println("DONE " + hash);
        System.out.flush();
    }
}
