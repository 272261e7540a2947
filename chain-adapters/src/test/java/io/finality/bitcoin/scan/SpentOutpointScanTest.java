package io.finality.bitcoin.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.RealBlocks;
import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Context;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walk tests each input against the {@link OutpointWatch} bit set as it passes it, and the scanner then asks the
 * watch in full only for transactions with a marked input. Checked against bitcoinj on every real block: with some of
 * the block's own spent outpoints watched (every third non-coinbase input, after a first pass that grew the bit set
 * with many unrelated outpoints), exactly the inputs spending a watched outpoint are reported, in block order, with
 * their transaction's txid; and a payment that adds outpoints in the middle of a batch still has a later transaction
 * of the same batch that spends one of them reported.
 */
class SpentOutpointScanTest {
    private static final ChainId CHAIN = ChainId.BITCOIN_MAINNET;

    static Stream<RealBlocks.Block> blocks() {
        return RealBlocks.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void shouldReportExactlyTheInputsThatSpendAWatchedOutpoint(final RealBlocks.Block real) {
        Context.propagate(new Context());
        final byte[] raw = real.bytes();
        final Block reference = Block.read(ByteBuffer.wrap(raw));
        final OutpointWatch watch = new OutpointWatch(new MapIndex(), 1_000);
        watch.onBlock(1);
        // unrelated outpoints first, so that the bit set grows past its smallest size before the block's own are added
        final UnsafeBuffer outpoint = new UnsafeBuffer(new byte[OutpointWatch.OUTPOINT_LENGTH]);
        final java.util.SplittableRandom random = new java.util.SplittableRandom(raw.length);
        for (int i = 0; i < 5_000; i++) {
            random.nextBytes(outpoint.byteArray());
            watch.add(CHAIN.code(), outpoint, 0);
        }
        final Set<String> watched = new HashSet<>();
        int input = 0;
        for (Transaction t : reference.getTransactions()) {
            if (t.isCoinBase()) {
                continue;
            }
            for (TransactionInput in : t.getInputs()) {
                if (input++ % 3 == 0) {
                    serialise(in, outpoint);
                    watch.add(CHAIN.code(), outpoint, 0);
                    watched.add(Hex.toHex(outpoint, 0, OutpointWatch.OUTPOINT_LENGTH));
                }
            }
        }
        final List<String> expected = new ArrayList<>();
        for (Transaction t : reference.getTransactions()) {
            if (t.isCoinBase()) {
                continue;
            }
            for (TransactionInput in : t.getInputs()) {
                serialise(in, outpoint);
                final String key = Hex.toHex(outpoint, 0, OutpointWatch.OUTPOINT_LENGTH);
                if (watched.contains(key)) {
                    expected.add(t.getTxId() + " spends " + key);
                }
            }
        }
        assertTrue(watch.bitSetSize() > 1 << 15, real + ": bit set of " + watch.bitSetSize());

        final ChainEvent event = new ChainEvent(1024, 4 << 20, 8).reset(EventKind.BLOCK_CONNECTED, CHAIN).height(1);
        event.payload(raw, 0, raw.length);
        // no watched script: every report comes from the conflict path
        assertEquals(ScanError.OK, new BitcoinBlockScanner(watch).scan(event, new MapIndex()), real.toString());
        assertEquals(expected, spends(event.matches()), real.toString());
    }

    @Test
    void shouldReportALaterSpendOfAnOutpointThatAPaymentInTheSameBatchJustAdded() {
        final byte[] paid = {0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
        final byte[] outpoint = new byte[OutpointWatch.OUTPOINT_LENGTH];
        new java.util.SplittableRandom(7).nextBytes(outpoint);
        final byte[] payment = transaction(outpoint, paid);
        final byte[] conflict = transaction(outpoint, new byte[] {0x51});
        // not a valid block (two spends of one outpoint), which is what a peer may send all the same
        final ByteBuffer block = ByteBuffer.allocate(80 + 1 + payment.length + conflict.length);
        block.position(80);
        block.put((byte)2).put(payment).put(conflict);
        final MapIndex scripts = new MapIndex();
        scripts.put(CHAIN.code(), new UnsafeBuffer(paid), 0, paid.length, 3);
        final OutpointWatch watch = new OutpointWatch(new MapIndex(), 100);
        final ChainEvent event = new ChainEvent(1024, 4 << 20, 8).reset(EventKind.BLOCK_CONNECTED, CHAIN).height(1);
        event.payload(block.array(), 0, block.capacity());
        assertEquals(ScanError.OK, new BitcoinBlockScanner(watch).scan(event, scripts));
        final String spent = Hex.toHex(outpoint);
        assertEquals(List.of(Hex.toHex(Hex.reverse(Sha256Hash.hashTwice(payment))) + " spends " + spent,
            Hex.toHex(Hex.reverse(Sha256Hash.hashTwice(conflict))) + " spends " + spent), spends(event.matches()));
        assertEquals(1, event.matches().outputCount());
    }

    /** Each reported spend as "spender txid (as displayed) spends outpoint (as serialised)". */
    private static List<String> spends(final MatchList m) {
        final List<String> out = new ArrayList<>();
        final UnsafeBuffer key = new UnsafeBuffer(new byte[OutpointWatch.OUTPOINT_LENGTH]);
        for (int i = 0; i < m.spendCount(); i++) {
            key.putBytes(0, m.prevTxids(), 32 * i, 32);
            key.putInt(32, m.prevIndex(i), ByteOrder.LITTLE_ENDIAN);
            out.add(Hex.toHexReversed(m.spenderTxids(), 32 * i, 32) + " spends " + Hex.toHex(key, 0, OutpointWatch.OUTPOINT_LENGTH));
        }
        return out;
    }

    /** The outpoint as serialised in a transaction: txid in internal byte order, then the index, little-endian. */
    private static void serialise(final TransactionInput in, final UnsafeBuffer into) {
        into.putBytes(0, Hex.reverse(in.getOutpoint().hash().getBytes().clone()));
        into.putInt(32, (int)in.getOutpoint().index(), ByteOrder.LITTLE_ENDIAN);
    }

    /** version 1 | the one input (empty scriptSig, final sequence) | one output of 1,000 sat to {@code script} | locktime 0. */
    private static byte[] transaction(final byte[] outpoint, final byte[] script) {
        final ByteBuffer b = ByteBuffer.allocate(4 + 1 + 36 + 1 + 4 + 1 + 8 + 1 + script.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).put((byte)1).put(outpoint).put((byte)0).putInt(0xFFFFFFFF);
        b.put((byte)1).putLong(1_000).put((byte)script.length).put(script);
        b.putInt(0);
        return b.array();
    }
}
