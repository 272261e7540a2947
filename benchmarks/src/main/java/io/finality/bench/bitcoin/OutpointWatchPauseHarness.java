package io.finality.bench.bitcoin;

import io.finality.bitcoin.scan.OutpointWatch;
import io.finality.matcher.index.WatchKeyIndex;
import io.finality.matcher.index.WatchKeyIndexContext;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Question: how long can one {@link OutpointWatch} call stall the scan thread when the watch is large? Fills a watch
 * (retention 100 blocks, on the matcher's index as in the sidecar) to {@code outpoints} live entries, 1 % of them
 * added per block, then runs 200 more blocks at that rate, so that as many expire as are added; prints the slowest
 * single {@code add} (a doubling of the bit set, or of the index and log) and the slowest {@code onBlock} (the expiry of
 * a block's worth: index removals, bit clearing, log compaction).
 *
 * <p>Run: {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -Xmx4g
 * -cp benchmarks.jar io.finality.bench.bitcoin.OutpointWatchPauseHarness [outpoints]}. Single-threaded.
 */
public final class OutpointWatchPauseHarness {
    private OutpointWatchPauseHarness() {
    }

    public static void main(final String[] args) {
        final int live = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int retention = 100;
        final OutpointWatch watch = new OutpointWatch(new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(live)), retention);
        final UnsafeBuffer outpoint = new UnsafeBuffer(new byte[OutpointWatch.OUTPOINT_LENGTH]);
        final SplittableRandom random = new SplittableRandom(20261121);
        long slowestAdd = 0;
        long slowestBlock = 0;
        watch.onBlock(0);
        for (int block = 1; block <= 3 * retention; block++) {
            for (int i = 0; i < live / retention; i++) {
                random.nextBytes(outpoint.byteArray());
                final long start = System.nanoTime();
                watch.add(1, outpoint, 0);
                slowestAdd = Math.max(slowestAdd, System.nanoTime() - start);
            }
            final long start = System.nanoTime();
            watch.onBlock(block);
            slowestBlock = Math.max(slowestBlock, System.nanoTime() - start);
        }
        System.out.printf("%,d outpoints watched (retention %d blocks, %,d added and expired per block): slowest add %.1f ms,"
            + " slowest onBlock %.1f ms%n", watch.size(), retention, live / retention, slowestAdd / 1e6, slowestBlock / 1e6);
    }
}
