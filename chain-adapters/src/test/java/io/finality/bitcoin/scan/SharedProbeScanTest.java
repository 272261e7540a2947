package io.finality.bitcoin.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.finality.bitcoin.RealBlocks;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.MatchList;
import io.finality.core.spi.AddressIndex;
import io.finality.core.test.TestScale;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The probe helper must not change what the scanner reports: every real block, scanned with a helper and without,
 * against an index watching a seeded sample of the block's real scripts plus 1,000 random ones and an outpoint watch
 * holding outpoints some of its transactions spend, gives the same status, error offset, matched outputs, spends (in
 * order) and watch contents. Three helpers: a started one; one whose thread never starts (the scan thread must steal
 * every chunk); and a started one whose reader is slow (parks now and then), so chunks complete out of order and the
 * scan thread waits for a helper in the middle of a chunk. Also on truncated and bit-flipped copies, and on a slice of
 * the fuzz test's mutants. The shared path is forced for every block size here (the production threshold is a tuning,
 * not a correctness, matter).
 */
class SharedProbeScanTest {
    private static final int CHAIN = ChainId.BITCOIN_MAINNET.code();

    private static ProbeHelper started;
    private static ProbeHelper unstarted;
    private static ProbeHelper slow;

    /** What the reader does before each chunk it probes: its call number (from 1) and the chunk's answers. */
    @FunctionalInterface
    interface BeforeChunk {
        void run(long call, int[] slotsOut, int count);
    }

    /**
     * An index whose {@link #concurrentReader} reads the same thread-safe-for-reads delegate and counts its chunks;
     * {@code slowEvery} > 0 parks the reader for a few microseconds every that many calls.
     */
    static final class SharedIndex implements AddressIndex {
        final AtomicLong readerCalls = new AtomicLong();
        private final AddressIndex delegate;
        private final AddressIndex reader;

        SharedIndex(final AddressIndex delegate, final int slowEvery) {
            this(delegate, (call, slotsOut, count) -> {
                if (slowEvery > 0 && call % slowEvery == 0) {
                    LockSupport.parkNanos(20_000);
                }
            });
        }

        SharedIndex(final AddressIndex delegate, final BeforeChunk beforeChunk) {
            this.delegate = delegate;
            this.reader = new AddressIndex() {
                @Override
                public int lookup(final int chainCode, final DirectBuffer key, final int offset, final int length) {
                    return delegate.lookup(chainCode, key, offset, length);
                }

                @Override
                public void lookupBatch(final int chainCode, final DirectBuffer key, final int[] offsets, final int[] lengths,
                    final int count, final int[] slotsOut) {
                    beforeChunk.run(readerCalls.incrementAndGet(), slotsOut, count);
                    delegate.lookupBatch(chainCode, key, offsets, lengths, count, slotsOut);
                }
            };
        }

        @Override
        public int lookup(final int chainCode, final DirectBuffer key, final int offset, final int length) {
            return delegate.lookup(chainCode, key, offset, length);
        }

        @Override
        public AddressIndex concurrentReader() {
            return reader;
        }
    }

    @BeforeAll
    static void startHelpers() {
        started = new ProbeHelper();
        unstarted = new ProbeHelper(false);
        slow = new ProbeHelper();
    }

    @AfterAll
    static void closeHelpers() {
        started.close();
        unstarted.close();
        slow.close();
    }

