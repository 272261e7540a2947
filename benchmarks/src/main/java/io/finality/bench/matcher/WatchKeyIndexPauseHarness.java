package io.finality.bench.matcher;

import io.finality.matcher.index.WatchKeyIndex;
import io.finality.matcher.index.WatchKeyIndexContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Question: how long does index maintenance stall the scan stage at 10 M keys? Grows an index from its default
 * size to {@code keys} (every doubling is a full rehash), then removes 60 % of the keys (pre-filter rebuilds
 * and key-arena compaction), printing every pause. Single-shot by nature, so a main() rather than JMH.
 *
 * <p>Run: {@code java -cp benchmarks.jar -Xmx2g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
 * --enable-native-access=ALL-UNNAMED io.finality.bench.matcher.WatchKeyIndexPauseHarness [keys]}.
 */
public final class WatchKeyIndexPauseHarness {
    private WatchKeyIndexPauseHarness() {
    }

    public static void main(final String[] args) {
        final int keys = args.length > 0 ? Integer.parseInt(args[0]) : 10_500_000;
        final long seed = WatchKeyIndexProbeBenchmark.SEED;
        final UnsafeBuffer key = new UnsafeBuffer(new byte[WatchKeys.STRIDE]);
        try (WatchKeyIndex index = new WatchKeyIndex(new WatchKeyIndexContext())) {
            long pauses = 0;
            long worstPut = 0;
            int worstPutAt = 0;
            final long start = System.nanoTime();
            for (int i = 0; i < keys; i++) {
                final int length = WatchKeys.key(seed, i, key.byteArray());
                final long putStart = System.nanoTime();
                index.put(WatchKeys.chain(i), key, 0, length, i);
                final long putNanos = System.nanoTime() - putStart;
                if (putNanos > worstPut) {
                    worstPut = putNanos;
                    worstPutAt = i;
                }
                if (index.pauseCount() != pauses) {
                    pauses = index.pauseCount();
                    System.out.printf("grow   at %,11d keys -> %,11d slots: %,8.1f ms%n", index.size(), index.capacity(),
                        index.lastPauseNanos() / 1e6);
                }
            }
            System.out.printf("inserted %,d keys in %.1f s (%,.0f puts/s), off-heap %,d MiB, %s%n", keys,
                (System.nanoTime() - start) / 1e9, keys / ((System.nanoTime() - start) / 1e9), index.offHeapBytes() >> 20,
                ProcessMemory.residentSummary());
            // The index's own pause count times the table allocation only; page faults on the fresh table (lazily zeroed
            // huge pages) land in the mutations that drain into it, so the longest single put is reported too.
            System.out.printf("longest single put (wall clock, includes page faults and drain steps): %,.2f ms at key %,d%n",
                worstPut / 1e6, worstPutAt);
            final long growthMax = index.maxPauseNanos();
            final long removeStart = System.nanoTime();
            for (int i = 0; i < keys; i++) {
                if (i % 5 < 3) {
                    final int length = WatchKeys.key(seed, i, key.byteArray());
                    index.remove(WatchKeys.chain(i), key, 0, length);
                    if (index.pauseCount() != pauses) {
                        pauses = index.pauseCount();
                        System.out.printf("remove at %,11d keys (filter rebuild / arena compaction): %,8.1f ms%n", index.size(),
                            index.lastPauseNanos() / 1e6);
                    }
                }
            }
            System.out.printf("removed to %,d keys in %.1f s; worst growth pause %.1f ms, worst pause overall %.1f ms%n", index.size(),
                (System.nanoTime() - removeStart) / 1e9, growthMax / 1e6, index.maxPauseNanos() / 1e6);
        }
    }
}
