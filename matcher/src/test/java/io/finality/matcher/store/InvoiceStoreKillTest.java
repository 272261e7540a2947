package io.finality.matcher.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.finality.core.test.TestScale;
import io.finality.matcher.index.WatchKeyIndex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged invoices survive {@code kill -9}: a child JVM opens and cancels invoices, printing each
 * acknowledgement; the parent SIGKILLs it after a seeded number of acks, reopens the store and requires that
 * it holds exactly a prefix of the operation sequence covering every ack (at most the in-flight operations
 * beyond), and that an index loaded from it answers like a reference built from that prefix. Each round
 * restarts the child from the last ack, so replays of already-durable operations are exercised too.
 */
class InvoiceStoreKillTest {
    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryAcknowledgedInvoiceAcrossKillNine() throws Exception {
        final long seed = TestScale.seed(0xC0FFEEL);
        final SplittableRandom random = new SplittableRandom(seed);
        final Path storePath = dir.resolve("store");
        final String where = "seed=" + seed;
        int acked = 0;
        for (int round = 0; round < TestScale.pick(3, 10); round++) {
            final int target = acked + random.nextInt(20, 120);
            acked = runChildUntil(storePath, seed, acked, target, where);
            final int durable = verify(storePath, seed, acked, where + " round=" + round);
            assertTrue(durable >= acked, where);
        }
    }

    /** Runs the child from operation {@code from} until it acknowledged {@code target} operations, then kills it. */
    private static int runChildUntil(final Path storePath, final long seed, final int from, final int target, final String where)
        throws Exception {
        final String java = ProcessHandle.current().info().command().orElseThrow();
        final List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
            "-XX:TieredStopAtLevel=1"));
        // The same module flags as this JVM (Agrona needs jdk.internal.misc exported).
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-") || argument.startsWith("--sun-misc")) {
                command.add(argument);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashingWriterMain.class.getName(), storePath.toString(),
            Long.toString(seed), Integer.toString(from)));
        final Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int lastAck = from - 1;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while (lastAck + 1 < target && (line = reader.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    final int ack = Integer.parseInt(line.substring(4));
                    assertEquals(lastAck + 1, ack, "acks in order " + where);
                    lastAck = ack;
                }
                if (System.nanoTime() > deadline) {
                    fail("child too slow " + where);
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child died");
        }
        assertEquals(target, lastAck + 1, "child stopped early (exit " + child.exitValue() + ") " + where);
        assertEquals(137, child.exitValue(), "killed by SIGKILL " + where);
        return target;
    }

    /** @return how many operations the store reflects. */
    private static int verify(final Path storePath, final long seed, final int acked, final String where) {
        try (InvoiceStore store = InvoiceStore.open(new InvoiceStoreContext().path(storePath).createIfMissing(false));
            WatchKeyIndex index = new WatchKeyIndex()) {
            // The store must equal the state after some prefix of the operations that covers every ack.
            int durable = -1;
            Map<Integer, InvoiceStatus> expected = null;
            for (int ops = acked; ops <= acked + 64 && durable < 0; ops++) {
                final Map<Integer, InvoiceStatus> candidate = stateAfter(ops);
                if (matches(store, seed, candidate, ops)) {
                    durable = ops;
                    expected = candidate;
                }
            }
            assertTrue(durable >= acked, "store is not a prefix of the operations covering " + acked + " acks " + where);
            final long loaded = store.loadInto(index, LoadProgress.NONE);
            // Open and cancelled invoices alike stay watched (the scan stage never unwatches a key).
            for (Map.Entry<Integer, InvoiceStatus> entry : expected.entrySet()) {
                final InvoiceRecord record = store.get(TestInvoices.request(seed, entry.getKey()).invoiceId());
                final UnsafeBuffer key = new UnsafeBuffer(record.watchKey());
                assertEquals(record.slot(), index.lookup(record.chain().code(), key, 0, record.watchKeyLength()),
                    record.invoiceId() + " " + where);
            }
            assertEquals(expected.size(), loaded, where);
            assertEquals(expected.size(), index.size(), where);
            return durable;
        }
    }

    private static Map<Integer, InvoiceStatus> stateAfter(final int ops) {
        final Map<Integer, InvoiceStatus> state = new HashMap<>();
        for (int i = 0; i < ops; i++) {
            final int op = CrashingWriterMain.op(i);
            if (op >= 0) {
                state.put(op, InvoiceStatus.OPEN);
            } else {
                state.put(-op - 1, InvoiceStatus.CANCELLED);
            }
        }
        return state;
    }

    private static boolean matches(final InvoiceStore store, final long seed, final Map<Integer, InvoiceStatus> state, final int ops) {
        final List<Integer> ids = new ArrayList<>(state.keySet());
        // The next invoice the sequence would open must be absent, or the store is ahead of this prefix.
        int nextOpen = -1;
        for (int i = ops; nextOpen < 0; i++) {
            nextOpen = CrashingWriterMain.op(i);
        }
        if (store.get(TestInvoices.request(seed, nextOpen).invoiceId()) != null) {
            return false;
        }
        for (int n : ids) {
            final InvoiceRecord request = TestInvoices.request(seed, n);
            final InvoiceRecord stored = store.get(request.invoiceId());
            if (stored == null || stored.status() != state.get(n)) {
                return false;
            }
            assertNull(stored.firstDifference(request), "stored content equals the request " + n);
        }
        return true;
    }
}
