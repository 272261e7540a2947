package io.finality.bench.matcher;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.finality.matcher.index.WatchKeyHash;
import io.finality.matcher.index.WatchKeyIndex;
import io.finality.matcher.index.WatchKeyIndexContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Question: how many output-script probes per second does the scan stage get from the matcher index with
 * 1 M and 10 M watched keys at a 0.01 % hit rate, against a {@code HashMap<ByteBuffer, Integer>} holding the
 * same keys? One thread, probes in a stream as the scanner issues them (independent lookups, no dependency
 * between them). Run with {@code -prof gc}: the index must show 0 B/op.
 *
 * <p>{@link #watchKeyIndexBatched} probes the same stream through {@link WatchKeyIndex#lookupBatch}, keys gathered
 * per chain into batches of {@code batchSize}.
 *
 * <p>Each invocation probes {@value #BATCH} keys from a pre-built set of 2^20 probe keys (1 in 10,000 is
 * watched), so the score is probes per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "-Xms8g", "-Xmx8g", "-XX:+UseParallelGC", "-XX:MaxDirectMemorySize=8g",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.provider=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true"})
public class WatchKeyIndexProbeBenchmark {
    static final int BATCH = 1024;
    static final int PROBES = 1 << 20;
    static final int HIT_EVERY = 10_000;
    static final long SEED = 0xF1_4A11L;

    /** Probe keys packed at {@link WatchKeys#STRIDE}, shared by both contenders. */
    @State(Scope.Thread)
    public static class Probes {
        final UnsafeBuffer packed = new UnsafeBuffer(ByteBuffer.allocateDirect(PROBES * WatchKeys.STRIDE));
        final int[] lengths = new int[PROBES];
        final int[] chains = new int[PROBES];
        int cursor;

        void build(final int watched) {
            final SplittableRandom random = new SplittableRandom(SEED + 1);
            final byte[] key = new byte[WatchKeys.STRIDE];
            for (int p = 0; p < PROBES; p++) {
                // Hits are watched keys; misses come from a disjoint index range of the same generator.
                final long i = random.nextInt(HIT_EVERY) == 0 ? random.nextInt(watched) : watched + (long) random.nextInt(1 << 30);
                lengths[p] = WatchKeys.key(SEED, i, key);
                chains[p] = WatchKeys.chain(i);
                packed.putBytes(p * WatchKeys.STRIDE, key, 0, lengths[p]);
            }
        }
    }

    /** Our index, with or without the pre-filter. */
    @State(Scope.Thread)
    public static class IndexState extends Probes {
        @Param({"1000000", "10000000"})
        int keys;
        @Param({"true", "false"})
        boolean preFilter;
        @Param({"4"})
        int filterBitsPerSlot;
        /** Table and filter on 2 MiB transparent huge pages (where the kernel agrees). */
        @Param({"true"})
        boolean hugePages;
        WatchKeyIndex index;

        @Setup(Level.Trial)
        public void setUp() {
            index = new WatchKeyIndex(new WatchKeyIndexContext().expectedKeys(keys).preFilter(preFilter)
                .filterBitsPerSlot(filterBitsPerSlot).hugePages(hugePages));
            final UnsafeBuffer key = new UnsafeBuffer(new byte[WatchKeys.STRIDE]);
            for (int i = 0; i < keys; i++) {
                final int length = WatchKeys.key(SEED, i, key.byteArray());
                index.put(WatchKeys.chain(i), key, 0, length, i);
            }
            build(keys);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            index.close();
        }
    }

    /** The baseline: chain code prefixed to the key bytes, as a heap ByteBuffer key. */
    @State(Scope.Thread)
    public static class MapState extends Probes {
        @Param({"1000000", "10000000"})
        int keys;
        HashMap<ByteBuffer, Integer> map;
        ByteBuffer[] probeKeys;

        @Setup(Level.Trial)
        public void setUp() {
            map = new HashMap<>(keys * 2);
            final byte[] key = new byte[WatchKeys.STRIDE];
            for (int i = 0; i < keys; i++) {
                final int length = WatchKeys.key(SEED, i, key);
                map.put(mapKey(WatchKeys.chain(i), key, length), i);
            }
            build(keys);
            probeKeys = new ByteBuffer[PROBES];
            for (int p = 0; p < PROBES; p++) {
                packed.getBytes(p * WatchKeys.STRIDE, key, 0, lengths[p]);
                probeKeys[p] = mapKey(chains[p], key, lengths[p]);
            }
        }

        static ByteBuffer mapKey(final int chain, final byte[] key, final int length) {
            final byte[] bytes = new byte[length + 1];
            bytes[0] = (byte) chain;
            System.arraycopy(key, 0, bytes, 1, length);
            return ByteBuffer.wrap(bytes);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long watchKeyIndex(final IndexState state) {
        final WatchKeyIndex index = state.index;
        final UnsafeBuffer packed = state.packed;
        final int[] lengths = state.lengths;
        final int[] chains = state.chains;
        int p = state.cursor;
        long found = 0;
        for (int n = 0; n < BATCH; n++) {
            found += index.lookup(chains[p], packed, p * WatchKeys.STRIDE, lengths[p]);
            p = (p + 1) & (PROBES - 1);
        }
        state.cursor = p;
        return found;
    }

    /**
     * Scratch of the batched contender: keys gathered per chain (a batch is of one chain, as a block's outputs are),
     * handed to {@link WatchKeyIndex#lookupBatch} {@link #batchSize} at a time.
     */
    @State(Scope.Thread)
    public static class BatchScratch {
        /** Keys per {@code lookupBatch} call (the index works through them 256 at a time either way). */
        @Param({"256", "1024"})
        int batchSize;
        int[][] offsets;
        int[][] lengths;
        int[] slots;
        final int[] fill = new int[2];

        @Setup(Level.Trial)
        public void setUp() {
            offsets = new int[2][batchSize];
            lengths = new int[2][batchSize];
            slots = new int[batchSize];
        }
    }

    /** The same probe stream as {@link #watchKeyIndex}, through {@link WatchKeyIndex#lookupBatch}. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long watchKeyIndexBatched(final IndexState state, final BatchScratch scratch) {
        final WatchKeyIndex index = state.index;
        final UnsafeBuffer packed = state.packed;
        final int[] lengths = state.lengths;
        final int[] chains = state.chains;
        final int[] fill = scratch.fill;
        final int batchSize = scratch.batchSize;
        int p = state.cursor;
        long found = 0;
        for (int n = 0; n < BATCH; n++) {
            final int lane = chains[p] == WatchKeys.chain(0) ? 0 : 1;
            final int k = fill[lane];
            scratch.offsets[lane][k] = p * WatchKeys.STRIDE;
            scratch.lengths[lane][k] = lengths[p];
            fill[lane] = k + 1;
            if (k + 1 == batchSize) {
                found += flush(index, packed, scratch, lane, chains[p]);
            }
            p = (p + 1) & (PROBES - 1);
        }
        found += flush(index, packed, scratch, 0, WatchKeys.chain(0));
        found += flush(index, packed, scratch, 1, WatchKeys.chain(WatchKeys.OTHER_CHAIN_KEY));
        state.cursor = p;
        return found;
    }

    /**
     * Diagnostic: {@link #watchKeyIndexBatched} without the index (the gathering per chain and the summing of the
     * slots only), i.e. what the batched contender pays for the benchmark's own bookkeeping.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long gatherOnly(final IndexState state, final BatchScratch scratch) {
        final int[] lengths = state.lengths;
        final int[] chains = state.chains;
        final int[] fill = scratch.fill;
        final int batchSize = scratch.batchSize;
        int p = state.cursor;
        long found = 0;
        for (int n = 0; n < BATCH; n++) {
            final int lane = chains[p] == WatchKeys.chain(0) ? 0 : 1;
            final int k = fill[lane];
            scratch.offsets[lane][k] = p * WatchKeys.STRIDE;
            scratch.lengths[lane][k] = lengths[p];
            fill[lane] = k + 1;
            if (k + 1 == batchSize) {
                found += sumSlots(scratch, lane);
            }
            p = (p + 1) & (PROBES - 1);
        }
        found += sumSlots(scratch, 0) + sumSlots(scratch, 1);
        state.cursor = p;
        return found;
    }

    private static long sumSlots(final BatchScratch scratch, final int lane) {
        final int count = scratch.fill[lane];
        scratch.fill[lane] = 0;
        long found = 0;
        for (int i = 0; i < count; i++) {
            found += scratch.slots[i];
        }
        return found;
    }

    private static long flush(final WatchKeyIndex index, final UnsafeBuffer packed, final BatchScratch scratch, final int lane,
        final int chain) {
        final int count = scratch.fill[lane];
        if (count == 0) {
            return 0;
        }
        final int[] slots = scratch.slots;
        index.lookupBatch(chain, packed, scratch.offsets[lane], scratch.lengths[lane], count, slots);
        scratch.fill[lane] = 0;
        long found = 0;
        for (int i = 0; i < count; i++) {
            found += slots[i];
        }
        return found;
    }

    /** The probe stream alone, for the hash diagnostics. */
    @State(Scope.Thread)
    public static class HashState extends Probes {
        @Setup(Level.Trial)
        public void setUp() {
            build(1_000_000);
        }
    }

    /** Diagnostic: the fingerprint hash alone over the probe stream (the last 16 bytes of 16..40-byte keys). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long hashFiveReads(final HashState state) {
        final UnsafeBuffer packed = state.packed;
        final int[] lengths = state.lengths;
        final int[] chains = state.chains;
        int p = state.cursor;
        long acc = 0;
        for (int n = 0; n < BATCH; n++) {
            acc += WatchKeyHash.hash(chains[p], packed, p * WatchKeys.STRIDE, lengths[p]);
            p = (p + 1) & (PROBES - 1);
        }
        state.cursor = p;
        return acc;
    }

    /** Diagnostic: the same with the word-loop hash (every byte) for every length: the baseline. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long hashWordLoop(final HashState state) {
        final UnsafeBuffer packed = state.packed;
        final int[] lengths = state.lengths;
        final int[] chains = state.chains;
        int p = state.cursor;
        long acc = 0;
        for (int n = 0; n < BATCH; n++) {
            acc += WatchKeyHash.words(chains[p], packed, p * WatchKeys.STRIDE, lengths[p]);
            p = (p + 1) & (PROBES - 1);
        }
        state.cursor = p;
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long hashMapBaseline(final MapState state) {
        final HashMap<ByteBuffer, Integer> map = state.map;
        final ByteBuffer[] probeKeys = state.probeKeys;
        int p = state.cursor;
        long found = 0;
        for (int n = 0; n < BATCH; n++) {
            final Integer slot = map.get(probeKeys[p]);
            found += slot == null ? -1 : slot;
            p = (p + 1) & (PROBES - 1);
        }
        state.cursor = p;
        return found;
    }
}
