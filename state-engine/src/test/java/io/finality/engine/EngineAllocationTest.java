package io.finality.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.event.InvoiceStatus;
import io.finality.core.ring.MatchList;
import io.finality.engine.model.InvoiceSpec;
import io.finality.engine.policy.PolicyBook;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The engine step allocates nothing in steady state, with the awaiting list the pipeline replay
 * produces: hundreds of invoices waiting for 6 confirmations, re-sorted on every block after the
 * block's new payments were appended to it in random slot order (the shape on which
 * {@code Arrays.sort} allocates a run-merge buffer: ~324 B per block in the pipeline).
 */
class EngineAllocationTest {
    private static final ChainId BTC = ChainId.BITCOIN_REGTEST;
    private static final long TWO_BTC = 200_000_000L;
    private static final int PAID_PER_BLOCK = 150;
    private static final int BLOCKS = 400;
    private static final int MEASURED = 200;
    private static final int RETENTION = 8;

    @Test
    void shouldAllocateNothingPerBlockOnceRecordsAreRecycled() {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final long[] events = new long[1];
        final InvoiceEngine engine = new InvoiceEngine(PolicyBook.withDefaults(),
            (type, invoice, payment, previous, reason) -> events[0]++, RETENTION);
        engine.tick(0);
        final int invoices = PAID_PER_BLOCK * BLOCKS;
        for (int slot = 0; slot < invoices; slot++) {
            engine.open(new InvoiceSpec(slot, "inv-" + slot, BTC, null, 0, TWO_BTC, Long.MAX_VALUE / 4,
                PolicyBook.BITCOIN_DEFAULT, "o" + slot, "c" + slot));
        }
        // Every block pays the next 150 invoices in a shuffled order, one transaction each, with distinct txids.
        final MatchList[] blocks = new MatchList[BLOCKS];
        final UnsafeBuffer[] hashes = new UnsafeBuffer[BLOCKS];
        final UnsafeBuffer txid = new UnsafeBuffer(new byte[32]);
        for (int b = 0; b < BLOCKS; b++) {
            final int[] order = shuffled(b * PAID_PER_BLOCK, PAID_PER_BLOCK, random);
            blocks[b] = new MatchList(PAID_PER_BLOCK);
            for (int t = 0; t < PAID_PER_BLOCK; t++) {
                txid.putLong(0, seed);
                txid.putInt(8, b);
                txid.putInt(12, t);
                blocks[b].addOutput(t, txid, 0, 0, 0, TWO_BTC, order[t], 0);
            }
            hashes[b] = new UnsafeBuffer(new byte[32]);
            hashes[b].putLong(0, b + 1);
        }
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long allocated = 0;
        for (int b = 0; b < BLOCKS; b++) {
            final long before = mx.getCurrentThreadAllocatedBytes();
            engine.blockConnected(BTC, b + 1, hashes[b], 0, -1, blocks[b]);
            if (b >= BLOCKS - MEASURED) {
                allocated += mx.getCurrentThreadAllocatedBytes() - before;
            }
        }
        // the workload is what the test claims: invoices confirm after 6 blocks, ~900 wait at any time
        assertEquals(InvoiceStatus.CONFIRMED, engine.invoice(0).status(), "seed " + seed);
        assertEquals(InvoiceStatus.CONFIRMING, engine.invoice(invoices - 1).status(), "seed " + seed);
        assertTrue(engine.settledPayments() > (long)PAID_PER_BLOCK * (BLOCKS - 20), "seed " + seed + ": payments settle");
        assertTrue(events[0] > (long)invoices, "seed " + seed + ": events were emitted");
        assertEquals(0, allocated, "seed " + seed + ": bytes allocated by the last " + MEASURED + " blocks");
    }

    private static int[] shuffled(final int first, final int count, final SplittableRandom random) {
        final int[] a = new int[count];
        for (int i = 0; i < count; i++) {
            a[i] = first + i;
        }
        for (int i = count - 1; i > 0; i--) {
            final int j = random.nextInt(i + 1);
            final int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
