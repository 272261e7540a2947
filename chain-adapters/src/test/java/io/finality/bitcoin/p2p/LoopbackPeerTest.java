package io.finality.bitcoin.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.regtest.RawTransactionBuilder;
import io.finality.bitcoin.regtest.RegtestChain;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loopback peer message by message, driven by a scripted client: every request, announcement and fault knob. */
@Timeout(60)
class LoopbackPeerTest {
    @AfterEach
    void noThreadLeft() throws InterruptedException {
        NettyThreads.assertNoneLeft();
    }

    private static final int REGTEST = BitcoinNetwork.REGTEST.magic();

    private static WireProbe handshake(final LoopbackPeer peer) throws InterruptedException {
        final WireProbe probe = new WireProbe(REGTEST, peer.port());
        final VersionMessage v = new VersionMessage(VersionMessage.PROTOCOL_VERSION, 0, 1_700_000_000L, VersionMessage.emptyAddress(),
            VersionMessage.emptyAddress(), 42, "/probe/", 0, true);
        probe.send(Command.VERSION, Frames.bytes(v.encode(ByteBufAllocator.DEFAULT)));
        final VersionMessage theirs = VersionMessage.decode(Unpooled.wrappedBuffer(probe.expect(Command.VERSION).payload()));
        assertNotNull(theirs);
        assertEquals(LoopbackPeer.USER_AGENT, theirs.userAgent());
        assertEquals(peer.tipHeight(), theirs.startHeight());
        assertEquals(VersionMessage.NODE_NETWORK | VersionMessage.NODE_WITNESS, theirs.services());
        probe.expect(Command.VERACK);
        probe.send(Command.VERACK, new byte[0]);
        return probe;
    }

    private static byte[] getheaders(final byte[]... locator) {
        final LocatorMessage l = new LocatorMessage(VersionMessage.PROTOCOL_VERSION, List.of(locator), new byte[32]);
        return Frames.bytes(l.encode(ByteBufAllocator.DEFAULT));
    }

    private static byte[] getdata(final int type, final byte[]... hashes) {
        final List<InventoryMessage.Item> items = Arrays.stream(hashes).map(h -> new InventoryMessage.Item(type, h)).toList();
        return Frames.bytes(new InventoryMessage(items).encode(ByteBufAllocator.DEFAULT));
    }

    private static List<byte[]> headers(final Frames.Decoded d) {
        final HeadersMessage h = HeadersMessage.decode(Unpooled.wrappedBuffer(d.payload()));
        assertNotNull(h);
        return h.headers();
    }

    private static InventoryMessage inventory(final Frames.Decoded d) {
        final InventoryMessage inv = InventoryMessage.decode(Unpooled.wrappedBuffer(d.payload()));
        assertNotNull(inv);
        return inv;
    }

    private static byte[] payment(final int i) {
        final byte[] prev = new byte[32];
        prev[0] = (byte)i;
        return new RawTransactionBuilder().spend(prev, 0).pay(5_000 + i, new byte[] {0x51}).build();
    }

    @Test
    void shouldServeHeadersInCappedBatchesThatLinkAndMeetProofOfWork() throws Exception {
        final RegtestChain chain = new RegtestChain();
        for (int i = 0; i < 2_100; i++) {
            chain.mine(List.of());
        }
        try (LoopbackPeer peer = new LoopbackPeer(chain).start(); WireProbe probe = handshake(peer)) {
            final HeaderTree tree = new HeaderTree(RegtestChain.GENESIS_HASH, 0, BlockHeader.REGTEST_POW_LIMIT_BITS);
            probe.send(Command.GETHEADERS, getheaders(RegtestChain.GENESIS_HASH));
            final List<byte[]> first = headers(probe.expect(Command.HEADERS));
            assertEquals(LoopbackPeer.MAX_HEADERS_REPLY, first.size());
            for (byte[] h : first) {
                assertEquals(HeaderTree.Result.CONNECTED, tree.add(h));
            }
            probe.send(Command.GETHEADERS, getheaders(HeaderTree.locator(tree.best()).toArray(new byte[0][])));
            final List<byte[]> second = headers(probe.expect(Command.HEADERS));
            assertEquals(100, second.size());
            for (byte[] h : second) {
                assertEquals(HeaderTree.Result.CONNECTED, tree.add(h));
            }
            assertEquals(2_100, tree.best().height());
            assertArrayEquals(peer.tipHash(), tree.best().hash());
            // an unknown locator hash is skipped; the first known one sets the start
            final byte[] unknown = new byte[32];
            unknown[5] = 9;
            probe.send(Command.GETHEADERS, getheaders(unknown, chain.block(2_095).hash()));
            final List<byte[]> tail = headers(probe.expect(Command.HEADERS));
            assertEquals(5, tail.size());
            assertArrayEquals(Arrays.copyOf(chain.block(2_096).raw(), 80), tail.get(0));
        }
    }

