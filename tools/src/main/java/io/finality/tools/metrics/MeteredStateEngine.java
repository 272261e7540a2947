package io.finality.tools.metrics;

import io.finality.core.chain.ChainFamily;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.core.spi.StateEngine;
import io.finality.engine.journal.JournaledStateEngine;
import org.agrona.DirectBuffer;

/**
 * Stage 2 with its meter: applies each slot through the {@link JournaledStateEngine}, then, once the step is
 * journaled, counts it into {@link StepMetrics} (blocks, reorgs, transactions, matches, the engine's error
 * counts) and records its detection latency from {@link ChainEvent#publishNanos()}.
 *
 * <p>Thread rules: the state-engine thread only (it is the pipeline's stage 2). Allocates nothing.
 */
public final class MeteredStateEngine implements StateEngine {
    /** Offset of a Bitcoin block's transaction count (a CompactSize after the 80-byte header). */
    static final int BITCOIN_TX_COUNT_OFFSET = 80;

    private final JournaledStateEngine engine;
    private final StepMetrics metrics;

    public MeteredStateEngine(final JournaledStateEngine engine, final StepMetrics metrics) {
        this.engine = engine;
        this.metrics = metrics;
    }

    @Override
    public void onStep(final ChainEvent event, final long sequence, final boolean endOfBatch) {
        final long stepsBefore = engine.stepSequence();
        engine.onStep(event, sequence, endOfBatch);
        final long now = System.nanoTime();
        final boolean journaled = engine.stepSequence() != stepsBefore;
        final EventKind kind = event.kind();
        if (journaled && !event.discarded()) {
            final MatchList matches = event.matches();
            if (kind == EventKind.BLOCK_CONNECTED) {
                metrics.onBlock(event.chain(), kind, transactionCount(event), matches.outputCount(), matches.spendCount());
                latency(StepMetrics.LatencyKind.BLOCK, event, now);
            } else if (kind == EventKind.BLOCK_DISCONNECTED) {
                metrics.onBlock(event.chain(), kind, 0, 0, 0);
            } else if (kind == EventKind.MEMPOOL_TX) {
                metrics.onMempoolTransaction(event.chain(), matches.outputCount(), matches.spendCount());
                latency(StepMetrics.LatencyKind.MEMPOOL, event, now);
            }
        } else if (kind == EventKind.MEMPOOL_TX && event.scanStatus() == 0 && !event.discarded()) {
            // Scanned but matching nothing: no journal step, still a transaction looked at.
            metrics.onMempoolTransaction(event.chain(), 0, 0);
        }
        metrics.onStepDone(now, engine.malformedInputs(), engine.unscannedSlots(), engine.truncatedFields());
    }

    private void latency(final StepMetrics.LatencyKind kind, final ChainEvent event, final long now) {
        if (event.publishNanos() != 0) {
            metrics.onLatency(kind, now - event.publishNanos());
        }
    }

    /**
     * Transactions in a block: as the scanner counted them (Ethereum), else read in place from a Bitcoin payload;
     * 0 where neither says (or the payload is cut short).
     */
    static long transactionCount(final ChainEvent event) {
        if (event.transactionCount() >= 0) {
            return event.transactionCount();
        }
        if (event.chain().family() != ChainFamily.BITCOIN) {
            return 0;
        }
        return compactSize(event.payloadBuffer(), BITCOIN_TX_COUNT_OFFSET, event.payloadLength());
    }

    /** A Bitcoin CompactSize at {@code offset}, or 0 if it does not fit below {@code limit}. */
    static long compactSize(final DirectBuffer buffer, final int offset, final int limit) {
        if (offset >= limit) {
            return 0;
        }
        final int first = buffer.getByte(offset) & 0xFF;
        if (first < 0xFD) {
            return first;
        }
        final int width = first == 0xFD ? 2 : first == 0xFE ? 4 : 8;
        if (offset + 1 + width > limit) {
            return 0;
        }
        return switch (width) {
            case 2 -> buffer.getShort(offset + 1, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFFL;
            case 4 -> buffer.getInt(offset + 1, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
            default -> buffer.getLong(offset + 1, java.nio.ByteOrder.LITTLE_ENDIAN);
        };
    }
}
