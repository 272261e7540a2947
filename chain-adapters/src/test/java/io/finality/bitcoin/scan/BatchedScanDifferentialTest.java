package io.finality.bitcoin.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.RealBlocks;
import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.MatchList;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batching must not change what the scanner reports: on every real block, scanning with batches of 2, 3, 7, 64
 * and 257 output scripts gives the same status, error offset, matched outputs, spends (in the same order: the
 * engine's journal depends on it) and outpoint-watch contents as a batch of 1, which probes each output as the walk
 * reaches it and records each transaction before walking the next (the scanner before batching). Checked on the
 * intact blocks, on truncated and bit-flipped copies (matches before the error must be the same), and on single
 * transactions through the mempool entry point. Each case watches a seeded random fifth of the outputs and
 * pre-watches the outpoints some transactions spend, so the conflict path runs between matched transactions.
 */
class BatchedScanDifferentialTest {
    private static final int CHAIN = ChainId.BITCOIN_MAINNET.code();
    private static final int[] BATCHES = {2, 3, 7, BitcoinBlockScanner.DEFAULT_BATCH, 257};

    static Stream<RealBlocks.Block> blocks() {
        return RealBlocks.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void shouldReportTheSameMatchesInTheSameOrderForEveryBatchSize(final RealBlocks.Block real) {
        final byte[] bytes = real.bytes();
        final long seed = bytes.length * 131L + real.position();
        final String where = real + " seed " + seed;
        final Random random = new Random(seed);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final MapIndex scripts = new MapIndex();
        final List<byte[]> spentOutpoints = new ArrayList<>();
        final List<int[]> txRanges = new ArrayList<>();
        final int watched = watchSample(buffer, random, scripts, spentOutpoints, txRanges, where);

        final int matched = compareAllBatchSizes(bytes, scripts, spentOutpoints, false, where);
        assertTrue(matched > 0 || watched == 0, "expected matches; " + where);

        for (int cut = 0; cut < 3; cut++) {
            final byte[] truncated = java.util.Arrays.copyOf(bytes, BlockFlyweight.HEADER_LENGTH + random.nextInt(bytes.length));
            compareAllBatchSizes(truncated, scripts, spentOutpoints, false, where + " truncated to " + truncated.length);
        }
        for (int flip = 0; flip < 3; flip++) {
            final byte[] flipped = bytes.clone();
            final int at = BlockFlyweight.HEADER_LENGTH + random.nextInt(bytes.length - BlockFlyweight.HEADER_LENGTH);
            flipped[at] ^= (byte) (1 << random.nextInt(8));
            compareAllBatchSizes(flipped, scripts, spentOutpoints, false, where + " bit flip at " + at);
        }
        for (int i = 0; i < Math.min(40, txRanges.size()); i++) {
            final int[] r = txRanges.get(random.nextInt(txRanges.size()));
            final byte[] tx = java.util.Arrays.copyOfRange(bytes, r[0], r[1]);
            compareAllBatchSizes(tx, scripts, spentOutpoints, true, where + " mempool tx at " + r[0]);
        }
    }

    /** @return the matched outputs of the unbatched scan. */
    private static int compareAllBatchSizes(
        final byte[] payload, final MapIndex scripts, final List<byte[]> spentOutpoints, final boolean mempool, final String where) {
        final List<String> expected = scan(1, payload, scripts, spentOutpoints, mempool);
        for (int batch : BATCHES) {
            assertEquals(expected, scan(batch, payload, scripts, spentOutpoints, mempool), "batch " + batch + "; " + where);
        }
        return Integer.parseInt(expected.get(1));
    }

    /**
     * Watch a random fifth of the block's output scripts (slots from 0) and the first outpoint of a random tenth of its
     * non-coinbase transactions; note each transaction's range in {@code txRanges}.
     *
     * @return the number of scripts watched.
     */
    static int watchSample(final UnsafeBuffer buffer, final Random random, final MapIndex scripts, final List<byte[]> spentOutpoints,
                           final List<int[]> txRanges, final String where) {
        final BlockFlyweight block = new BlockFlyweight();
        assertEquals(ScanError.OK, block.wrap(buffer, 0, buffer.capacity()), where);
        final int[] slot = {0};
        assertEquals(ScanError.OK, block.forEachTransaction(new TransactionFlyweight(), (i, t) -> {
            txRanges.add(new int[] {t.offset(), t.end()});
            while (t.nextOutput()) {
                if (random.nextInt(5) == 0) {
                    scripts.put(CHAIN, t.buffer(), t.scriptOffset(), t.scriptLength(), slot[0]++);
                }
            }
            if (!t.coinbase() && random.nextInt(10) == 0 && t.nextInput()) {
                final byte[] outpoint = new byte[OutpointWatch.OUTPOINT_LENGTH];
                t.buffer().getBytes(t.prevTxidOffset(), outpoint);
                spentOutpoints.add(outpoint);
            }
        }), where);
        return slot[0];
    }

    /** Everything a scan reports, as lines: status and error offset, output count, each output, each spend, watch size. */
    private static List<String> scan(
        final int batch, final byte[] payload, final MapIndex scripts, final List<byte[]> spentOutpoints, final boolean mempool) {
        final OutpointWatch watch = new OutpointWatch(new MapIndex(), 10);
        for (byte[] outpoint : spentOutpoints) {
            watch.add(CHAIN, new UnsafeBuffer(outpoint), 0);
        }
        final BitcoinBlockScanner scanner = new BitcoinBlockScanner(watch, batch);
        final MatchList m = new MatchList(4);
        final UnsafeBuffer buffer = new UnsafeBuffer(payload);
        final int status = mempool
            ? scanner.scanTransaction(buffer, 0, payload.length, CHAIN, scripts, m)
            : scanner.scanBlock(buffer, 0, payload.length, CHAIN, scripts, m);
        return report(status, scanner.errorOffset(), m, watch);
    }

    /** Everything a scan reports, as lines: status and error offset, output count, each output, each spend, watch size. */
    static List<String> report(final int status, final int errorOffset, final MatchList m, final OutpointWatch watch) {
        final List<String> lines = new ArrayList<>();
        lines.add(ScanError.name(status) + "@" + errorOffset);
        lines.add(Integer.toString(m.outputCount()));
        for (int i = 0; i < m.outputCount(); i++) {
            lines.add("out " + m.txIndex(i) + ":" + Hex.toHexReversed(m.txids(), i * 32, 32) + ":" + m.outputIndex(i) + ":"
                + m.amountHi(i) + ":" + m.amountLo(i) + ":" + m.invoiceSlot(i) + ":" + m.flags(i));
        }
        for (int i = 0; i < m.spendCount(); i++) {
            lines.add("spend " + Hex.toHexReversed(m.spenderTxids(), i * 32, 32) + ":" + Hex.toHexReversed(m.prevTxids(), i * 32, 32)
                + ":" + m.prevIndex(i));
        }
        lines.add("watched outpoints " + watch.size());
        return lines;
    }
}
