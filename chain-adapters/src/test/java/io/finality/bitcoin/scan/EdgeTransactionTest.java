package io.finality.bitcoin.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.core.test.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.bitcoinj.core.Context;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionInput;
import org.bitcoinj.core.TransactionOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The two extreme real transactions: the 5,569-input megatx and the 500,003-witness-item taproot spend. */
class EdgeTransactionTest {
    @BeforeAll
    static void bitcoinjContext() {
        Context.propagate(new Context());
    }

    static byte[] megatx() throws IOException {
        try (InputStream in = new BZip2CompressorInputStream(Files.newInputStream(TestData.path("bitcoin/tx/btcd_megatx.bin.bz2")))) {
            return in.readAllBytes();
        }
    }

    static byte[] hugeWitness() {
        return Hex.fromHex(new String(TestData.bytes("bitcoin/tx/rustbitcoin_huge_witness.hex"), StandardCharsets.US_ASCII).trim());
    }

    @Test
    void shouldScanTheMegaTransactionWithAllItsInputs() throws IOException {
        final byte[] bytes = megatx();
        assertEquals(999_657, bytes.length);
        final TransactionFlyweight tx = assertSameAsBitcoinj(bytes,
            "bb41a757f405890fb0f5856228e23b715702d714d59bf2b1feb70d8b2b4e3e08");
        assertEquals(5_569, tx.inputCount());
        assertEquals(1, tx.outputCount());
        assertFalse(tx.segwit());
    }

    @Test
    void shouldScanTheHalfMillionWitnessItemTransaction() {
        final byte[] bytes = hugeWitness();
        assertEquals(500_142, bytes.length);
        final TransactionFlyweight tx = assertSameAsBitcoinj(bytes,
            "73be398c4bdc43709db7398106609eea2a7841aaf3a4fa2000dc18184faa2a7e");
        assertTrue(tx.segwit());
        assertEquals(1, tx.inputCount());
        assertEquals(500_003, Transaction.read(ByteBuffer.wrap(bytes)).getInput(0).getWitness().getPushCount());
        tx.resetCursors().nextOutput();
        assertEquals(ScriptType.OP_RETURN, ScriptClassifier.classify(tx.buffer(), tx.scriptOffset(), tx.scriptLength()));
    }

    @Test
    void shouldMatchTheOutputOfTheMegaTransactionInAMempoolSlot() throws IOException {
        final byte[] bytes = megatx();
        final Transaction reference = Transaction.read(ByteBuffer.wrap(bytes));
        final ReferenceIndex index = new ReferenceIndex();
        index.put(ChainId.BITCOIN_MAINNET.code(), reference.getOutput(0).getScriptBytes(), 42);
        final ChainEvent event = new ChainEvent(64, 4_000_000, 4);
        event.reset(EventKind.MEMPOOL_TX, ChainId.BITCOIN_MAINNET).payload(bytes, 0, bytes.length);
        assertEquals(ScanError.OK, new BitcoinBlockScanner().scan(event, index));
        final MatchList m = event.matches();
        assertEquals(1, m.outputCount());
        assertEquals(42, m.invoiceSlot(0));
        assertEquals(reference.getOutput(0).getValue().value, m.amountLo(0));
        assertEquals(reference.getTxId().toString(), Hex.toHexReversed(m.txids(), 0, 32));
        assertEquals(5_569, m.spendCount());
        for (int i = 0; i < m.spendCount(); i++) {
            final TransactionInput in = reference.getInput(i);
            assertEquals(in.getOutpoint().hash().toString(), Hex.toHexReversed(m.prevTxids(), i * 32, 32));
            assertEquals(in.getOutpoint().index(), m.prevIndex(i) & 0xFFFF_FFFFL);
        }
    }

    @Test
    void shouldRejectTrailingBytesAfterASingleTransaction() {
        final byte[] tx = hugeWitness();
        final byte[] padded = new byte[tx.length + 1];
        System.arraycopy(tx, 0, padded, 0, tx.length);
        final ChainEvent event = new ChainEvent(64, 4_000_000, 4);
        event.reset(EventKind.MEMPOOL_TX, ChainId.BITCOIN_MAINNET).payload(padded, 0, padded.length);
        assertEquals(ScanError.TRAILING_BYTES, new BitcoinBlockScanner().scan(event, new ReferenceIndex()));
        assertEquals(tx.length, event.scanErrorOffset());
    }

    private static TransactionFlyweight assertSameAsBitcoinj(final byte[] bytes, final String txid) {
        final Transaction reference = Transaction.read(ByteBuffer.wrap(bytes));
        final TransactionFlyweight tx = new TransactionFlyweight();
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        assertEquals(ScanError.OK, tx.wrap(buffer, 0, bytes.length));
        assertEquals(bytes.length, tx.end());
        final UnsafeBuffer digest = new UnsafeBuffer(new byte[32]);
        tx.txid(new DoubleSha256(), digest, 0);
        assertEquals(txid, Hex.toHexReversed(digest, 0, 32));
        assertEquals(reference.getTxId().toString(), txid);
        tx.wtxid(new DoubleSha256(), digest, 0);
        assertEquals(reference.getWTxId().toString(), Hex.toHexReversed(digest, 0, 32));
        assertEquals(reference.getInputs().size(), tx.inputCount());
        while (tx.nextInput()) {
            final TransactionInput in = reference.getInput(tx.inputIndex());
            assertEquals(in.getOutpoint().hash().toString(), Hex.toHexReversed(buffer, tx.prevTxidOffset(), 32));
            assertEquals(in.getOutpoint().index(), tx.prevIndex());
            assertEquals(in.getSequenceNumber(), tx.sequence());
        }
        while (tx.nextOutput()) {
            final TransactionOutput out = reference.getOutput(tx.outputIndex());
            assertEquals(out.getValue().value, tx.value());
            assertArrayEquals(out.getScriptBytes(), BlockScannerDifferentialTest.slice(buffer, tx.scriptOffset(), tx.scriptLength()));
        }
        tx.resetCursors();
        return tx;
    }
}
