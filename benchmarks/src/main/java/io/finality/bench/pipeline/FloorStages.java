package io.finality.bench.pipeline;

import io.finality.core.pipeline.ScanStage;
import io.finality.core.ring.EventKind;
import io.finality.core.spi.StateEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.agrona.DirectBuffer;

/**
 * The latency phase's baseline ({@code -Dfinality.bench.floor=true}): the harness's ring, threads, pinning, pacing and
 * copy into the slot, with the scan replaced by one sequential read of the block and the state engine by nothing.
 * Its tail is what this machine adds to a block that only crosses the ring: the line the pipeline's p99 is held
 * against, as the sequential read is for the scanner. {@code -Dfinality.bench.floorCpuUs=N} makes the read stage
 * also burn CPU until its thread has run N µs for the block (thread CPU time, so time the thread is off its CPU is
 * not counted as work): a job of the pipeline's own length, to show what the machine alone makes of that.
 */
final class FloorStages {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private FloorStages() {
    }

    /** Stage 1 of the floor: read every 8 bytes of a block's payload, then burn CPU up to {@code cpuNanos}. */
    static ScanStage readStage(final long cpuNanos) {
        // where the sums go, so that the reads are not optimised away
        final long[] sink = new long[1];
        return (event, sequence, endOfBatch) -> {
            if (event.kind() != EventKind.BLOCK_CONNECTED) {
                return;
            }
            final long start = cpuNanos > 0 ? CPU.getCurrentThreadCpuTime() : 0;
            final DirectBuffer payload = event.payloadBuffer();
            final int length = event.payloadLength();
            long sum = 0;
            int i = 0;
            for (; i + 8 <= length; i += 8) {
                sum += payload.getLong(i);
            }
            for (; i < length; i++) {
                sum += payload.getByte(i);
            }
            while (cpuNanos > 0 && CPU.getCurrentThreadCpuTime() - start < cpuNanos) {
                sum++;
            }
            sink[0] += sum;
        };
    }

    /** Stage 2 of the floor: nothing (the harness's recorder around it stamps the block's end). */
    static StateEngine noEngine() {
        return (event, sequence, endOfBatch) -> { };
    }
}