    @Test
    void shouldServeBlocksTransactionsAndNotfoundAndAnnounceAsAsked() throws Exception {
        final RegtestChain chain = new RegtestChain();
        for (int i = 0; i < 20; i++) {
            chain.mine(i % 5 == 0 ? List.of(payment(i)) : List.of());
        }
        try (LoopbackPeer peer = new LoopbackPeer(chain).start(); WireProbe probe = handshake(peer)) {
            final byte[] missing = new byte[32];
            missing[0] = 1;
            probe.send(Command.GETDATA, getdata(InventoryMessage.MSG_WITNESS_BLOCK, chain.block(6).hash(), missing));
            assertArrayEquals(chain.block(6).raw(), probe.expect(Command.BLOCK).payload());
            final InventoryMessage nf = InventoryMessage.decode(Unpooled.wrappedBuffer(probe.expect(Command.NOTFOUND).payload()));
            assertEquals(1, nf.items().size());
            assertArrayEquals(missing, nf.items().get(0).hash());

            // inv announcements before sendheaders
            final RegtestChain.BuiltBlock mined = peer.mine(List.of());
            final InventoryMessage inv = InventoryMessage.decode(Unpooled.wrappedBuffer(probe.expect(Command.INV).payload()));
            assertEquals(InventoryMessage.MSG_BLOCK, inv.items().get(0).type());
            assertArrayEquals(mined.hash(), inv.items().get(0).hash());

            // headers announcements after sendheaders, including the new branch of a reorg
            probe.send(Command.SENDHEADERS, new byte[0]);
            probe.send(Command.PING, Frames.bytes(NonceMessage.encode(ByteBufAllocator.DEFAULT, 7)));
            assertEquals(7, NonceMessage.decode(Unpooled.wrappedBuffer(probe.expect(Command.PONG).payload())));
            final RegtestChain.BuiltBlock next = peer.mine(List.of());
            assertArrayEquals(Arrays.copyOf(next.raw(), 80), headers(probe.expect(Command.HEADERS)).get(0));
            final byte[] forkHash = peer.block(20).hash();
            final List<RegtestChain.BuiltBlock> removed = peer.reorg(2, 3);
            assertEquals(List.of(next, mined), removed);
            final List<byte[]> branch = headers(probe.expect(Command.HEADERS));
            assertEquals(3, branch.size());
            assertTrue(BlockHeader.linksTo(branch.get(0), forkHash));
            assertArrayEquals(peer.tipHash(), BlockHeader.hash(branch.get(2)));
            // a stale block stays fetchable by hash, as on a real node
            probe.send(Command.GETDATA, getdata(InventoryMessage.MSG_BLOCK, mined.hash()));
            assertArrayEquals(mined.raw(), probe.expect(Command.BLOCK).payload());

            // mempool: inv, getdata -> tx, drop -> notfound
            final byte[] tx = payment(99);
            final byte[] txid = peer.addTransaction(tx);
            final InventoryMessage txInv = InventoryMessage.decode(Unpooled.wrappedBuffer(probe.expect(Command.INV).payload()));
            assertEquals(InventoryMessage.MSG_TX, txInv.items().get(0).type());
            assertArrayEquals(txid, txInv.items().get(0).hash());
            probe.send(Command.GETDATA, getdata(InventoryMessage.MSG_WITNESS_TX, txid));
            assertArrayEquals(tx, probe.expect(Command.TX).payload());
            probe.send(Command.MEMPOOL, new byte[0]);
            assertArrayEquals(txid, inventory(probe.expect(Command.INV)).items().get(0).hash());
            assertTrue(peer.dropTransaction(txid));
            probe.send(Command.GETDATA, getdata(InventoryMessage.MSG_TX, txid));
            assertArrayEquals(txid, inventory(probe.expect(Command.NOTFOUND)).items().get(0).hash());
        }
    }

    @Test
    void shouldStallSendGarbageDisconnectAndDropAClientThatSendsGarbage() throws Exception {
        final RegtestChain chain = new RegtestChain();
        chain.mine(List.of());
        try (LoopbackPeer peer = new LoopbackPeer(chain).start()) {
            try (WireProbe probe = handshake(peer)) {
                assertFalse(NettyThreads.alive().isEmpty(), "the leak check must see live event loops");
                peer.stall(true);
                probe.send(Command.PING, Frames.bytes(NonceMessage.encode(ByteBufAllocator.DEFAULT, 1)));
                assertEquals(null, probe.poll(300), "a stalled peer answers nothing");
                peer.stall(false);
                probe.send(Command.PING, Frames.bytes(NonceMessage.encode(ByteBufAllocator.DEFAULT, 2)));
                assertEquals(2, NonceMessage.decode(Unpooled.wrappedBuffer(probe.expect(Command.PONG).payload())));

                peer.sendGarbage("not a bitcoin frame at all".getBytes(StandardCharsets.US_ASCII));
                assertSame(DecodeFailure.BAD_MAGIC, probe.poll(5_000));
            }
            try (WireProbe probe = handshake(peer)) {
                peer.disconnectAll();
                assertSame(WireProbe.CLOSED, probe.poll(5_000));
            }
            try (WireProbe probe = handshake(peer)) {
                final byte[] frame = Frames.frame(REGTEST, Command.PING, new byte[8]);
                frame[frame.length - 1] ^= 1;
                probe.sendRaw(frame);
                assertSame(WireProbe.CLOSED, probe.poll(5_000));
                assertFalse(probe.isOpen());
                assertEquals(1, peer.decodeFailures());
            }
            try (WireProbe probe = handshake(peer)) {
                // a well-framed but malformed payload is refused too
                probe.send(Command.GETHEADERS, new byte[] {1, 2, 3});
                assertSame(WireProbe.CLOSED, probe.poll(5_000));
                assertEquals(2, peer.decodeFailures());
            }
        }
    }
}