    @Test
    void shouldReportTheSameMatchesWithAndWithoutTheHelperOnEveryRealBlock() {
        final long seed = TestScale.seed(0x5EA2ED_9L);
        final Random random = new Random(seed);
        long helperChunks = 0;
        for (RealBlocks.Block real : RealBlocks.all()) {
            final byte[] bytes = real.bytes();
            final String where = real + " seed " + seed + " (-Dfinality.seed=" + seed + ")";
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            final MapIndex scripts = new MapIndex();
            final List<byte[]> spentOutpoints = new ArrayList<>();
            final int[] slot = {BatchedScanDifferentialTest.watchSample(buffer, random, scripts, spentOutpoints, new ArrayList<>(), where)};
            for (int i = 0; i < 1_000; i++) {
                final byte[] script = new byte[1 + random.nextInt(40)];
                random.nextBytes(script);
                scripts.put(CHAIN, new UnsafeBuffer(script), 0, script.length, slot[0]++);
            }
            final SharedIndex fast = new SharedIndex(scripts, 0);
            final SharedIndex slowed = new SharedIndex(scripts, 3);

            final List<String> expected = compare(bytes, fast, slowed, spentOutpoints, where);
            assertTrue(slot[0] == 1_000 || Integer.parseInt(expected.get(1)) > 0, "expected matches; " + where);
            for (int cut = 0; cut < 2; cut++) {
                final byte[] truncated = Arrays.copyOf(bytes, BlockFlyweight.HEADER_LENGTH + random.nextInt(bytes.length));
                compare(truncated, fast, slowed, spentOutpoints, where + " truncated to " + truncated.length);
            }
            for (int flip = 0; flip < 2; flip++) {
                final byte[] flipped = bytes.clone();
                final int at = BlockFlyweight.HEADER_LENGTH + random.nextInt(bytes.length - BlockFlyweight.HEADER_LENGTH);
                flipped[at] ^= (byte) (1 << random.nextInt(8));
                compare(flipped, fast, slowed, spentOutpoints, where + " bit flip at " + at);
            }
            helperChunks += fast.readerCalls.get() + slowed.readerCalls.get();
        }
        System.out.println("SharedProbeScanTest seed " + seed + ": the helper thread probed " + helperChunks + " chunks");
        // both scanners spin-share every block with a started helper: it must have taken some chunks of the large ones
        assertTrue(helperChunks > 0, "the started helpers never probed a chunk; seed " + seed);
    }

    @Test
    void shouldAgreeOnMutatedRealBlocks() {
        final long seed = TestScale.seed(0xF022_5EEDL);
        final int mutants = TestScale.pick(3_000, 30_000);
        final Random random = new Random(seed);
        final List<byte[]> blocks = new ArrayList<>();
        for (RealBlocks.Block b : RealBlocks.all()) {
            blocks.add(b.bytes());
        }
        final SharedIndex index = new SharedIndex(new ScannerFuzzTest.TouchingIndex(), 0);
        final SharedIndex slowed = new SharedIndex(new ScannerFuzzTest.TouchingIndex(), 5);
        String what = "";
        for (int i = 0; i < mutants; i++) {
            final byte[] original = blocks.get(random.nextInt(blocks.size()));
            final StringBuilder how = new StringBuilder();
            final byte[] mutant = ScannerFuzzTest.mutate(original, random, how);
            what = original.length + "B " + how;
            final List<byte[]> outpoints = spentOutpoints(original, random);
            try {
                final List<String> expected = scan(mutant, index, null, outpoints);
                assertSame(expected, scan(mutant, index, started, outpoints), "started helper; " + what);
                assertSame(expected, scan(mutant, slowed, slow, outpoints), "slow helper; " + what);
                if (i % 4 == 0) {
                    assertSame(expected, scan(mutant, index, unstarted, outpoints), "unstarted helper; " + what);
                }
            } catch (final Throwable ex) {
                fail("seed " + seed + " (-Dfinality.seed=" + seed + "), mutant " + i + ": " + what, ex);
            }
        }
        System.out.println("SharedProbeScanTest seed " + seed + ", " + mutants + " mutants agree");
    }

