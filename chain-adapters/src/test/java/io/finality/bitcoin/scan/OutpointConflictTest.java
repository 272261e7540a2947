package io.finality.bitcoin.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.core.test.TestData;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Context;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionInput;
import org.junit.jupiter.api.Test;

/**
 * A payment's transaction spends outpoints; a later transaction spending one of them pays
 * elsewhere and matches no watched script, yet stage 1 must report it (the state engine then
 * invalidates the payment). Real block 169482, with a replacement built from one of its transactions.
 */
class OutpointConflictTest {
    private static final ChainId CHAIN = ChainId.BITCOIN_MAINNET;

    @Test
    void shouldReportATransactionThatSpendsAPaymentsOutpoint() {
        Context.propagate(new Context());
        final byte[] raw = TestData.bytes("bitcoin/blocks/raw/bitcoinj_block169482.dat");
        final Block reference = Block.read(ByteBuffer.wrap(raw));
        final Transaction payment = reference.getTransactions().get(1);
        final byte[] watched = payment.getOutput(0).getScriptBytes();
        final TransactionInput spent = payment.getInput(0);

        final MapIndex scripts = new MapIndex();
        scripts.put(CHAIN.code(), new UnsafeBuffer(watched), 0, watched.length, 7);
        final OutpointWatch watch = new OutpointWatch(new MapIndex(), 100);
        final BitcoinBlockScanner scanner = new BitcoinBlockScanner(watch);

        final ChainEvent block = new ChainEvent(1024, 4 << 20, 8).reset(EventKind.BLOCK_CONNECTED, CHAIN).height(169_482);
        block.payload(raw, 0, raw.length);
        assertEquals(ScanError.OK, scanner.scan(block, scripts));
        assertTrue(block.matches().outputCount() >= 1);
        assertEquals(payment.getInputs().size(), watch.size(), "every input of the payment is watched");

        // A replacement: the payment's first input, paying a script nobody watches.
        final byte[] conflict = replacement(spent);
        final ChainEvent mempool = new ChainEvent(1024, 4 << 20, 8).reset(EventKind.MEMPOOL_TX, CHAIN);
        mempool.payload(conflict, 0, conflict.length);
        assertEquals(ScanError.OK, scanner.scan(mempool, scripts));
        final MatchList m = mempool.matches();
        assertEquals(0, m.outputCount());
        assertEquals(1, m.spendCount(), "the conflicting spend is reported");
        assertEquals(Sha256Hash.twiceOf(conflict).toString(), Hex.toHex(m.spenderTxids(), 0, 32), "internal byte order");
        assertEquals(spent.getOutpoint().hash().toString(), Hex.toHexReversed(m.prevTxids(), 0, 32));
        assertEquals(spent.getOutpoint().index(), m.prevIndex(0));

        // After the retention the outpoint is forgotten and the same transaction is no longer reported.
        watch.onBlock(169_482 + 100);
        assertEquals(0, watch.size());
        final ChainEvent later = new ChainEvent(1024, 4 << 20, 8).reset(EventKind.MEMPOOL_TX, CHAIN);
        later.payload(conflict, 0, conflict.length);
        scanner.scan(later, scripts);
        assertEquals(0, later.matches().spendCount());
    }

    /** version 1 | 1 input (outpoint, empty scriptSig, final sequence) | 1 output to OP_TRUE | locktime 0. */
    private static byte[] replacement(final TransactionInput spent) {
        final ByteBuffer b = ByteBuffer.allocate(4 + 1 + 36 + 1 + 4 + 1 + 8 + 2 + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).put((byte)1);
        b.put(Hex.reverse(spent.getOutpoint().hash().getBytes().clone())).putInt((int)spent.getOutpoint().index());
        b.put((byte)0).putInt(0xFFFFFFFF);
        b.put((byte)1).putLong(12_345).put((byte)1).put((byte)0x51);
        b.putInt(0);
        return b.array();
    }
}
