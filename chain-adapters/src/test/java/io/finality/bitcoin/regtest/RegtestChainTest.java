package io.finality.bitcoin.regtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import org.bitcoinj.base.Coin;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Context;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.params.RegTestParams;
import org.junit.jupiter.api.Test;

/** bitcoinj, an independent implementation, must accept what the builder makes. */
class RegtestChainTest {
    @Test
    void shouldBuildBlocksThatBitcoinjVerifiesWithLinkedHeadersMerkleRootsAndProofOfWork() {
        Context.propagate(new Context());
        final RegtestChain chain = new RegtestChain();
        final byte[] script = {0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
        final byte[] prev = new byte[32];
        prev[0] = 7;
        final byte[] pay = new RawTransactionBuilder().spend(prev, 1).pay(123_456, script).pay(1_000, new byte[] {0x51}).build();
        final RegtestChain.BuiltBlock first = chain.mine(List.of(pay));
        final RegtestChain.BuiltBlock second = chain.mine(List.of());

        for (RegtestChain.BuiltBlock b : List.of(first, second)) {
            final Block parsed = Block.read(ByteBuffer.wrap(b.raw()));
            // Proof of work, then merkle root, coinbase and transaction checks at the block's height.
            Block.verifyHeader(parsed);
            Block.verifyTransactions(RegTestParams.get(), parsed, (int)b.height(), EnumSet.noneOf(Block.VerifyFlag.class));
            assertArrayEquals(RegtestChain.reverse(b.hash().clone()), parsed.getHash().getBytes());
        }
        final Block parsedFirst = Block.read(ByteBuffer.wrap(first.raw()));
        final Block parsedSecond = Block.read(ByteBuffer.wrap(second.raw()));
        assertEquals(parsedFirst.getHash(), parsedSecond.getPrevBlockHash());
        final Transaction tx = parsedFirst.getTransactions().get(1);
        assertEquals(Coin.valueOf(123_456), tx.getOutput(0).getValue());
        assertArrayEquals(script, tx.getOutput(0).getScriptBytes());
        assertArrayEquals(RegtestChain.reverse(first.txids().get(1).clone()), tx.getTxId().getBytes());

        final List<RegtestChain.BuiltBlock> removed = chain.rewindTo(0);
        assertEquals(List.of(second, first), removed);
        assertArrayEquals(RegtestChain.GENESIS_HASH, chain.tipHash());
    }
}