    /**
     * A helper that stops in the middle of a chunk (its reader blocks, as a vCPU that loses its CPU would) must not
     * hold up the scan: the block it stopped in ends with the chunk probed again on the scan thread; the next block is
     * still shared (the other rows), the one after is scanned alone (its rows are the stopped chunk's); every report
     * equals the helper-less scanner's, block after block; and {@link BitcoinBlockScanner#awaitIndexReaders}, which
     * the scan stage calls before it mutates the index, returns only once the stopped probe has ended.
     */
    @Test
    // a liveness bound, not a timing: the test takes a second or two, and a scan that waits for the stopped helper
    // (until it is released, or for however long) runs into it
    @Timeout(30)
    void shouldNotWaitForAHelperThatStopsInTheMiddleOfAChunk() throws Exception {
        final List<RealBlocks.Block> large = RealBlocks.large();
        final Random random = new Random(TestScale.seed(0x570_99EDL));
        final MapIndex scripts = new MapIndex();
        final List<byte[]> spent = new ArrayList<>();
        for (RealBlocks.Block b : large) {
            BatchedScanDifferentialTest.watchSample(new UnsafeBuffer(b.bytes()), random, scripts, spent, new ArrayList<>(), b.toString());
        }
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        // stopped in its first chunk, but worse than silent: it keeps writing a wrong slot into that chunk's answers,
        // which must reach no report (the scan thread takes the chunk over, and no block reuses the chunk's rows while
        // this probe lasts)
        final SharedIndex stopping = new SharedIndex(scripts, (call, slotsOut, count) -> {
            if (call == 1) {
                entered.countDown();
                while (release.getCount() > 0) {
                    Arrays.fill(slotsOut, 0, count, 0);
                    Thread.onSpinWait();
                }
            }
        });
        final AtomicLong helperCalls = stopping.readerCalls;
        final OutpointWatch referenceWatch = watchOf(spent);
        final OutpointWatch sharedWatch = watchOf(spent);
        final BitcoinBlockScanner reference = new BitcoinBlockScanner(referenceWatch);
        final ProbeHelper helper = new ProbeHelper();
        try {
            final BitcoinBlockScanner scanner = new BitcoinBlockScanner(sharedWatch, helper, 0);
            int next = 0;
            // scan until the helper has claimed a chunk and stopped in it (it needs to wake up first)
            while (entered.getCount() > 0) {
                assertTrue(next < 200, "the helper never claimed a chunk in 200 blocks");
                scanAndCompare(large.get(next++ % large.size()), reference, referenceWatch, scanner, sharedWatch, stopping);
            }
            final int stoppedAt = next;
            assertTrue(scanner.helperTakeOvers() >= 1, "the scan thread must have probed the stopped chunk itself");
            assertEquals(1, release.getCount());
            // the next block shares the other rows (the helper is stopped, so the scan thread probes every chunk);
            // the one after would reuse the stopped chunk's rows, so it is scanned alone, and so on while it is stopped
            for (int i = 0; i < 8; i++) {
                scanAndCompare(large.get(next++ % large.size()), reference, referenceWatch, scanner, sharedWatch, stopping);
            }
            final long callsWhileStopped = helperCalls.get();
            final Thread waiter = new Thread(scanner::awaitIndexReaders, "await-index-readers");
            waiter.start();
            waiter.join(200);
            assertTrue(waiter.isAlive(), "awaitIndexReaders returned while the helper was still inside a probe");
            release.countDown();
            waiter.join(10_000);
            assertFalse(waiter.isAlive(), "awaitIndexReaders did not return after the helper's probe ended");
            // and with the helper back, sharing goes on, with the same answers. The helper claims a chunk only if it wakes
            // before the scan thread's walk ends and claims them all, so, as for its first claim above, this may take many
            // blocks (one -Pfull run failed when this loop allowed one pass over the large blocks only)
            int blocksUntilHelped = 0;
            while (helperCalls.get() == callsWhileStopped && blocksUntilHelped < 200) {
                scanAndCompare(large.get(next++ % large.size()), reference, referenceWatch, scanner, sharedWatch, stopping);
                blocksUntilHelped++;
            }
            assertTrue(helperCalls.get() > callsWhileStopped, "the helper never helped again in " + blocksUntilHelped + " blocks");
            System.out.println("SharedProbeScanTest: the helper stopped in a chunk of block " + stoppedAt + " and helped again "
                + blocksUntilHelped + " blocks after its release");
            assertEquals(0, scanner.helperFailures());
        } finally {
            release.countDown();
            helper.close();
        }
    }

