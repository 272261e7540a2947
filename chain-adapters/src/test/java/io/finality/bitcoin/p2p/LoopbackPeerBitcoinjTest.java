package io.finality.bitcoin.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.regtest.RawTransactionBuilder;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.buffer.Hex;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.core.BlockChain;
import org.bitcoinj.core.Context;
import org.bitcoinj.core.Peer;
import org.bitcoinj.core.PeerAddress;
import org.bitcoinj.core.PeerGroup;
import org.bitcoinj.core.StoredBlock;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.params.RegTestParams;
import org.bitcoinj.store.MemoryBlockStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proof that the loopback peer speaks the real protocol: bitcoinj, an independent client, connects
 * to it on 127.0.0.1 only (no DNS seeds, no discovery), completes the handshake, downloads and verifies
 * the whole chain (headers, PoW, merkle roots), sees an announced mempool transaction, follows a newly
 * mined block and switches to a longer branch after a reorg.
 */
class LoopbackPeerBitcoinjTest {
    private static final int BLOCKS = 150;

    private static byte[] payment(final int i) {
        final byte[] prev = new byte[32];
        prev[0] = (byte)i;
        prev[1] = (byte)(i >>> 8);
        prev[31] = 0x42;
        final byte[] script = new byte[22];
        script[1] = 0x14;
        script[2] = (byte)i;
        return new RawTransactionBuilder().spend(prev, i & 3).pay(10_000L + i, script).build();
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static String display(final byte[] internal) {
        return Hex.toHex(Hex.reverse(internal.clone()));
    }

    /** Walk bitcoinj's best chain from its head to genesis; every block must be the peer's block at that height. */
    private static void assertSameChain(final LoopbackPeer peer, final BlockChain chain) throws Exception {
        StoredBlock b = chain.getChainHead();
        assertEquals(peer.tipHeight(), b.getHeight());
        while (b.getHeight() > 0) {
            assertEquals(display(peer.block(b.getHeight()).hash()), b.getHeader().getHashAsString(), "height " + b.getHeight());
            b = b.getPrev(chain.getBlockStore());
        }
        assertEquals(display(RegtestChain.GENESIS_HASH), b.getHeader().getHashAsString());
    }

    @Test
    @Timeout(90)
    void shouldLetBitcoinjHandshakeDownloadTheChainSeeAMempoolTxAndFollowAReorg() throws Exception {
        Context.propagate(new Context());
        final RegtestChain regtest = new RegtestChain();
        for (int i = 1; i <= BLOCKS; i++) {
            regtest.mine(i % 10 == 0 ? List.of(payment(i), payment(i + 1000)) : List.of());
        }
        try (LoopbackPeer peer = new LoopbackPeer(regtest).start()) {
            final BlockChain chain = new BlockChain(BitcoinNetwork.REGTEST, new MemoryBlockStore(RegTestParams.get().getGenesisBlock()));
            final PeerGroup group = new PeerGroup(BitcoinNetwork.REGTEST, chain);
            try {
                group.setMaxConnections(1);
                final CompletableFuture<Transaction> seen = new CompletableFuture<>();
                group.addOnTransactionBroadcastListener((p, tx) -> seen.complete(tx));
                group.addAddress(PeerAddress.simple(InetAddress.getLoopbackAddress(), peer.port()));
                group.start();
                final Peer connected = group.waitForPeers(1).get(20, TimeUnit.SECONDS).get(0);
                await(() -> peer.readySessions() == 1, "our side of the handshake");
                assertEquals(LoopbackPeer.USER_AGENT, group.getConnectedPeers().get(0).getPeerVersionMessage().subVer);

                // PeerGroup 0.17.1 did not elect a download peer for this single connection in our runs (nothing in
                // its log says why), so the test starts the connected Peer's own chain download: the same
                // getblocks -> inv -> getdata -> block exchange, verified block by block by bitcoinj's BlockChain.
                connected.startBlockChainDownload();
                await(() -> chain.getBestChainHeight() == BLOCKS, "the chain download");
                assertEquals(BLOCKS, chain.getBestChainHeight());
                assertEquals(display(peer.tipHash()), chain.getChainHead().getHeader().getHashAsString());
                assertTrue(peer.blocksServed() >= BLOCKS, "bitcoinj fetched every block body: " + peer.blocksServed());
                assertSameChain(peer, chain);

                final byte[] raw = payment(7_777);
                final byte[] txid = peer.addTransaction(raw);
                final Transaction tx = seen.get(20, TimeUnit.SECONDS);
                assertEquals(display(txid), tx.getTxId().toString());
                assertArrayEquals(raw, tx.serialize());

                peer.mine(List.of(raw));
                await(() -> chain.getBestChainHeight() == BLOCKS + 1, "the mined block");
                assertEquals(display(peer.tipHash()), chain.getChainHead().getHeader().getHashAsString());

                final List<RegtestChain.BuiltBlock> removed = peer.reorg(3, 4);
                assertEquals(3, removed.size());
                await(() -> chain.getBestChainHeight() == BLOCKS + 2, "the reorg");
                assertEquals(display(peer.tipHash()), chain.getChainHead().getHeader().getHashAsString());
                assertSameChain(peer, chain);
                for (RegtestChain.BuiltBlock gone : removed) {
                    assertTrue(chain.getBlockStore().get(org.bitcoinj.base.Sha256Hash.wrap(display(gone.hash()))) != null,
                        "bitcoinj had the replaced block");
                }
            } finally {
                group.stop();
            }
        }
        NettyThreads.assertNoneLeft();
    }
}
