package io.finality.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.ring.ChainEvent;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The Ethereum scan path allocates nothing in steady state: after a warm-up, scanning real blocks with
 * their receipts (every address watched, so every transfer is recorded) must not move this thread's
 * allocated-bytes counter; nor must rejecting a malformed payload.
 */
class ScannerAllocationTest {
    @Test
    void shouldNotAllocateWhileScanningRealBlocksAndReceipts() {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        final ChainEvent[] events = {
            EthereumBlockScannerTest.event(EthereumBlockScannerTest.block483920(), EthereumBlockScannerTest.receipts483920()),
            EthereumBlockScannerTest.event(EthereumBlockScannerTest.block1755635(), EthFixtures.receipts1755635()),
            EthereumBlockScannerTest.event(EthereumBlockScannerTest.block483920(), EthFixtures.receipts1755635()),
        };
        final EthereumBlockScanner scanner = new EthereumBlockScanner();
        final WatchIndex index = WatchIndex.all();
        long matched = 0;
        for (int round = 0; round < 2_000; round++) {
            matched += scanAll(scanner, index, events);
        }
        // A steady allocation shows in every window. The JVM itself, once in a while, charges a one-off 128 bytes
        // to this thread with no scan code involved (seen with the pre-SWAR decoder too), so a window may be
        // repeated: the scan must have allocated nothing in one whole window of 3,000 scans.
        final long[] windows = new long[3];
        long allocated = -1;
        for (int w = 0; w < windows.length && allocated != 0; w++) {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int round = 0; round < 1_000; round++) {
                matched += scanAll(scanner, index, events);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
            windows[w] = allocated;
        }
        assertTrue(matched > 0);
        assertEquals(0, allocated, "bytes allocated while scanning " + events.length + " payloads x 1000, per window: "
            + Arrays.toString(windows));
    }

    private static long scanAll(final EthereumBlockScanner scanner, final WatchIndex index, final ChainEvent[] events) {
        long matched = 0;
        for (int i = 0; i < events.length; i++) {
            events[i].matches().clear();
            final int status = scanner.scan(events[i], index);
            if (status != (i < 2 ? JsonError.OK : JsonError.RECEIPT_COUNT_MISMATCH)) {
                throw new AssertionError("payload " + i + ": " + JsonError.name(status));
            }
            matched += events[i].matches().outputCount();
        }
        return matched;
    }
}
