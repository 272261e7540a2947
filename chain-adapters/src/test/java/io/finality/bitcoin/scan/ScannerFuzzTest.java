package io.finality.bitcoin.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutates real blocks and transactions (bit flips, truncation, lying varints, inserted and deleted
 * bytes, spliced ranges) and scans each mutant with every entry point. Each mutant sits in an array of
 * exactly its length behind a bounds-checked {@link UnsafeBuffer}, so any read past the payload throws;
 * the test fails on any exception, on an error offset outside the payload, or (via the timeout) on an
 * endless loop. CI runs {@value #CI_MUTATIONS} mutants, {@code -Pfull} {@value #FULL_MUTATIONS}. The scanner watches
 * the outpoints its payments spend (kept for a few mutants), so the walk's outpoint bit test and the conflict path run
 * on mutants too.
 */
class ScannerFuzzTest {
    static final int CI_MUTATIONS = 100_000;
    static final int FULL_MUTATIONS = 2_000_000;

    /**
     * A lossy outpoint index for the fuzz: it remembers a 64-bit hash of each key (exact answers do not matter here,
     * only that the scanner's reads stay in bounds), read byte by byte so that bad offsets hit the bounds check.
     */
    static final class HashedKeys implements io.finality.core.spi.MutableAddressIndex {
        private final java.util.Set<Long> keys = new java.util.HashSet<>();

        private static long hash(final int chainCode, final DirectBuffer key, final int offset, final int length) {
            long h = chainCode * 31L + length;
            for (int i = 0; i < length; i++) {
                h = h * 1_000_003L + key.getByte(offset + i);
            }
            return h;
        }

        @Override
        public int lookup(final int chainCode, final DirectBuffer key, final int offset, final int length) {
            return keys.contains(hash(chainCode, key, offset, length)) ? 0 : MISSING;
        }

        @Override
        public int put(final int chainCode, final DirectBuffer key, final int offset, final int length, final int slot) {
            return keys.add(hash(chainCode, key, offset, length)) ? MISSING : 0;
        }

        @Override
        public int remove(final int chainCode, final DirectBuffer key, final int offset, final int length) {
            return keys.remove(hash(chainCode, key, offset, length)) ? 0 : MISSING;
        }

        @Override
        public int size() {
            return keys.size();
        }
    }

    /** Reads every key byte (so bad offsets hit the bounds check) and watches about one script in eight. */
    static final class TouchingIndex implements AddressIndex {
        @Override
        public int lookup(final int chainCode, final DirectBuffer key, final int offset, final int length) {
            int h = length;
            for (int i = 0; i < length; i++) {
                h = h * 31 + key.getByte(offset + i);
            }
            return (h & 7) == 0 ? h >>> 8 : MISSING;
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void shouldNeverThrowReadOutOfBoundsOrLoopOnMutatedRealBlocks() {
        assertTrue(UnsafeBuffer.SHOULD_BOUNDS_CHECK, "the fuzz test relies on Agrona's bounds checks to catch overreads");
        final long seed = TestScale.seed(0xB17C0_1121L);
        final int mutations = TestScale.pick(CI_MUTATIONS, FULL_MUTATIONS);
        final Random random = new Random(seed);
        final List<byte[]> blocks = new ArrayList<>();
        for (RealBlocks.Block b : RealBlocks.all()) {
            blocks.add(b.bytes());
        }
        final List<byte[]> txs = sampleTransactions(blocks, random);

        final OutpointWatch watch = new OutpointWatch(new HashedKeys(), 3);
        final BitcoinBlockScanner scanner = new BitcoinBlockScanner(watch);
        final TransactionFlyweight tx = new TransactionFlyweight();
        final BlockFlyweight block = new BlockFlyweight();
        final AddressIndex index = new TouchingIndex();
        final MatchList matches = new MatchList(16);
        final UnsafeBuffer txids = new UnsafeBuffer(new byte[32 * 8192]);
        final int chain = ChainId.BITCOIN_MAINNET.code();
        final int[] statusCounts = new int[16];
        int mostWatched = 0;
        String what = "";
        for (int i = 0; i < mutations; i++) {
            final boolean txMode = random.nextInt(5) == 0;
            final byte[] original = txMode ? txs.get(random.nextInt(txs.size())) : blocks.get(random.nextInt(blocks.size()));
            final StringBuilder how = new StringBuilder();
            final byte[] mutant = mutate(original, random, how);
            what = (txMode ? "tx " : "block ") + original.length + "B " + how;
            try {
                final UnsafeBuffer buffer = new UnsafeBuffer(mutant);
                watch.onBlock(i);
                mostWatched = Math.max(mostWatched, watch.size());
                matches.clear();
                final int status;
                if (txMode) {
                    status = scanner.scanTransaction(buffer, 0, mutant.length, chain, index, matches);
                } else {
                    status = scanner.scanBlock(buffer, 0, mutant.length, chain, index, matches);
                    final int all = scanner.allTxids(buffer, 0, mutant.length, txids, 0);
                    assertTrue(all == status || all == ScanError.OUTPUT_TOO_SMALL, what);
                    final int walked = block.wrap(buffer, 0, mutant.length) == ScanError.OK
                        ? block.forEachTransaction(tx, (n, t) -> walkCursors(t)) : -1;
                    assertTrue(walked == -1 || walked == status, what);
                }
                statusCounts[status]++;
                if (status != ScanError.OK) {
                    assertTrue(scanner.errorOffset() >= 0 && scanner.errorOffset() <= mutant.length,
                        what + ": error offset " + scanner.errorOffset());
                }
            } catch (final Throwable ex) {
                fail("seed " + seed + " (-Dfinality.seed=" + seed + "), mutation " + i + ": " + what, ex);
            }
        }
        System.out.println("ScannerFuzzTest seed " + seed + ", " + mutations + " mutants, statuses "
            + Arrays.toString(statusCounts));
        assertEquals(mutations, Arrays.stream(statusCounts).sum());
        assertTrue(statusCounts[ScanError.OK] > 0 && statusCounts[ScanError.TRUNCATED] > 0, "seed " + seed);
        assertTrue(mostWatched > 0, "seed " + seed + ": the outpoint watch must have been exercised");
    }

    private static void walkCursors(final TransactionFlyweight t) {
        while (t.nextInput()) {
            t.prevIndex();
            t.sequence();
        }
        while (t.nextOutput()) {
            t.value();
            ScriptClassifier.classify(t.buffer(), t.scriptOffset(), t.scriptLength());
        }
    }

    private static List<byte[]> sampleTransactions(final List<byte[]> blocks, final Random random) {
        final List<byte[]> out = new ArrayList<>();
        final BlockFlyweight block = new BlockFlyweight();
        final TransactionFlyweight tx = new TransactionFlyweight();
        for (byte[] b : blocks) {
            assertEquals(ScanError.OK, block.wrap(new UnsafeBuffer(b), 0, b.length));
            final int keepOneIn = Math.max(1, block.txCount() / 40);
            block.forEachTransaction(tx, (i, t) -> {
                if (random.nextInt(keepOneIn) == 0) {
                    out.add(Arrays.copyOfRange(b, t.offset(), t.end()));
                }
            });
        }
        return out;
    }

    static byte[] mutate(final byte[] original, final Random random, final StringBuilder how) {
        byte[] m = original.clone();
        final int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds && m.length > 0; r++) {
            final int at = random.nextInt(m.length);
            switch (random.nextInt(7)) {
                case 0: {
                    final int bit = random.nextInt(8);
                    m[at] ^= (byte)(1 << bit);
                    how.append("flip@").append(at).append('.').append(bit).append(' ');
                    break;
                }
                case 1:
                    how.append("truncate@").append(at).append(' ');
                    m = Arrays.copyOf(m, at);
                    break;
                case 2: {
                    // a lying CompactSize: a wide prefix with a large value
                    final int prefix = 0xFD + random.nextInt(3);
                    m[at] = (byte)prefix;
                    for (int k = 1; k <= 8 && at + k < m.length; k++) {
                        m[at + k] = (byte)(random.nextBoolean() ? 0xFF : random.nextInt(256));
                    }
                    how.append("varint").append(Integer.toHexString(prefix)).append('@').append(at).append(' ');
                    break;
                }
                case 3:
                    m[at] = (byte)random.nextInt(256);
                    how.append("byte@").append(at).append(' ');
                    break;
                case 4: {
                    final byte[] n = new byte[m.length + 1];
                    System.arraycopy(m, 0, n, 0, at);
                    n[at] = (byte)random.nextInt(256);
                    System.arraycopy(m, at, n, at + 1, m.length - at);
                    m = n;
                    how.append("insert@").append(at).append(' ');
                    break;
                }
                case 5: {
                    final byte[] n = new byte[m.length - 1];
                    System.arraycopy(m, 0, n, 0, at);
                    System.arraycopy(m, at + 1, n, at, m.length - at - 1);
                    m = n;
                    how.append("delete@").append(at).append(' ');
                    break;
                }
                default: {
                    final int from = random.nextInt(m.length);
                    final int len = Math.min(random.nextInt(64), Math.min(m.length - from, m.length - at));
                    System.arraycopy(m.clone(), from, m, at, len);
                    how.append("splice ").append(from).append("->").append(at).append('+').append(len).append(' ');
                    break;
                }
            }
        }
        return m;
    }
}
