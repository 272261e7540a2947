package io.finality.bench.bitcoin;

import static io.finality.bench.CpuRounds.median;
import static io.finality.bench.CpuRounds.medianRatio;

import io.finality.bench.CpuRounds;
import io.finality.bitcoin.scan.BitcoinBlockScanner;
import io.finality.bitcoin.scan.BlockFlyweight;
import io.finality.bitcoin.scan.DoubleSha256;
import io.finality.bitcoin.scan.ScanError;
import io.finality.bitcoin.scan.TransactionFlyweight;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Question: where does the time of "every txid of every block" go, against the double SHA-256 floor of
 * {@link BitcoinTxidBenchmark}? Interleaves round by round (CPU-time clock, so a loaded machine does not skew one
 * contender) the floor, our {@code allTxids} on heap (the engine the scanner chose: vector lanes where they are faster,
 * else two transactions side by side on the intrinsic), the same with the vector lanes refused, the same walk with
 * each transaction hashed in turn on the SHA-256 fast path and on the plain MessageDigest path (the path before the
 * fast one: the old-vs-new A/B), and pieces of it: the walk alone (no hashing), the txid hashing alone over ranges
 * found beforehand (the same calls as {@code TransactionFlyweight.txid}, fast path), the MessageDigest hashing over
 * each transaction's stripped serialisation copied beforehand into one contiguous range (one {@code update} per
 * transaction), only the first of the two hashes over those copies, and one hash over all stripped bytes of a
 * block at once (the compression cost of the stripped bytes with no per-transaction cost at all). It also prints
 * the SHA-256 compressions each needs, from which the best ratio to the floor of one-by-one hashing follows (lanes
 * can pass it: the floor is one chain of dependent compressions, lanes overlap several). Single-threaded.
 *
 * <p>Run: {@code java -Xms2g -Xmx2g --add-opens=java.base/sun.security.provider=ALL-UNNAMED
 * --add-modules=jdk.incubator.vector -cp benchmarks.jar io.finality.bench.bitcoin.TxidAbHarness [rounds]} (without the
 * add-opens every contender runs on MessageDigest; without the add-modules there are no vector lanes).
 */
public final class TxidAbHarness {
    private static final String[] NAMES = {"floor (whole block)", "allTxids (its choice)", "allTxids (pairs)", "1 by 1, fast hasher",
        "1 by 1, MessageDigest", "walk only", "hash only (txid calls)", "hash only (1 update/tx)", "first hash only",
        "stripped bytes, 1 hash"};
    private static final int OPS_PER_ROUND = 5;

    private final BitcoinBenchState s = new BitcoinBenchState();
    private final BlockFlyweight block = new BlockFlyweight();
    private final TransactionFlyweight tx = new TransactionFlyweight();
    private final DoubleSha256 hasher = new DoubleSha256();
    private final BitcoinBlockScanner pairs = BitcoinBlockScanner.withoutVectorTxids();
    /** The txid path before the SHA-256 fast path: MessageDigest update, digest, update, digest per transaction. */
    private final DoubleSha256 messageDigestHasher = DoubleSha256.messageDigestOnly();
    private final MessageDigest digest;
    private final byte[] scratch = new byte[32];
    /** Per transaction, the hashed ranges as txid() feeds them: offset, length; segwit ones use three ranges. */
    private int[] ranges;
    private int[] rangeCounts;
    private int[] blockOfTx;
    /** Per block, its transactions' stripped serialisations back to back, and where each transaction starts. */
    private byte[][] stripped;
    private int[][] strippedStarts;

    private TxidAbHarness() throws NoSuchAlgorithmException {
        digest = MessageDigest.getInstance("SHA-256");
    }

    public static void main(final String[] args) throws Exception {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        new TxidAbHarness().run(rounds);
    }

