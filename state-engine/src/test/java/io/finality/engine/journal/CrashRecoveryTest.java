package io.finality.engine.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.ring.ChainEvent;
import io.finality.core.test.TestScale;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery contract: a child JVM runs the journaled engine over a scripted chain with reorgs
 * and is killed with SIGKILL ({@code kill -9}) at random instants, {@value #CI_KILLS} times in CI
 * ({@value #FULL_KILLS} under {@code -Pfull}), then allowed to finish. Its journal must be
 * byte-for-byte the journal of a crash-free run (same events, same order, no gap, no duplicate) and
 * its final state hash the crash-free one.
 */
class CrashRecoveryTest {
    static final int CI_KILLS = 20;
    static final int FULL_KILLS = 200;
    /** Scenario size per kill, so that the kills keep landing while the child is still writing. */
    private static final int STEPS_PER_KILL = 75;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void shouldWriteTheCrashFreeJournalAfterRepeatedKillMinusNine(@TempDir final Path dir) throws Exception {
        final long seed = TestScale.seed(20_261_121L);
        final int kills = TestScale.pick(CI_KILLS, FULL_KILLS);
        final SplittableRandom rnd = new SplittableRandom(seed);

        final int scenarioSteps = kills * STEPS_PER_KILL;
        final List<ChainEvent> slots = SlotScript.of(seed, scenarioSteps);
        final List<byte[]> expected;
        final String expectedHash;
        try (JournaledStateEngine clean = JournaledStateEngineTest.engine(dir.resolve("clean"), 100)) {
            JournaledStateEngineTest.play(clean, slots, 0, slots.size());
            expectedHash = clean.stateHash();
            expected = documents(clean.journal());
        }

        final Path crashed = dir.resolve("crashed");
        int midStream = 0;
        for (int k = 0; k < kills; k++) {
            final Process child = start(crashed, seed, scenarioSteps);
            // Kill at a random instant after recovery, while the child appends (it paces itself).
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (child.isAlive() && !log(dir).contains("RECOVERED") && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            final boolean exited = child.waitFor(rnd.nextInt(10, 150), TimeUnit.MILLISECONDS);
            if (!exited) {
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, child.exitValue(), "the child must die by SIGKILL");
            }
            final String out = log(dir);
            if (out.contains("RECOVERED") && !out.contains("DONE")) {
                midStream++;
            }
        }
        final Process last = start(crashed, seed, scenarioSteps);
        assertTrue(last.waitFor(120, TimeUnit.SECONDS));
        final String finalOut = log(dir);
        assertEquals(0, last.exitValue(), "final run failed:\n" + finalOut);
        assertTrue(finalOut.contains("DONE " + expectedHash), "state hash differs; child said:\n" + finalOut);

        final List<byte[]> actual;
        try (EventJournal journal = EventJournal.open(new JournalContext().directory(crashed.resolve("journal")))) {
            actual = documents(journal);
        }
        assertEquals(expected.size(), actual.size(), "journal document count differs (seed " + seed + ")");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "journal document " + i + " differs (seed " + seed + ")");
        }
        System.out.printf("crash test: %d kills (%d mid-stream), %d documents identical, state hash %s%n",
            kills, midStream, actual.size(), expectedHash);
        assertTrue(midStream >= kills / 2, "too few kills landed while the child was writing: " + midStream);
    }

    private static String log(final Path dir) throws java.io.IOException {
        final Path file = dir.resolve("child.log");
        return java.nio.file.Files.exists(file) ? java.nio.file.Files.readString(file) : "";
    }

    private static Process start(final Path dir, final long seed, final int scenarioSteps) throws Exception {
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native") || arg.startsWith("--sun-misc")
                || arg.startsWith("-Dchronicle")) {
                cmd.add(arg);
            }
        }
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrashTestChild.class.getName());
        cmd.add(dir.toString());
        cmd.add(Long.toString(seed));
        cmd.add(Integer.toString(scenarioSteps));
        cmd.add("100");
        // Output goes to a file: a killed process's pipes are closed under the reader.
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolveSibling("child.log").toFile()).start();
    }

    private static List<byte[]> documents(final EventJournal journal) {
        final List<byte[]> out = new ArrayList<>();
        final ExpandableArrayBuffer buf = new ExpandableArrayBuffer(1 << 16);
        try (EventJournal.Reader reader = journal.reader()) {
            int n;
            while ((n = reader.next(buf)) >= 0) {
                final byte[] doc = new byte[n];
                buf.getBytes(0, doc);
                out.add(doc);
            }
        }
        return out;
    }
}
