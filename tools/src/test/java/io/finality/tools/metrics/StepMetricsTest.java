package io.finality.tools.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.EventKind;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The engine-thread side of the metrics: counting and recording latency allocate nothing, the counters
 * add up like a plain reference, and the in-place transaction count reads every CompactSize width.
 */
class StepMetricsTest {
    @Test
    void shouldCountWithoutAllocatingOnTheEngineThread() {
        final StepMetrics metrics = new StepMetrics();
        final SplittableRandom random = new SplittableRandom(42);
        long connected = 0;
        long disconnected = 0;
        long reorgs = 0;
        long txs = 0;
        long outputs = 0;
        boolean inReorg = false;
        // warm up, then measure the same loop
        for (int round = 0; round < 2; round++) {
            final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            final long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200_000; i++) {
                final boolean disconnect = random.nextInt(10) == 0;
                final int n = random.nextInt(3_000);
                final int out = random.nextInt(4);
                final EventKind kind = disconnect ? EventKind.BLOCK_DISCONNECTED : EventKind.BLOCK_CONNECTED;
                metrics.onBlock(ChainId.BITCOIN_MAINNET, kind, n, out, 0);
                if (disconnect) {
                    disconnected++;
                    reorgs += inReorg ? 0 : 1;
                    inReorg = true;
                } else {
                    inReorg = false;
                    connected++;
                    txs += n;
                    outputs += out;
                }
                metrics.onLatency(StepMetrics.LatencyKind.BLOCK, random.nextLong(1, StepMetrics.MAX_LATENCY_NANOS * 2));
                metrics.onStepDone(i, 0, 0, 0);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            if (round == 1) {
                assertTrue(allocated < 1024, "the engine-thread side allocated " + allocated + " bytes for 200,000 steps");
            }
        }
        assertEquals(connected, metrics.blocksConnected(ChainId.BITCOIN_MAINNET));
        assertEquals(disconnected, metrics.blocksDisconnected(ChainId.BITCOIN_MAINNET));
        assertEquals(reorgs, metrics.reorgs(ChainId.BITCOIN_MAINNET));
        assertEquals(txs, metrics.transactionsScanned(ChainId.BITCOIN_MAINNET));
        assertEquals(outputs, metrics.matchedOutputs(ChainId.BITCOIN_MAINNET));
        assertEquals(0, metrics.blocksConnected(ChainId.BITCOIN_REGTEST));
        final StepMetrics.LatencySnapshot latency = metrics.latency(StepMetrics.LatencyKind.BLOCK);
        assertEquals(400_000, latency.count());
        assertEquals(400_000, latency.histogram().getTotalCount());
        assertTrue(latency.histogram().getMaxValue() <= StepMetrics.MAX_LATENCY_NANOS * 1.001, "values above the range are clamped");
        assertEquals(0, metrics.latency(StepMetrics.LatencyKind.MEMPOOL).count());
    }

    @Test
    void shouldReadTheTransactionCountOfEveryCompactSizeWidthAndNothingPastTheEnd() {
        for (long value : new long[] {0, 1, 0xFC, 0xFD, 0xFFFF, 0x1_0000, 0xFFFF_FFFFL, 0x1_0000_0000L}) {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(new byte[MeteredStateEngine.BITCOIN_TX_COUNT_OFFSET]);
            if (value < 0xFD) {
                out.write((int) value);
            } else if (value <= 0xFFFF) {
                out.write(0xFD);
                le(out, value, 2);
            } else if (value <= 0xFFFF_FFFFL) {
                out.write(0xFE);
                le(out, value, 4);
            } else {
                out.write(0xFF);
                le(out, value, 8);
            }
            final byte[] bytes = out.toByteArray();
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            assertEquals(value, MeteredStateEngine.compactSize(buffer, MeteredStateEngine.BITCOIN_TX_COUNT_OFFSET, bytes.length));
            assertEquals(0, MeteredStateEngine.compactSize(buffer, MeteredStateEngine.BITCOIN_TX_COUNT_OFFSET, bytes.length - 1),
                "a truncated count reads as 0, never past the payload");
        }
    }

    private static void le(final ByteArrayOutputStream out, final long value, final int width) {
        for (int i = 0; i < width; i++) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }
}