    private static OutpointWatch watchOf(final List<byte[]> outpoints) {
        final OutpointWatch watch = new OutpointWatch(new MapIndex(), 10);
        for (byte[] outpoint : outpoints) {
            watch.add(CHAIN, new UnsafeBuffer(outpoint), 0);
        }
        return watch;
    }

    private static void scanAndCompare(
        final RealBlocks.Block block, final BitcoinBlockScanner reference, final OutpointWatch referenceWatch,
        final BitcoinBlockScanner scanner, final OutpointWatch sharedWatch, final AddressIndex index) {
        final UnsafeBuffer buffer = new UnsafeBuffer(block.bytes());
        final MatchList expected = new MatchList(4);
        final int expectedStatus = reference.scanBlock(buffer, 0, buffer.capacity(), CHAIN, index, expected);
        final MatchList actual = new MatchList(4);
        final int status = scanner.scanBlock(buffer, 0, buffer.capacity(), CHAIN, index, actual);
        assertSame(BatchedScanDifferentialTest.report(expectedStatus, reference.errorOffset(), expected, referenceWatch),
            BatchedScanDifferentialTest.report(status, scanner.errorOffset(), actual, sharedWatch), block.toString());
    }

    /** Equal line lists, reporting the first difference only (a block's lines run to megabytes). */
    private static void assertSame(final List<String> expected, final List<String> actual, final String where) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), "line " + i + "; " + where);
        }
        assertEquals(expected.size(), actual.size(), "lines; " + where);
    }

    /** A few outpoints the block's transactions spend (the first input of a random tenth), read without trusting it. */
    private static List<byte[]> spentOutpoints(final byte[] original, final Random random) {
        final List<byte[]> out = new ArrayList<>();
        final BlockFlyweight block = new BlockFlyweight();
        if (block.wrap(new UnsafeBuffer(original), 0, original.length) != ScanError.OK) {
            return out;
        }
        block.forEachTransaction(new TransactionFlyweight(), (i, t) -> {
            if (!t.coinbase() && random.nextInt(10) == 0 && t.nextInput()) {
                final byte[] outpoint = new byte[OutpointWatch.OUTPOINT_LENGTH];
                t.buffer().getBytes(t.prevTxidOffset(), outpoint);
                out.add(outpoint);
            }
        });
        return out;
    }

    /** @return the helper-less lines, after checking every helper variant against them. */
    private static List<String> compare(
        final byte[] payload, final SharedIndex fast, final SharedIndex slowed, final List<byte[]> spentOutpoints, final String where) {
        final List<String> expected = scan(payload, fast, null, spentOutpoints);
        assertSame(expected, scan(payload, fast, started, spentOutpoints), "started helper; " + where);
        assertSame(expected, scan(payload, fast, unstarted, spentOutpoints), "unstarted helper; " + where);
        assertSame(expected, scan(payload, slowed, slow, spentOutpoints), "slow helper; " + where);
        return expected;
    }

    /** Everything a scan reports, as lines: status and error offset, output count, each output, each spend, watch size. */
    private static List<String> scan(
        final byte[] payload, final AddressIndex scripts, final ProbeHelper helper, final List<byte[]> spentOutpoints) {
        final OutpointWatch watch = new OutpointWatch(new MapIndex(), 10);
        for (byte[] outpoint : spentOutpoints) {
            watch.add(CHAIN, new UnsafeBuffer(outpoint), 0);
        }
        final BitcoinBlockScanner scanner = helper == null ? new BitcoinBlockScanner(watch) : new BitcoinBlockScanner(watch, helper, 0);
        final MatchList m = new MatchList(4);
        final UnsafeBuffer buffer = new UnsafeBuffer(payload);
        final int status = scanner.scanBlock(buffer, 0, payload.length, CHAIN, scripts, m);
        assertEquals(0, scanner.helperFailures(), "a probe on the helper thread threw");
        return BatchedScanDifferentialTest.report(status, scanner.errorOffset(), m, watch);
    }
}