    private void run(final int rounds) throws Exception {
        s.setUp();
        prepare();
        final BitcoinTxidBenchmark b = new BitcoinTxidBenchmark();
        final BitcoinTxidBenchmark.Floor floor = new BitcoinTxidBenchmark.Floor();
        try {
            floor.setUp();
        } catch (final NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
        final long[] sink = {0};
        final double[][] nanosPerOp = CpuRounds.measure(NAMES.length, 150, rounds, OPS_PER_ROUND, v -> contender(b, floor, v), sink);
        System.out.printf("fixture %d bytes, %d txs; %d rounds of %d ops, CPU time (sink %d)%n",
            s.totalBytes, s.totalTxs, rounds, OPS_PER_ROUND, sink[0]);
        for (int v = 0; v < NAMES.length; v++) {
            final double med = median(nanosPerOp[v]);
            System.out.printf("%-26s median %,9.0f us/op %,7.0f MB/s  %6.1f %% of floor (per-round ratio)  %5.1f ns/tx%n",
                NAMES[v], med / 1e3, s.totalBytes / med * 1e3, 100 * medianRatio(nanosPerOp[0], nanosPerOp[v]), med / s.totalTxs);
        }
        compressions();
    }

    private long contender(final BitcoinTxidBenchmark b, final BitcoinTxidBenchmark.Floor floor, final int v) throws DigestException {
        switch (v) {
            case 0:
                return b.hashingFloor(s, floor);
            case 1:
                return b.allTxids(s);
            case 2:
                return allTxidsInPairs();
            case 3:
                return oneByOne(hasher);
            case 4:
                return oneByOne(messageDigestHasher);
            case 5:
                return walkOnly();
            case 6:
                return hashRanges();
            case 7:
                return hashStripped(true);
            case 8:
                return hashStripped(false);
            default:
                return hashStrippedWhole();
        }
    }

    private void prepare() {
        ranges = new int[6 * s.totalTxs];
        rangeCounts = new int[s.totalTxs];
        blockOfTx = new int[s.totalTxs];
        stripped = new byte[s.buffers.length][];
        strippedStarts = new int[s.buffers.length][];
        int t = 0;
        for (int i = 0; i < s.buffers.length; i++) {
            final UnsafeBuffer buffer = s.buffers[i];
            block.wrap(buffer, 0, buffer.capacity());
            final byte[] out = new byte[buffer.capacity()];
            strippedStarts[i] = new int[block.txCount() + 1];
            int at = 0;
            int k = 0;
            while (block.hasNextTransaction()) {
                if (block.nextTransaction(tx) != ScanError.OK) {
                    throw new IllegalStateException("block " + i);
                }
                strippedStarts[i][k++] = at;
                blockOfTx[t] = i;
                if (!tx.segwit()) {
                    rangeCounts[t] = 1;
                    ranges[6 * t] = tx.offset();
                    ranges[6 * t + 1] = tx.length();
                } else {
                    int outputsEnd = 0;
                    while (tx.nextOutput()) {
                        outputsEnd = tx.scriptOffset() + tx.scriptLength();
                    }
                    rangeCounts[t] = 3;
                    ranges[6 * t] = tx.offset();
                    ranges[6 * t + 1] = 4;
                    ranges[6 * t + 2] = tx.offset() + 6;
                    ranges[6 * t + 3] = outputsEnd - tx.offset() - 6;
                    ranges[6 * t + 4] = tx.end() - 4;
                    ranges[6 * t + 5] = 4;
                }
                for (int r = 0; r < rangeCounts[t]; r++) {
                    buffer.getBytes(ranges[6 * t + 2 * r], out, at, ranges[6 * t + 2 * r + 1]);
                    at += ranges[6 * t + 2 * r + 1];
                }
                t++;
            }
            strippedStarts[i][k] = at;
            stripped[i] = Arrays.copyOf(out, at);
        }
    }

    /** {@code allTxids} on a scanner that never takes the vector lanes: two transactions side by side on the intrinsic. */
    private long allTxidsInPairs() {
        long acc = 0;
        for (UnsafeBuffer buffer : s.buffers) {
            if (pairs.allTxids(buffer, 0, buffer.capacity(), s.txids, 0) != ScanError.OK) {
                throw new IllegalStateException();
            }
            acc += s.txids.getByte(0);
        }
        return acc;
    }

    /** Walk and hash each transaction in turn, as allTxids did before the lanes (and still does off-heap). */
    private long oneByOne(final DoubleSha256 hasher) {
        final UnsafeBuffer out = s.txids;
        long acc = 0;
        for (UnsafeBuffer buffer : s.buffers) {
            block.wrap(buffer, 0, buffer.capacity());
            int at = 0;
            while (block.hasNextTransaction()) {
                if (block.nextTransaction(tx) != ScanError.OK) {
                    throw new IllegalStateException();
                }
                tx.txid(hasher, out, at);
                at += 32;
            }
            acc += out.getByte(0);
        }
        return acc;
    }

    private long walkOnly() {
        long acc = 0;
        for (UnsafeBuffer buffer : s.buffers) {
            block.wrap(buffer, 0, buffer.capacity());
            while (block.hasNextTransaction()) {
                if (block.nextTransaction(tx) != ScanError.OK) {
                    throw new IllegalStateException();
                }
                acc += tx.end();
            }
        }
        return acc;
    }

    private long hashRanges() {
        final int[] ranges = this.ranges;
        final UnsafeBuffer out = s.txids;
        long acc = 0;
        for (int t = 0; t < rangeCounts.length; t++) {
            final UnsafeBuffer buffer = s.buffers[blockOfTx[t]];
            for (int r = 0; r < rangeCounts[t]; r++) {
                hasher.update(buffer, ranges[6 * t + 2 * r], ranges[6 * t + 2 * r + 1]);
            }
            hasher.finish(out, 0);
            acc += out.getByte(0);
        }
        return acc;
    }

    private long hashStripped(final boolean twice) throws DigestException {
        final MessageDigest digest = this.digest;
        final byte[] scratch = this.scratch;
        long acc = 0;
        for (int i = 0; i < stripped.length; i++) {
            final byte[] bytes = stripped[i];
            final int[] starts = strippedStarts[i];
            for (int k = 0; k + 1 < starts.length; k++) {
                digest.update(bytes, starts[k], starts[k + 1] - starts[k]);
                digest.digest(scratch, 0, 32);
                if (twice) {
                    digest.update(scratch, 0, 32);
                    digest.digest(scratch, 0, 32);
                }
                acc += scratch[0];
            }
        }
        return acc;
    }

    private long hashStrippedWhole() throws DigestException {
        long acc = 0;
        for (byte[] bytes : stripped) {
            digest.update(bytes, 0, bytes.length);
            digest.digest(scratch, 0, 32);
            acc += scratch[0];
        }
        return acc;
    }

    /** SHA-256 compressions of the floor and of all txids; their quotient is the best the txids can reach. */
    private void compressions() {
        long floor = 0;
        for (byte[] bytes : s.blocks) {
            floor += blocks(bytes.length) + 1;
        }
        long txids = 0;
        long strippedBytes = 0;
        for (int[] starts : strippedStarts) {
            for (int k = 0; k + 1 < starts.length; k++) {
                txids += blocks(starts[k + 1] - starts[k]) + 1;
            }
            strippedBytes += starts[starts.length - 1];
        }
        System.out.printf("compressions: floor %,d, txids %,d (stripped bytes %,d of %,d): best ratio to floor %.1f %%%n",
            floor, txids, strippedBytes, s.totalBytes, 100.0 * floor / txids);
    }

    private static long blocks(final int length) {
        return (length + 9 + 63) / 64;
    }
}
