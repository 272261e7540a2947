package io.finality.bench.bitcoin;

import io.finality.bench.CpuRounds;
import io.finality.bitcoin.scan.BlockFlyweight;
import io.finality.bitcoin.scan.ScanError;
import io.finality.bitcoin.scan.TransactionFlyweight;
import io.finality.core.chain.ChainId;
import io.finality.matcher.index.WatchKeyHash;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Question: would hashing each output script while the walk finds it, rather than 256 at a time when the batch is
 * probed (as {@code WatchKeyIndex.lookupBatch} does now), hide part of the hashing behind the walk? The walk is one
 * chain of dependent loads (each length says where the next field is) and leaves most of the core idle; the hash of
 * a script depends on nothing of the walk's chain, so the CPU can run both at once when they are close together in
 * the instruction stream. Three contenders on the real blocks, interleaved round by round on the thread CPU clock:
 * walk and queue only; walk and queue, then hash the queued 256 ({@code WatchKeyHash}, as the matcher does); walk and
 * queue with each script hashed as it is queued. Measures only: using it needs the matcher to accept hashes
 * computed by the scanner. Single-threaded.
 *
 * <p>Run: {@code java -Xmx2g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks.jar
 * io.finality.bench.bitcoin.ScriptHashOverlapHarness [rounds]}.
 */
public final class ScriptHashOverlapHarness {
    private static final String[] NAMES = {"walk + queue", "walk + queue, hash per 256", "walk + queue + hash inline"};
    private static final int BATCH = 256;
    private static final int OPS_PER_ROUND = 5;

    /** The scanner's queue of script offsets and lengths, hashing them per batch or per script by mode. */
    private static final class Queue implements TransactionFlyweight.OutputListener {
        final int mode;
        final int chainCode;
        final int[] offsets = new int[BATCH];
        final int[] lengths = new int[BATCH];
        final long[] hashes = new long[BATCH];
        int queued;
        long sink;

        Queue(final int mode, final int chainCode) {
            this.mode = mode;
            this.chainCode = chainCode;
        }

        @Override
        public void onOutput(final DirectBuffer buffer, final int outputIndex, final int valueOffset, final int offset, final int length) {
            final int q = queued;
            offsets[q] = offset;
            lengths[q] = length;
            if (mode == 2) {
                hashes[q] = WatchKeyHash.hash(chainCode, buffer, offset, length);
            }
            queued = q + 1;
            if (q + 1 == BATCH) {
                flush(buffer);
            }
        }

        void flush(final DirectBuffer buffer) {
            final int n = queued;
            if (mode == 1) {
                for (int k = 0; k < n; k++) {
                    hashes[k] = WatchKeyHash.hash(chainCode, buffer, offsets[k], lengths[k]);
                }
            }
            for (int k = 0; k < n; k++) {
                sink += hashes[k];
            }
            queued = 0;
        }
    }

    private ScriptHashOverlapHarness() {
    }

    public static void main(final String[] args) throws Exception {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        final List<byte[]> blocks = BitcoinBlocks.mainnet();
        final UnsafeBuffer[] buffers = new UnsafeBuffer[blocks.size()];
        long bytes = 0;
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = new UnsafeBuffer(blocks.get(i));
            bytes += blocks.get(i).length;
        }
        final Queue[] queues = new Queue[NAMES.length];
        for (int v = 0; v < queues.length; v++) {
            queues[v] = new Queue(v, ChainId.BITCOIN_MAINNET.code());
        }
        final BlockFlyweight block = new BlockFlyweight();
        final TransactionFlyweight tx = new TransactionFlyweight();
        final double[][] nanos = CpuRounds.measure(NAMES.length, 100 * OPS_PER_ROUND, rounds, OPS_PER_ROUND, v -> {
            for (UnsafeBuffer buffer : buffers) {
                block.wrap(buffer, 0, buffer.capacity());
                while (block.hasNextTransaction()) {
                    if (block.nextTransaction(tx, queues[v]) != ScanError.OK) {
                        throw new IllegalStateException("block does not parse");
                    }
                }
                queues[v].flush(buffer);
            }
            return 0;
        }, new long[1]);
        long sink = 0;
        for (int v = 0; v < NAMES.length; v++) {
            final double median = CpuRounds.median(nanos[v]);
            System.out.printf("%-28s median %,8.0f us/op %,8.0f MB/s%n", NAMES[v], median / 1e3, bytes / median * 1e3);
            sink += queues[v].sink;
        }
        System.out.println("sink " + sink);
    }
}
