package io.finality.bitcoin.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.finality.bitcoin.RealBlocks;
import io.finality.core.test.TestScale;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The walk of {@link TransactionFlyweight#wrap}, with its fast paths, against {@link ReferenceTransactionWalk} (the
 * walk before them, verbatim): on every transaction of every real block and on mutants of real transactions and
 * blocks (bit flips, truncation, lying varints, inserted and deleted bytes), both must give the same status, error
 * offset, end, layout and output scripts (queued by the walk, handed to a listener by the reference), and for every
 * transaction that parses, the txid must be the double SHA-256 of the stripped serialisation the reference's offsets
 * describe, written at an unaligned offset of the destination (the second digest goes straight into the destination's
 * array).
 * CI runs {@value #CI_MUTATIONS} mutants, {@code -Pfull} {@value #FULL_MUTATIONS}; the seed is printed on failure.
 */
class TransactionWalkDifferentialTest {
    static final int CI_MUTATIONS = 60_000;
    static final int FULL_MUTATIONS = 1_000_000;

    private final TransactionFlyweight tx = new TransactionFlyweight();
    private final ReferenceTransactionWalk reference = new ReferenceTransactionWalk();
    private final List<String> seen = new ArrayList<>();
    private final List<String> expected = new ArrayList<>();
    private final DoubleSha256 hasher = new DoubleSha256();
    private final UnsafeBuffer txid = new UnsafeBuffer(new byte[64]);
    private final MessageDigest sha = sha256();
    /** Three outputs per fill, so that transactions with more outputs exercise the walk's full-queue call. */
    private final RecordingQueue queue = new RecordingQueue(seen, 3);
    private int parsed;

    @Test
    void shouldWalkEveryRealTransactionAsTheReferenceDoes() {
        final BlockFlyweight block = new BlockFlyweight();
        int txs = 0;
        for (RealBlocks.Block b : RealBlocks.all()) {
            final UnsafeBuffer buffer = new UnsafeBuffer(b.bytes());
            assertEquals(ScanError.OK, block.wrap(buffer, 0, b.bytes().length), b.source());
            txs += walkBlock(buffer, block, b.source());
        }
        assertTrue(txs > 10_000 && parsed == txs, txs + " transactions, " + parsed + " parsed");
    }

    @Test
    void shouldWalkMutatedTransactionsAndBlocksAsTheReferenceDoes() {
        final long seed = TestScale.seed(0x3A1C_2026L);
        final int mutations = TestScale.pick(CI_MUTATIONS, FULL_MUTATIONS);
        final Random random = new Random(seed);
        final List<byte[]> blocks = new ArrayList<>();
        final List<byte[]> txs = new ArrayList<>();
        final BlockFlyweight block = new BlockFlyweight();
        for (RealBlocks.Block b : RealBlocks.all()) {
            blocks.add(b.bytes());
            assertEquals(ScanError.OK, block.wrap(new UnsafeBuffer(b.bytes()), 0, b.bytes().length));
            block.forEachTransaction(tx, (i, t) -> txs.add(Arrays.copyOfRange(b.bytes(), t.offset(), t.end())));
        }
        final int[] statuses = new int[16];
        String what = "";
        for (int i = 0; i < mutations; i++) {
            final boolean blockMode = random.nextInt(8) == 0;
            final byte[] original = blockMode ? blocks.get(random.nextInt(blocks.size())) : txs.get(random.nextInt(txs.size()));
            final StringBuilder how = new StringBuilder();
            final byte[] mutant = ScannerFuzzTest.mutate(original, random, how);
            what = (blockMode ? "block " : "tx ") + original.length + "B " + how;
            try {
                final UnsafeBuffer buffer = new UnsafeBuffer(mutant);
                if (blockMode) {
                    if (block.wrap(buffer, 0, mutant.length) == ScanError.OK) {
                        walkBlock(buffer, block, what);
                    }
                } else {
                    statuses[compare(buffer, 0, mutant.length, what)]++;
                }
            } catch (final Throwable ex) {
                fail("seed " + seed + " (-Dfinality.seed=" + seed + "), mutation " + i + ": " + what, ex);
            }
        }
        System.out.println("TransactionWalkDifferentialTest seed " + seed + ", " + mutations + " mutants, tx statuses "
            + Arrays.toString(statuses));
        // the mutants must reach both the fast paths (parse) and the general path's errors
        assertTrue(statuses[ScanError.OK] > mutations / 20 && statuses[ScanError.TRUNCATED] > 0
            && statuses[ScanError.LENGTH_TOO_LARGE] > 0 && statuses[ScanError.BAD_VARINT] > 0, "seed " + seed);
    }

    /** Walk the transactions of a wrapped block with both walks, each from where the reference ended the last one. */
    private int walkBlock(final DirectBuffer buffer, final BlockFlyweight block, final String what) {
        int pos = block.offset() + BlockFlyweight.HEADER_LENGTH + varIntSize(buffer.getByte(block.offset() + BlockFlyweight.HEADER_LENGTH));
        final int limit = buffer.capacity();
        int n = 0;
        while (n < block.txCount()) {
            if (compare(buffer, pos, limit, what + " tx " + n) != ScanError.OK) {
                break;
            }
            pos = reference.end();
            n++;
        }
        return n;
    }

    private int compare(final DirectBuffer buffer, final int offset, final int limit, final String what) {
        seen.clear();
        expected.clear();
        final int status = tx.wrap(buffer, offset, limit, queue);
        queue.drain();
        final int refStatus = reference.wrap(buffer, offset, limit, (b, i, value, script, length) ->
            expected.add(script + ":" + length));
        assertEquals(ScanError.name(refStatus), ScanError.name(status), what);
        assertEquals(reference.errorOffset(), tx.errorOffset(), what);
        assertEquals(reference.end(), tx.end(), what);
        assertEquals(expected, seen, what);
        if (status != ScanError.OK) {
            return status;
        }
        parsed++;
        assertEquals(reference.segwit(), tx.segwit(), what);
        assertEquals(reference.inputCount(), tx.inputCount(), what);
        assertEquals(reference.outputCount(), tx.outputCount(), what);
        assertEquals(reference.inputsOffset(), tx.inputsOffset(), what);
        tx.txid(hasher, txid, 7);
        final byte[] stripped = stripped(buffer);
        final byte[] want = sha.digest(sha.digest(stripped));
        final byte[] got = new byte[32];
        txid.getBytes(7, got);
        assertEquals(Arrays.toString(want), Arrays.toString(got), what + ": txid");
        return status;
    }

    /** The stripped serialisation, assembled from the reference's offsets. */
    private byte[] stripped(final DirectBuffer buffer) {
        final int start = reference.offset();
        if (!reference.segwit()) {
            final byte[] all = new byte[reference.end() - start];
            buffer.getBytes(start, all);
            return all;
        }
        final int body = reference.outputsEnd() - reference.inputCountOffset();
        final byte[] out = new byte[4 + body + 4];
        buffer.getBytes(start, out, 0, 4);
        buffer.getBytes(reference.inputCountOffset(), out, 4, body);
        buffer.getBytes(reference.lockTimeOffset(), out, 4 + body, 4);
        return out;
    }

    private static int varIntSize(final byte first) {
        final int f = first & 0xFF;
        return f < 0xFD ? 1 : f == 0xFD ? 3 : f == 0xFE ? 5 : 9;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (final java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Records each queued output script as "offset:length", its arrays emptied into the list whenever full. */
    static final class RecordingQueue extends OutputQueue {
        private final List<String> into;

        RecordingQueue(final List<String> into, final int capacity) {
            this.into = into;
            scriptOffsets = new int[capacity];
            scriptLengths = new int[capacity];
        }

        @Override
        protected void onFull() {
            drain();
        }

        void drain() {
            for (int i = 0; i < count; i++) {
                into.add(scriptOffsets[i] + ":" + scriptLengths[i]);
            }
            count = 0;
        }
    }
}
