package io.finality.bitcoin.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.pipeline.MatchingScanStage;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.core.test.TestData;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Error codes and offsets on precisely damaged real blocks, and the slot handling of each event kind. */
class BitcoinBlockScannerTest {
    /** A 4,319-byte testnet block with one segwit transaction. */
    static final String SEGWIT_BLOCK =
        "bitcoin/blocks/raw/rustbitcoin_testnet_block_000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b.raw";

    private final BitcoinBlockScanner scanner = new BitcoinBlockScanner();

    private ChainEvent slot(final EventKind kind, final byte[] payload) {
        final ChainEvent event = new ChainEvent(64, 4_000_000, 4);
        event.reset(kind, ChainId.BITCOIN_TESTNET3);
        assertTrue(event.payload(payload, 0, payload.length));
        return event;
    }

    private int scan(final byte[] payload) {
        final ChainEvent event = slot(EventKind.BLOCK_CONNECTED, payload);
        final int status = scanner.scan(event, new ReferenceIndex());
        assertEquals(status, event.scanStatus());
        return status;
    }

    @Test
    void shouldReportTruncationAtEveryCutWithAnOffsetInsideThePayload() {
        final byte[] block = TestData.bytes(SEGWIT_BLOCK);
        assertEquals(ScanError.OK, scan(block));
        for (int cut = 0; cut < block.length; cut++) {
            final byte[] cutBlock = Arrays.copyOf(block, cut);
            final ChainEvent event = slot(EventKind.BLOCK_CONNECTED, cutBlock);
            final int status = scanner.scan(event, new ReferenceIndex());
            assertTrue(status == ScanError.TRUNCATED || status == ScanError.LENGTH_TOO_LARGE
                || status == ScanError.COUNT_TOO_LARGE, "cut " + cut + ": " + ScanError.name(status));
            assertTrue(event.scanErrorOffset() <= cut, "cut " + cut + " offset " + event.scanErrorOffset());
        }
    }

    @Test
    void shouldRejectALyingTransactionCountBeforeLooping() {
        final byte[] block = TestData.bytes(SEGWIT_BLOCK);
        final byte[] lying = block.clone();
        // 0xfe 0x00000100 = 65,536 transactions in 4 kB
        lying[80] = (byte)0xfe;
        new UnsafeBuffer(lying).putInt(81, 65_536, java.nio.ByteOrder.LITTLE_ENDIAN);
        final ChainEvent event = slot(EventKind.BLOCK_CONNECTED, lying);
        assertEquals(ScanError.COUNT_TOO_LARGE, scanner.scan(event, new ReferenceIndex()));
        assertEquals(80, event.scanErrorOffset());
    }

    @Test
    void shouldRejectNonCanonicalVarintsBadSegwitFlagsAndTrailingBytes() {
        final byte[] block = TestData.bytes(SEGWIT_BLOCK);
        final BlockFlyweight flyweight = new BlockFlyweight();
        assertEquals(ScanError.OK, flyweight.wrap(new UnsafeBuffer(block), 0, block.length));
        final int txCount = flyweight.txCount();
        assertTrue(txCount < 0xfd);

        final byte[] nonCanonical = new byte[block.length + 2];
        System.arraycopy(block, 0, nonCanonical, 0, 80);
        nonCanonical[80] = (byte)0xfd;
        nonCanonical[81] = (byte)txCount;
        System.arraycopy(block, 81, nonCanonical, 83, block.length - 81);
        assertEquals(ScanError.BAD_VARINT, scan(nonCanonical));
        assertEquals(80, scanner.errorOffset());

        // find the segwit transaction and break its flag
        final TransactionFlyweight tx = new TransactionFlyweight();
        final int[] flagAt = {-1};
        flyweight.forEachTransaction(tx, (i, t) -> {
            if (t.segwit() && flagAt[0] < 0) {
                flagAt[0] = t.offset() + 5;
            }
        });
        final byte[] badFlag = block.clone();
        badFlag[flagAt[0]] = 2;
        assertEquals(ScanError.BAD_SEGWIT_FLAG, scan(badFlag));
        assertEquals(flagAt[0], scanner.errorOffset());

        final byte[] trailing = Arrays.copyOf(block, block.length + 3);
        assertEquals(ScanError.TRAILING_BYTES, scan(trailing));
        assertEquals(block.length, scanner.errorOffset());

        final byte[] empty = Arrays.copyOf(block, 81);
        empty[80] = 0;
        assertEquals(ScanError.EMPTY_BLOCK, scan(empty));
    }

