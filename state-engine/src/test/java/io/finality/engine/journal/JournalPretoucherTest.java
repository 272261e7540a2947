package io.finality.engine.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's pretouch thread reads ahead of the appender, never changes what the journal holds, and
 * exists only while a writable journal with pretouching is open.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalPretoucherTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadAheadOfTheAppenderAndLeaveEveryDocumentAsWritten() throws Exception {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[][] written = new byte[2_000][];
        final long ahead = 4L << 20;
        final long threadsBefore = touchThreads();
        try (EventJournal journal = EventJournal.open(new JournalContext().directory(dir.resolve("j"))
            .durability(JournalContext.Durability.NONE).pretouchBytes(ahead))) {
            assertEquals(threadsBefore + 1, touchThreads(), "a writable journal starts its touch thread");
            final long bytes = appendRandom(journal, random, written, 2_000);
            // the appender is at ~bytes (plus headers); the thread reads up to 4 MiB further, within the file
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (journal.pretouchedUpTo() < bytes + ahead / 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(journal.pretouchedUpTo() >= bytes + ahead / 2,
                "seed " + seed + ": touched up to " + journal.pretouchedUpTo() + " with " + bytes + " bytes appended");
            assertDocuments(journal, written, seed);
        }
        assertEquals(threadsBefore, touchThreads(), "close stops the touch thread");
    }

    @Test
    void shouldStartNoTouchThreadWhenTurnedOffOrReadOnly() {
        final Path j = dir.resolve("j");
        final long threadsBefore = touchThreads();
        try (EventJournal journal = EventJournal.open(new JournalContext().directory(j).pretouchBytes(0))) {
            final ExpandableArrayBuffer doc = new ExpandableArrayBuffer(64);
            journal.append(doc, 64);
            assertEquals(threadsBefore, touchThreads());
            assertEquals(0, journal.pretouchedUpTo());
        }
        assertTrue(Files.isDirectory(j));
        try (EventJournal readOnly = EventJournal.openReadOnly(j)) {
            assertEquals(threadsBefore, touchThreads());
            assertTrue(readOnly.lastIndex() >= 0);
        }
    }

    @Test
    void shouldKeepTheAppendersMappingPopulatedAheadAndTheDocumentsAsWritten() throws Exception {
        // MADV_POPULATE_WRITE is Linux 5.14+; elsewhere the prefault turns itself off (and this test has nothing to see)
        final String[] version = System.getProperty("os.version").split("[.-]");
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux")
            && (Integer.parseInt(version[0]) > 5 || Integer.parseInt(version[0]) == 5 && Integer.parseInt(version[1]) >= 14));
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        for (final boolean prefault : new boolean[] {true, false}) {
            try (EventJournal journal = EventJournal.open(new JournalContext().directory(dir.resolve("p" + prefault))
                .durability(JournalContext.Durability.NONE).pretouchBytes(4L << 20).prefault(prefault))) {
                final byte[][] written = new byte[3_000][];
                final long bytes = appendRandom(journal, random, written, 3_000);
                if (prefault) {
                    // populated past what is written (the touch thread keeps up to 4 MiB ahead of the appender)
                    final long deadline = System.nanoTime() + 10_000_000_000L;
                    while (journal.prefaultedUpTo() < bytes + (1L << 20) && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    assertTrue(journal.prefaultedUpTo() >= bytes + (1L << 20),
                        "seed " + seed + ": populated up to " + journal.prefaultedUpTo() + " with " + bytes + " bytes appended");
                } else {
                    Thread.sleep(50);
                    assertEquals(-1, journal.prefaultedUpTo(), "prefault off");
                }
                assertDocuments(journal, written, seed);
            }
        }
    }

    @Test
    void shouldRunTheStartActionOnTheTouchThreadAndTouchEvenIfItThrows() throws Exception {
        for (final boolean throwing : new boolean[] {false, true}) {
            final java.util.concurrent.CompletableFuture<String> ranOn = new java.util.concurrent.CompletableFuture<>();
            final Runnable start = () -> {
                ranOn.complete(Thread.currentThread().getName());
                if (throwing) {
                    throw new IllegalStateException("the platform refused the pinning");
                }
            };
            final long ahead = 1L << 20;
            try (EventJournal journal = EventJournal.open(new JournalContext().directory(dir.resolve("j" + throwing))
                .durability(JournalContext.Durability.NONE).pretouchBytes(ahead).pretouchThreadStart(start))) {
                assertEquals(JournalPretoucher.THREAD_NAME, ranOn.get(10, TimeUnit.SECONDS), "ran on the touch thread");
                final ExpandableArrayBuffer doc = new ExpandableArrayBuffer(1024);
                for (int i = 0; i < 100; i++) {
                    journal.append(doc, 1024);
                }
                final long deadline = System.nanoTime() + 10_000_000_000L;
                while (journal.pretouchedUpTo() < ahead && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertTrue(journal.pretouchedUpTo() >= ahead, "throwing " + throwing + ": touched " + journal.pretouchedUpTo());
            }
        }
    }

    /** Append {@code written.length} random documents of 1 to {@code maxLength} bytes, kept in {@code written}; their bytes. */
    private static long appendRandom(final EventJournal journal, final SplittableRandom random, final byte[][] written,
        final int maxLength) {
        final ExpandableArrayBuffer doc = new ExpandableArrayBuffer(maxLength);
        long bytes = 0;
        for (int i = 0; i < written.length; i++) {
            written[i] = new byte[1 + random.nextInt(maxLength)];
            random.nextBytes(written[i]);
            doc.putBytes(0, written[i]);
            journal.append(doc, written[i].length);
            bytes += written[i].length;
        }
        return bytes;
    }

    /** The journal holds exactly {@code written}, in order. */
    private static void assertDocuments(final EventJournal journal, final byte[][] written, final long seed) {
        try (EventJournal.Reader reader = journal.reader()) {
            final ExpandableArrayBuffer into = new ExpandableArrayBuffer(4096);
            for (int i = 0; i < written.length; i++) {
                final int length = reader.next(into);
                assertEquals(written[i].length, length, "seed " + seed + ": document " + i);
                assertArrayEquals(written[i], Arrays.copyOf(into.byteArray(), length), "seed " + seed + ": document " + i);
            }
            assertEquals(-1, reader.next(into), "seed " + seed + ": nothing past the last document");
        }
    }

    /**
     * Live touch threads (other test classes' journals may hold some): the thread starts in the journal's
     * constructor and {@code close()} joins it, so counts before and after tell, with no waiting.
     */
    private static long touchThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().equals(JournalPretoucher.THREAD_NAME)).count();
    }
}
