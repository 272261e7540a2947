package io.finality.tools.metrics;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.EventKind;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What the state-engine thread counts per applied step, for {@code /metrics}: blocks connected and
 * disconnected, reorgs, transactions scanned and matches per chain, the engine's own error counts, and the
 * detection latency (a slot's publication into the ring until its step, events included, is journaled).
 *
 * <p>Thread rules: the {@code on*} methods only from the state-engine thread (the single writer: each
 * counter is a plain read-then-{@code lazySet}, no lock, no allocation; the latency goes into an HdrHistogram
 * {@link SingleWriterRecorder}, wait-free and allocation-free). Readers ({@code /metrics} on API threads) may
 * call the accessors from any thread; {@link #latency} is synchronized among readers only.
 */
public final class StepMetrics {
    /** Largest latency recorded exactly; longer ones are clamped to it (a minute behind is already an outage). */
    public static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Latency resolution: three significant digits. */
    public static final int LATENCY_DIGITS = 3;

    /** Which slots a latency is measured for. */
    public enum LatencyKind {
        /** A connected block: from its publication to its step (and events) journaled. */
        BLOCK,
        /** A mempool transaction that paid a watched key (others make no journal step). */
        MEMPOOL
    }

    private static final int CHAIN_CODES = 64;
    private static final long NOT_YET = Long.MIN_VALUE;

    private final AtomicLongArray blocksConnected = new AtomicLongArray(CHAIN_CODES);
    private final AtomicLongArray blocksDisconnected = new AtomicLongArray(CHAIN_CODES);
    private final AtomicLongArray reorgs = new AtomicLongArray(CHAIN_CODES);
    private final AtomicLongArray transactionsScanned = new AtomicLongArray(CHAIN_CODES);
    private final AtomicLongArray matchedOutputs = new AtomicLongArray(CHAIN_CODES);
    private final AtomicLongArray matchedSpends = new AtomicLongArray(CHAIN_CODES);
    private final AtomicLong lastStepNanos = new AtomicLong(NOT_YET);
    private final AtomicLong malformedInputs = new AtomicLong();
    private final AtomicLong unscannedSlots = new AtomicLong();
    private final AtomicLong truncatedFields = new AtomicLong();
    private final Latency[] latencies = {new Latency(), new Latency()};
    /** Engine thread only: whether the chain's last block step was a disconnect (a reorg is a run of them). */
    private final boolean[] disconnecting = new boolean[CHAIN_CODES];

    /** A block step of {@code chain} was applied. Engine thread. */
    public void onBlock(final ChainId chain, final EventKind kind, final long transactions, final int outputs, final int spends) {
        final int c = chain.code();
        if (kind == EventKind.BLOCK_DISCONNECTED) {
            increment(blocksDisconnected, c, 1);
            if (!disconnecting[c]) {
                disconnecting[c] = true;
                increment(reorgs, c, 1);
            }
            return;
        }
        disconnecting[c] = false;
        increment(blocksConnected, c, 1);
        increment(transactionsScanned, c, transactions);
        increment(matchedOutputs, c, outputs);
        increment(matchedSpends, c, spends);
    }

    /** A mempool transaction of {@code chain} went through the engine. Engine thread. */
    public void onMempoolTransaction(final ChainId chain, final int outputs, final int spends) {
        final int c = chain.code();
        increment(transactionsScanned, c, 1);
        increment(matchedOutputs, c, outputs);
        increment(matchedSpends, c, spends);
    }

    /** A step's publication-to-journaled time. Engine thread. */
    public void onLatency(final LatencyKind kind, final long nanos) {
        latencies[kind.ordinal()].record(nanos);
    }

    /** The engine finished a step (whatever it was) at {@code nowNanos}, with its error counts so far. Engine thread. */
    public void onStepDone(final long nowNanos, final long malformed, final long unscanned, final long truncated) {
        lastStepNanos.lazySet(nowNanos);
        malformedInputs.lazySet(malformed);
        unscannedSlots.lazySet(unscanned);
        truncatedFields.lazySet(truncated);
    }

    private static void increment(final AtomicLongArray counters, final int index, final long by) {
        // Single writer: a plain read and an ordered write are enough, and cheaper than a locked add.
        counters.lazySet(index, counters.get(index) + by);
    }

    public long blocksConnected(final ChainId chain) {
        return blocksConnected.get(chain.code());
    }

    public long blocksDisconnected(final ChainId chain) {
        return blocksDisconnected.get(chain.code());
    }

    /** Reorganisations seen: runs of consecutive disconnects on the chain. */
    public long reorgs(final ChainId chain) {
        return reorgs.get(chain.code());
    }

    /** Transactions walked by the scan stage (Bitcoin: every transaction of each connected block, plus mempool ones). */
    public long transactionsScanned(final ChainId chain) {
        return transactionsScanned.get(chain.code());
    }

    /** Outputs that paid a watched key. */
    public long matchedOutputs(final ChainId chain) {
        return matchedOutputs.get(chain.code());
    }

    /** Inputs that spent a watched outpoint (conflict checks). */
    public long matchedSpends(final ChainId chain) {
        return matchedSpends.get(chain.code());
    }

    public long malformedInputs() {
        return malformedInputs.get();
    }

    public long unscannedSlots() {
        return unscannedSlots.get();
    }

    public long truncatedFields() {
        return truncatedFields.get();
    }

    /** Nanoseconds since the engine last finished a step, or -1 before the first. */
    public long lastStepAgeNanos(final long nowNanos) {
        final long last = lastStepNanos.get();
        return last == NOT_YET ? -1 : Math.max(0, nowNanos - last);
    }

    /** Every latency recorded so far of {@code kind} (a copy owned by the caller). Any thread. */
    public LatencySnapshot latency(final LatencyKind kind) {
        return latencies[kind.ordinal()].snapshot();
    }

    /** Count, sum and the cumulative distribution of one latency, as read at one moment. */
    public record LatencySnapshot(long count, long sumNanos, Histogram histogram) {
    }

    /** One latency: the recorder the engine thread writes, and the total the readers accumulate from it. */
    private static final class Latency {
        private final SingleWriterRecorder recorder = new SingleWriterRecorder(1, MAX_LATENCY_NANOS, LATENCY_DIGITS);
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong sumNanos = new AtomicLong();
        private final Histogram total = new Histogram(1, MAX_LATENCY_NANOS, LATENCY_DIGITS);
        private Histogram recycled;

        void record(final long nanos) {
            final long clamped = Math.max(1, Math.min(MAX_LATENCY_NANOS, nanos));
            recorder.recordValue(clamped);
            sumNanos.lazySet(sumNanos.get() + clamped);
            count.lazySet(count.get() + 1);
        }

        synchronized LatencySnapshot snapshot() {
            final long n = count.get();
            final long sum = sumNanos.get();
            recycled = recorder.getIntervalHistogram(recycled);
            total.add(recycled);
            return new LatencySnapshot(n, sum, total.copy());
        }
    }
}