    @Test
    void shouldHashOffHeapBlocksLikeHeapBlocks() {
        final byte[] block = TestData.bytes(
            "bitcoin/blocks/raw/derived_bitcoins_mainnet_713126_0000000000000000000593310d3b0cdc082af49f38b8a1611239072aef8433a8.raw");
        final java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(block.length + 16);
        final UnsafeBuffer offHeap = new UnsafeBuffer(direct, 16, block.length);
        offHeap.putBytes(0, block);
        final UnsafeBuffer heapTxids = new UnsafeBuffer(new byte[32 * 4096]);
        final UnsafeBuffer directTxids = new UnsafeBuffer(new byte[32 * 4096]);
        assertEquals(ScanError.OK, scanner.allTxids(new UnsafeBuffer(block), 0, block.length, heapTxids, 0));
        assertEquals(ScanError.OK, scanner.allTxids(offHeap, 0, block.length, directTxids, 0));
        assertEquals(0, heapTxids.compareTo(directTxids));
        assertTrue(heapTxids.getLong(0) != 0);
    }

    /**
     * Heap and off-heap blocks take different reads (the walk reads raw from an array or an address; the txid hashes heap
     * arrays in place and copies off-heap bytes through a scratch array): both must record the same. A third of the
     * outputs are watched, so batches hold many paying transactions.
     */
    @Test
    void shouldRecordTheSameMatchesFromOffHeapBlocksAsFromHeapBlocks() {
        final byte[] block = TestData.bytes(
            "bitcoin/blocks/raw/derived_bitcoins_mainnet_713126_0000000000000000000593310d3b0cdc082af49f38b8a1611239072aef8433a8.raw");
        final UnsafeBuffer heap = new UnsafeBuffer(block);
        final UnsafeBuffer offHeap = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(block.length));
        offHeap.putBytes(0, block);
        final int chain = ChainId.BITCOIN_MAINNET.code();
        final MapIndex index = new MapIndex();
        final BlockFlyweight walk = new BlockFlyweight();
        assertEquals(ScanError.OK, walk.wrap(heap, 0, block.length));
        final int[] slot = {0};
        assertEquals(ScanError.OK, walk.forEachTransaction(new TransactionFlyweight(), (i, t) -> {
            while (t.nextOutput()) {
                if (t.outputIndex() % 3 == 0) {
                    index.put(chain, t.buffer(), t.scriptOffset(), t.scriptLength(), slot[0]++);
                }
            }
        }));
        final MatchList fromHeap = new MatchList(4);
        final MatchList fromOffHeap = new MatchList(4);
        assertEquals(ScanError.OK, new BitcoinBlockScanner().scanBlock(heap, 0, block.length, chain, index, fromHeap));
        assertEquals(ScanError.OK, new BitcoinBlockScanner().scanBlock(offHeap, 0, block.length, chain, index, fromOffHeap));
        final OutpointWatch none = new OutpointWatch(new MapIndex(), 10);
        final java.util.List<String> expected = BatchedScanDifferentialTest.report(ScanError.OK, 0, fromHeap, none);
        assertTrue(fromHeap.outputCount() > 1_000, "paying outputs " + fromHeap.outputCount());
        assertEquals(expected, BatchedScanDifferentialTest.report(ScanError.OK, 0, fromOffHeap, none));
    }

    /** The scan stage's idle moments reach the outpoint watch's index through the scanner, and only when it has upkeep due. */
    @Test
    void shouldGiveItsOutpointIndexIdleUpkeepOnlyWhenDue() {
        final MapIndex outpointIndex = new MapIndex();
        final BitcoinBlockScanner watching = new BitcoinBlockScanner(new OutpointWatch(outpointIndex, 10));
        watching.doIdleMaintenance();
        assertEquals(0, outpointIndex.maintainedSlots);
        outpointIndex.due = true;
        watching.doIdleMaintenance();
        assertEquals(MatchingScanStage.IDLE_MAINTENANCE_SLOTS, outpointIndex.maintainedSlots);
        // without a watch there is nothing to keep up
        scanner.doIdleMaintenance();
    }

    @Test
    void shouldLeaveSlotsWithoutBitcoinPayloadAlone() {
        final byte[] block = TestData.bytes(SEGWIT_BLOCK);
        for (EventKind kind : new EventKind[] {EventKind.BLOCK_DISCONNECTED, EventKind.TICK, EventKind.INVOICE_OPEN}) {
            final ChainEvent event = slot(kind, block);
            final ReferenceIndex index = new ReferenceIndex();
            assertEquals(ScanError.OK, scanner.scan(event, index));
            assertEquals(0, index.lookups);
            assertEquals(0, event.matches().outputCount());
        }
        // a block handed over as a mempool transaction is not one transaction
        final ChainEvent asTx = slot(EventKind.MEMPOOL_TX, block);
        assertTrue(scanner.scan(asTx, new ReferenceIndex()) != ScanError.OK);
    }
}
