package io.finality.bitcoin.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.blk.BlkFileReader;
import io.finality.bitcoin.regtest.RawTransactionBuilder;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.test.TestData;
import io.finality.core.ring.EventKind;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our node connection against the loopback peer: headers-first sync of more than 1,000 blocks with
 * payments, a 1-block and a 10-block reorg in exact disconnect/connect order, a mempool transaction
 * then its block, and a peer sending a header with bad proof of work. Every event is compared with the
 * chain the peer serves.
 */
@Timeout(120)
class BitcoinPeerConnectionTest {
    @AfterEach
    void noThreadLeft() throws InterruptedException {
        NettyThreads.assertNoneLeft();
    }

    private static final int BLOCKS = 1_200;

    private static byte[] payment(final int i) {
        final byte[] prev = new byte[32];
        prev[0] = (byte)i;
        prev[1] = (byte)(i >>> 8);
        final byte[] script = new byte[22];
        script[1] = 0x14;
        script[2] = (byte)i;
        return new RawTransactionBuilder().spend(prev, 0).pay(1_000L * i, script).build();
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static RecordingPublisher.Event connected(final RegtestChain.BuiltBlock b) {
        return new RecordingPublisher.Event(EventKind.BLOCK_CONNECTED, ChainId.BITCOIN_REGTEST, b.height(), Hex.toHex(b.hash()), b.raw());
    }

    private static RecordingPublisher.Event disconnected(final RegtestChain.BuiltBlock b) {
        return new RecordingPublisher.Event(EventKind.BLOCK_DISCONNECTED, ChainId.BITCOIN_REGTEST, b.height(), Hex.toHex(b.hash()),
            new byte[0]);
    }

    /** Events compared field by field (records compare arrays by identity). */
    private static void assertEvents(final List<RecordingPublisher.Event> expected, final List<RecordingPublisher.Event> actual) {
        assertEquals(expected.toString(), actual.toString());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).kind(), actual.get(i).kind());
            assertEquals(expected.get(i).chain(), actual.get(i).chain());
            assertEquals(expected.get(i).height(), actual.get(i).height());
            assertEquals(expected.get(i).hash(), actual.get(i).hash());
            assertArrayEquals(expected.get(i).payload(), actual.get(i).payload(), "payload of event " + i);
        }
    }

    private static BitcoinPeerConnection connect(final LoopbackPeer peer, final RecordingPublisher publisher) {
        final BitcoinPeerConnection c = new BitcoinPeerConnection(new BitcoinPeerContext()
            .node(new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.port()))
            .startHash(RegtestChain.GENESIS_HASH)
            .startHeight(0));
        c.start(publisher);
        return c;
    }

    @Test
    void shouldSyncReorgAndFollowTheMempoolInExactOrder() throws Exception {
        final RegtestChain chain = new RegtestChain();
        for (int i = 1; i <= BLOCKS; i++) {
            chain.mine(i % 7 == 0 ? List.of(payment(i), payment(i + 50_000)) : List.of());
        }
        final RecordingPublisher publisher = new RecordingPublisher();
        try (LoopbackPeer peer = new LoopbackPeer(chain).start(); BitcoinPeerConnection c = connect(peer, publisher)) {
            await(() -> publisher.size() == BLOCKS, "the initial sync");
            final List<RecordingPublisher.Event> expected = new ArrayList<>();
            for (int h = 1; h <= BLOCKS; h++) {
                expected.add(connected(peer.block(h)));
            }
            assertEvents(expected, publisher.since(0));

            // 1-block reorg: the tip is replaced and the new branch is one longer
            int mark = publisher.size();
            List<RegtestChain.BuiltBlock> removed = peer.reorg(1, 2);
            await(() -> publisher.size() == mark + 3, "the 1-block reorg");
            assertEvents(List.of(disconnected(removed.get(0)), connected(peer.block(BLOCKS)), connected(peer.block(BLOCKS + 1))),
                publisher.since(mark));

            // 10-block reorg: ten disconnects tip first, then eleven connects in height order
            final int mark2 = publisher.size();
            removed = peer.reorg(10, 11);
            assertEquals(10, removed.size());
            await(() -> publisher.size() == mark2 + 21, "the 10-block reorg");
            final List<RecordingPublisher.Event> reorg = new ArrayList<>();
            for (RegtestChain.BuiltBlock b : removed) {
                reorg.add(disconnected(b));
            }
            for (long h = BLOCKS - 8; h <= BLOCKS + 2; h++) {
                reorg.add(connected(peer.block(h)));
            }
            assertEvents(reorg, publisher.since(mark2));

            // a mempool transaction, then the block that confirms it
            final int mark3 = publisher.size();
            final byte[] tx = payment(77_777);
            peer.addTransaction(tx);
            await(() -> publisher.size() == mark3 + 1, "the mempool transaction");
            final String noHash = Hex.toHex(new byte[32]);
            assertEvents(List.of(new RecordingPublisher.Event(EventKind.MEMPOOL_TX, ChainId.BITCOIN_REGTEST, -1, noHash, tx)),
                publisher.since(mark3));
            // announced again (as by a second node): requested once only
            peer.addTransaction(tx);
            peer.mine(List.of());
            await(() -> publisher.size() == mark3 + 2, "a block after the second announcement");
            assertEquals(1, peer.txsServed());
            final RegtestChain.BuiltBlock confirming = peer.mine(List.of(tx));
            await(() -> publisher.size() == mark3 + 3, "the confirming block");
            assertEvents(List.of(connected(confirming)), publisher.since(mark3 + 2));
            assertEquals(BLOCKS + 4, c.connectedHeight());
            assertEquals(0, c.failures(DecodeFailure.BAD_HEADER));
        }
    }

    private static List<byte[]> blkBlocks(final String name) throws java.io.IOException {
        final BlkFileReader r = BlkFileReader.open(TestData.path("bitcoin/blocks/blkfiles/" + name), null);
        final List<byte[]> out = new ArrayList<>();
        while (r.next()) {
            assertEquals(BlkFileReader.OK, r.status());
            out.add(Arrays.copyOfRange(r.array(), r.blockOffset(), r.blockOffset() + r.blockLength()));
        }
        return out;
    }

    @Test
    void shouldFollowBtcdsRealMainnetForkBlocksDisconnectingTipFirst() throws Exception {
        final List<byte[]> main = blkBlocks("btcd_blk_0_to_4.dat.bz2");
        final List<byte[]> fork = List.of(blkBlocks("btcd_blk_3A.dat.bz2").get(0), blkBlocks("btcd_blk_4A.dat.bz2").get(0),
            blkBlocks("btcd_blk_5A.dat.bz2").get(0));
        final byte[] genesis = BlockHeader.hash(main.get(0));
        final RecordingPublisher publisher = new RecordingPublisher();
        try (LoopbackPeer peer = new LoopbackPeer(BitcoinNetwork.MAINNET, genesis, main.subList(1, 5)).start();
             BitcoinPeerConnection c = new BitcoinPeerConnection(new BitcoinPeerContext()
                 .network(BitcoinNetwork.MAINNET)
                 .node(new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.port()))
                 .startHash(genesis)
                 .startHeight(0))) {
            c.start(publisher);
            await(() -> publisher.size() == 4, "blocks 1-4");
            final List<RecordingPublisher.Event> expected = new ArrayList<>();
            for (int h = 1; h <= 4; h++) {
                expected.add(new RecordingPublisher.Event(EventKind.BLOCK_CONNECTED, ChainId.BITCOIN_MAINNET, h,
                    Hex.toHex(BlockHeader.hash(main.get(h))), main.get(h)));
            }
            assertEvents(expected, publisher.since(0));

            final List<RegtestChain.BuiltBlock> removed = peer.replaceFrom(2, fork);
            assertEquals(2, removed.size());
            await(() -> publisher.size() == 9, "the switch to the 3A-5A branch");
            final List<RecordingPublisher.Event> reorg = new ArrayList<>();
            for (int h = 4; h >= 3; h--) {
                reorg.add(new RecordingPublisher.Event(EventKind.BLOCK_DISCONNECTED, ChainId.BITCOIN_MAINNET, h,
                    Hex.toHex(BlockHeader.hash(main.get(h))), new byte[0]));
            }
            for (int i = 0; i < 3; i++) {
                reorg.add(new RecordingPublisher.Event(EventKind.BLOCK_CONNECTED, ChainId.BITCOIN_MAINNET, 3 + i,
                    Hex.toHex(BlockHeader.hash(fork.get(i))), fork.get(i)));
            }
            assertEvents(reorg, publisher.since(4));
        }
    }

    @Test
    void shouldResumeAfterADisconnectMidSyncWithNoGapAndNoDuplicate() throws Exception {
        final RegtestChain chain = new RegtestChain();
        for (int i = 1; i <= 2 * BLOCKS; i++) {
            chain.mine(i % 11 == 0 ? List.of(payment(i)) : List.of());
        }
        final RecordingPublisher publisher = new RecordingPublisher();
        try (LoopbackPeer peer = new LoopbackPeer(chain).start(); BitcoinPeerConnection c = connect(peer, publisher)) {
            await(() -> publisher.size() >= 200, "the sync to get going");
            peer.disconnectAll();
            final int atDisconnect = publisher.size();
            assertTrue(atDisconnect < 2 * BLOCKS, "the disconnect must land mid-sync, but " + atDisconnect + " blocks were already in");
            await(() -> publisher.size() >= 2 * BLOCKS, "the sync to finish after the reconnect");
            Thread.sleep(100);
            final List<RecordingPublisher.Event> expected = new ArrayList<>();
            for (int h = 1; h <= 2 * BLOCKS; h++) {
                expected.add(connected(peer.block(h)));
            }
            assertEvents(expected, publisher.since(0));
            assertEquals(2, c.connects());
            assertTrue(c.connected());
        }
    }

    @Test
    void shouldRedialAStalledPeerAndFinishWithNoGapAndNoDuplicate() throws Exception {
        final RegtestChain chain = new RegtestChain();
        for (int i = 0; i < 300; i++) {
            chain.mine(List.of());
        }
        final RecordingPublisher publisher = new RecordingPublisher();
        try (LoopbackPeer peer = new LoopbackPeer(chain).start()) {
            peer.stall(true);
            try (BitcoinPeerConnection c = new BitcoinPeerConnection(new BitcoinPeerContext()
                .node(new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.port()))
                .startHash(RegtestChain.GENESIS_HASH)
                .stallTimeoutMs(150))) {
                c.start(publisher);
                await(() -> c.stalls() >= 1, "the stall to be noticed");
                assertEquals(0, publisher.size());
                peer.stall(false);
                await(() -> publisher.size() >= 300, "the sync after the stall");
                Thread.sleep(100);
                final List<RecordingPublisher.Event> expected = new ArrayList<>();
                for (int h = 1; h <= 300; h++) {
                    expected.add(connected(peer.block(h)));
                }
                assertEvents(expected, publisher.since(0));
                assertTrue(c.connects() >= 2, "redialled: " + c.connects());
            }
        }
    }

    @Test
    void shouldDropAPeerThatSendsGarbageAndNotRedialIt() throws Exception {
        final RegtestChain chain = new RegtestChain();
        chain.mine(List.of());
        final RecordingPublisher publisher = new RecordingPublisher();
        try (LoopbackPeer peer = new LoopbackPeer(chain).start(); BitcoinPeerConnection c = connect(peer, publisher)) {
            await(() -> publisher.size() == 1, "the sync");
            // a whole frame header's worth (a shorter fragment is simply waited on) with mainnet's magic
            final byte[] garbage = new byte[32];
            System.arraycopy(Hex.fromHex("f9beb4d976657273696f6e"), 0, garbage, 0, 11);
            peer.sendGarbage(garbage);
            await(() -> !c.connected(), "the connection to drop");
            assertEquals(1, c.failures(DecodeFailure.BAD_MAGIC), "mainnet magic on a regtest connection");
            Thread.sleep(3 * BitcoinPeerConnection.MIN_BACKOFF_MS);
            assertFalse(c.connected());
            assertEquals(1, publisher.size());
        }
    }

    @Test
    void shouldDropAPeerThatSendsAHeaderWithBadProofOfWorkAndPublishNothingForIt() throws Exception {
        final RegtestChain chain = new RegtestChain();
        for (int i = 0; i < 5; i++) {
            chain.mine(List.of());
        }
        final RecordingPublisher publisher = new RecordingPublisher();
        try (LoopbackPeer peer = new LoopbackPeer(chain).start(); BitcoinPeerConnection c = connect(peer, publisher)) {
            await(() -> publisher.size() == 5, "the sync");
            final byte[] header = Arrays.copyOf(peer.block(5).raw(), BlockHeader.LENGTH);
            System.arraycopy(peer.tipHash(), 0, header, BlockHeader.PREV_OFFSET, 32);
            final byte[] target = new byte[32];
            BlockHeader.expandTarget(BlockHeader.bits(header), target);
            int nonce = 0;
            do {
                header[76] = (byte)nonce;
                header[77] = (byte)(nonce >>> 8);
                nonce++;
            } while (BlockHeader.hashMeetsTarget(BlockHeader.hash(header), target));
            final byte[] frame = Frames.frame(peer.network().magic(), Command.HEADERS,
                Frames.bytes(new HeadersMessage(List.of(header)).encode(ByteBufAllocator.DEFAULT)));
            peer.sendGarbage(frame);
            await(() -> !c.connected(), "the connection to drop");
            assertEquals(1, c.failures(DecodeFailure.BAD_HEADER));
            assertEquals(5, publisher.size());
            assertEquals(5, c.connectedHeight());
            Thread.sleep(3 * BitcoinPeerConnection.MIN_BACKOFF_MS);
            assertFalse(c.connected(), "a node that broke the protocol is not redialled");
            assertEquals(1, c.connects());
        }
    }
}
