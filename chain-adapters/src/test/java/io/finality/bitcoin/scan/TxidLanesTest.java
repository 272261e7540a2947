package io.finality.bitcoin.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.finality.bitcoin.RealBlocks;
import io.finality.core.test.TestScale;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BitcoinBlockScanner#allTxids} on heap buffers, which hashes transactions side by side in {@link TxidLanes}
 * (two on the intrinsic) or {@link TxidVectorLanes} (the vector lanes of this CPU, and 1 or 3 lanes on the intrinsic,
 * which check the vector driver apart from the vector kernel), each against the one-by-one txid on the MessageDigest
 * fallback ({@link TransactionFlyweight#txid} with a forced {@link Sha256Compression}): every real block, viewed at an
 * offset inside a larger array and written at an unaligned destination; synthetic legacy and segwit transactions of
 * every stripped length modulo 64 (incl. segwit ones whose middle is shorter than the staged first block) in a seeded
 * random order, so lanes of every length meet; and mutants of real blocks, where the heap (lanes) and off-heap (one by
 * one) paths must agree on status, error offset and every txid written before the error. bitcoinj checks the real
 * txids in {@link BlockScannerDifferentialTest}.
 */
class TxidLanesTest {
    private final DoubleSha256 reference = new DoubleSha256(new Sha256Compression(false));
    private final BlockFlyweight block = new BlockFlyweight();
    private final TransactionFlyweight tx = new TransactionFlyweight();

    /** The all-txids engines under test, each on a scanner of its own. */
    static Stream<Arguments> engines() {
        return Stream.of(
            Arguments.of("pairs on the intrinsic", BitcoinBlockScanner.withoutVectorTxids()),
            Arguments.of("vector lanes", BitcoinBlockScanner.withVectorTxids(TxidPath.loadVectorCompression())),
            Arguments.of("3 lanes on the intrinsic", BitcoinBlockScanner.withVectorTxids(new ScalarLaneCompression(3))),
            Arguments.of("1 lane on the intrinsic", BitcoinBlockScanner.withVectorTxids(new ScalarLaneCompression(1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void shouldWriteEveryRealBlocksTxidsAsTheOneByOnePath(final String engine, final BitcoinBlockScanner scanner) {
        assertTrue(Sha256Compression.fastPathAvailable(), "the lanes run only on the fast path: " + Sha256Compression.unavailableReason());
        int blocks = 0;
        for (RealBlocks.Block b : RealBlocks.all()) {
            final byte[] bytes = b.bytes();
            final byte[] backing = new byte[bytes.length + 64];
            System.arraycopy(bytes, 0, backing, 21, bytes.length);
            // the view starts 16 bytes into the array and the block 5 bytes into the view
            final UnsafeBuffer buffer = new UnsafeBuffer(backing, 16, bytes.length + 30);
            compare(scanner, buffer, 5, bytes.length, engine + ", " + b.source());
            blocks++;
        }
        assertTrue(blocks > 10, blocks + " blocks");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void shouldHashSyntheticTransactionsOfEveryLengthModuloTheBlock(final String engine, final BitcoinBlockScanner scanner) {
        final long seed = TestScale.seed(0x1A9E_5EEDL);
        final Random random = new Random(seed);
        final List<byte[]> txs = new ArrayList<>();
        for (int script = 0; script < 220; script++) {
            txs.add(transaction(random, false, script));
            txs.add(transaction(random, true, script));
        }
        for (int i = 0; i < 40; i++) {
            // a few long ones, so a short lane meets a long one
            txs.add(transaction(random, random.nextBoolean(), 300 + random.nextInt(3_000)));
        }
        Collections.shuffle(txs, random);
        final byte[] bytes = block(random, txs);
        compare(scanner, new UnsafeBuffer(bytes), 0, bytes.length, engine + ", seed " + seed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void shouldAgreeWithTheOneByOnePathOnMutatedBlocks(final String engine, final BitcoinBlockScanner scanner) {
        final long seed = TestScale.seed(0x3D0_7A9EL);
        final int mutations = TestScale.pick(300, 5_000);
        final Random random = new Random(seed);
        final List<RealBlocks.Block> blocks = RealBlocks.all();
        final UnsafeBuffer heapTxids = new UnsafeBuffer(new byte[32 * 8_192]);
        final UnsafeBuffer offHeapTxids = new UnsafeBuffer(new byte[32 * 8_192]);
        final int[] statuses = new int[16];
        for (int i = 0; i < mutations; i++) {
            final byte[] original = blocks.get(random.nextInt(blocks.size())).bytes();
            final StringBuilder how = new StringBuilder();
            final byte[] mutant = ScannerFuzzTest.mutate(original, random, how);
            final UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(1, mutant.length)), 0, mutant.length);
            offHeap.putBytes(0, mutant);
            heapTxids.setMemory(0, heapTxids.capacity(), (byte)0);
            offHeapTxids.setMemory(0, offHeapTxids.capacity(), (byte)0);
            try {
                final int heap = scanner.allTxids(new UnsafeBuffer(mutant), 0, mutant.length, heapTxids, 0);
                final int heapError = scanner.errorOffset();
                final int direct = scanner.allTxids(offHeap, 0, mutant.length, offHeapTxids, 0);
                assertEquals(direct, heap, how.toString());
                assertEquals(scanner.errorOffset(), heapError, how.toString());
                assertEquals(0, heapTxids.compareTo(offHeapTxids), how.toString());
                statuses[heap]++;
            } catch (final Throwable ex) {
                fail(engine + ", seed " + seed + " (-Dfinality.seed=" + seed + "), mutation " + i + ": " + how, ex);
            }
        }
        assertTrue(statuses[ScanError.OK] > 0 && statuses[ScanError.OK] < mutations, "seed " + seed + ": some mutants must fail");
    }

    @Test
    void shouldRefuseVectorLanesThatHashOneLaneWrong() {
        assertEquals(null, TxidPath.selfTest(new ScalarLaneCompression(3)));
        // a bit flipped in lane 2 after a compression, or in its fresh state when its second hash is staged: either has
        // reached every word of lane 2 by the end of the self-test
        for (boolean inDigest : new boolean[] {false, true}) {
            final String failed = TxidPath.selfTest(breakingLane2(new ScalarLaneCompression(3), inDigest));
            assertTrue(failed != null && failed.startsWith("vector lanes failed their self-test (lane 2, "), inDigest + ": " + failed);
        }
    }

    /** {@code good}, but lane 2's state word 5 is flipped after each compression, or when its second hash is staged. */
    private static LaneCompression breakingLane2(final ScalarLaneCompression good, final boolean inDigest) {
        return new LaneCompression() {
            @Override
            public int lanes() {
                return good.lanes();
            }

            @Override
            public int[] state() {
                return good.state();
            }

            @Override
            public void stage(final int lane, final byte[] bytes, final int offset) {
                good.stage(lane, bytes, offset);
            }

            @Override
            public void stageDigest(final int lane) {
                good.stageDigest(lane);
                if (inDigest && lane == 2) {
                    good.state()[5 * 3 + 2] ^= 1;
                }
            }

            @Override
            public void compress() {
                good.compress();
                if (!inDigest) {
                    good.state()[5 * 3 + 2] ^= 1;
                }
            }
        };
    }

    /** Heap allTxids (the lanes) at an unaligned destination against the one-by-one MessageDigest txid of each transaction. */
    private void compare(
        final BitcoinBlockScanner scanner, final UnsafeBuffer buffer, final int offset, final int length, final String what) {
        assertEquals(ScanError.OK, block.wrap(buffer, offset, length), what);
        final int count = block.txCount();
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[32 * count]);
        int i = 0;
        while (block.hasNextTransaction()) {
            assertEquals(ScanError.OK, block.nextTransaction(tx), what);
            tx.txid(reference, expected, 32 * i++);
        }
        final UnsafeBuffer actual = new UnsafeBuffer(new byte[32 * count + 20], 8, 32 * count + 12);
        assertEquals(ScanError.OK, scanner.allTxids(buffer, offset, length, actual, 3), what);
        for (int t = 0; t < count; t++) {
            final byte[] want = new byte[32];
            final byte[] got = new byte[32];
            expected.getBytes(32 * t, want);
            actual.getBytes(3 + 32 * t, got);
            assertArrayEquals(want, got, what + ", transaction " + t + " of " + count);
        }
    }

    /** One input, one output of {@code script} bytes; segwit ones with one witness item. */
    private static byte[] transaction(final Random random, final boolean segwit, final int script) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(random, 4));
        if (segwit) {
            out.write(0);
            out.write(1);
        }
        out.write(1);
        out.writeBytes(bytes(random, 36));
        final int sig = segwit ? 0 : random.nextInt(3);
        out.write(sig);
        out.writeBytes(bytes(random, sig + 4));
        out.write(1);
        out.writeBytes(bytes(random, 8));
        varint(out, script);
        out.writeBytes(bytes(random, script));
        if (segwit) {
            final int item = random.nextInt(80);
            out.write(1);
            out.write(item);
            out.writeBytes(bytes(random, item));
        }
        out.writeBytes(bytes(random, 4));
        return out.toByteArray();
    }

    private static byte[] block(final Random random, final List<byte[]> txs) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(random, 80));
        varint(out, txs.size());
        for (byte[] t : txs) {
            out.writeBytes(t);
        }
        return out.toByteArray();
    }

    private static void varint(final ByteArrayOutputStream out, final int value) {
        if (value < 0xFD) {
            out.write(value);
        } else {
            out.write(0xFD);
            out.write(value & 0xFF);
            out.write(value >>> 8);
        }
    }

    private static byte[] bytes(final Random random, final int n) {
        final byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }
}
