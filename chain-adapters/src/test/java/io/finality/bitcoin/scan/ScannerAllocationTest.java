package io.finality.bitcoin.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.RealBlocks;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The scan path allocates nothing in steady state: after a warm-up that lets the match list grow,
 * scanning real blocks through the ring slot, the block entry point and the all-txids mode must not
 * move this thread's allocated-bytes counter.
 */
class ScannerAllocationTest {
    private static final List<RealBlocks.Block> BLOCKS = RealBlocks.large();

    /** The real blocks as ring slots of connected blocks. */
    private static ChainEvent[] events(final List<RealBlocks.Block> blocks) {
        final ChainEvent[] events = new ChainEvent[blocks.size()];
        for (int i = 0; i < events.length; i++) {
            final byte[] bytes = blocks.get(i).bytes();
            events[i] = new ChainEvent(bytes.length, 4_000_000, 4);
            events[i].reset(EventKind.BLOCK_CONNECTED, ChainId.BITCOIN_MAINNET).payload(bytes, 0, bytes.length);
        }
        return events;
    }

    private static UnsafeBuffer[] buffers(final List<RealBlocks.Block> blocks) {
        final UnsafeBuffer[] buffers = new UnsafeBuffer[blocks.size()];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = new UnsafeBuffer(blocks.get(i).bytes());
        }
        return buffers;
    }

    @Test
    void shouldScanAtLeastTenLargeRealBlocks() {
        assertTrue(BLOCKS.size() >= 10, "large real blocks: " + BLOCKS.size());
    }
    @Test
    void shouldNotAllocateWhileScanningRealBlocks() {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        final ChainEvent[] events = events(BLOCKS);
        final UnsafeBuffer[] buffers = buffers(BLOCKS);
        final BitcoinBlockScanner scanner = new BitcoinBlockScanner();
        final ScannerFuzzTest.TouchingIndex index = new ScannerFuzzTest.TouchingIndex();
        final UnsafeBuffer txids = new UnsafeBuffer(new byte[32 * 8192]);
        long matched = 0;
        for (int round = 0; round < 30; round++) {
            matched += scanAll(scanner, index, events, buffers, txids);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 10; round++) {
            matched += scanAll(scanner, index, events, buffers, txids);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(matched > 0);
        assertEquals(0, allocated, "bytes allocated while scanning " + events.length + " blocks x 10");
    }

    @Test
    void shouldNotAllocateWhileHashingAllTxidsInVectorLanes() {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final UnsafeBuffer[] buffers = buffers(BLOCKS);
        final BitcoinBlockScanner scanner = BitcoinBlockScanner.withVectorTxids(TxidPath.loadVectorCompression());
        final UnsafeBuffer txids = new UnsafeBuffer(new byte[32 * 8192]);
        // the vector kernel allocates until C2 has compiled it: warm up longer than the scan
        for (int round = 0; round < 100; round++) {
            allTxids(scanner, buffers, txids);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 10; round++) {
            allTxids(scanner, buffers, txids);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(0, allocated, "bytes allocated while hashing the txids of " + buffers.length + " blocks x 10");
    }

    private static void allTxids(final BitcoinBlockScanner scanner, final UnsafeBuffer[] buffers, final UnsafeBuffer txids) {
        for (UnsafeBuffer buffer : buffers) {
            if (scanner.allTxids(buffer, 0, buffer.capacity(), txids, 0) != ScanError.OK) {
                throw new AssertionError("allTxids failed");
            }
        }
    }

    @Test
    void shouldNotAllocateWhileScanningRealBlocksWithTheProbeHelper() {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final ChainEvent[] events = events(BLOCKS);
        final UnsafeBuffer[] buffers = buffers(BLOCKS);
        try (ProbeHelper helper = new ProbeHelper()) {
            final BitcoinBlockScanner scanner = new BitcoinBlockScanner(null, helper);
            final SharedProbeScanTest.SharedIndex index = new SharedProbeScanTest.SharedIndex(new ScannerFuzzTest.TouchingIndex(), 0);
            final UnsafeBuffer txids = new UnsafeBuffer(new byte[32 * 8192]);
            long matched = 0;
            for (int round = 0; round < 30; round++) {
                matched += scanAll(scanner, index, events, buffers, txids);
            }
            final long helperBefore = threads.getThreadAllocatedBytes(helper.threadId());
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int round = 0; round < 10; round++) {
                matched += scanAll(scanner, index, events, buffers, txids);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            final long helperAllocated = threads.getThreadAllocatedBytes(helper.threadId()) - helperBefore;
            assertTrue(matched > 0);
            assertEquals(0, allocated, "scan thread: bytes allocated while scanning " + events.length + " blocks x 10");
            assertEquals(0, helperAllocated, "helper thread: bytes allocated while scanning " + events.length + " blocks x 10");
            assertEquals(0, scanner.helperFailures());
        }
    }

    private static long scanAll(
        final BitcoinBlockScanner scanner,
        final io.finality.core.spi.AddressIndex index,
        final ChainEvent[] events,
        final UnsafeBuffer[] buffers,
        final UnsafeBuffer txids) {
        long matched = 0;
        for (int i = 0; i < events.length; i++) {
            events[i].matches().clear();
            if (scanner.scan(events[i], index) != ScanError.OK) {
                throw new AssertionError("scan failed");
            }
            matched += events[i].matches().outputCount() + events[i].matches().spendCount();
            if (scanner.allTxids(buffers[i], 0, buffers[i].capacity(), txids, 0) != ScanError.OK) {
                throw new AssertionError("allTxids failed");
            }
        }
        return matched;
    }
}
