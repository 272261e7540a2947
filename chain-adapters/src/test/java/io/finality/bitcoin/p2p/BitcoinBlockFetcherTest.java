package io.finality.bitcoin.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.blk.BlkFileReader;
import io.finality.bitcoin.regtest.RawTransactionBuilder;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.buffer.Hex;
import io.finality.core.test.TestData;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rescan block fetcher against the real loopback peer (and, for a wrong block, a lying one): every
 * delivered block is compared byte for byte with what the peer serves, its index and hash with the list
 * asked for; disconnects, stalls, missing blocks, garbage and an early stop are each provoked for real.
 */
@Timeout(60)
class BitcoinBlockFetcherTest {
    private static final int BLOCKS = 200;

    @AfterEach
    void noThreadLeft() throws InterruptedException {
        NettyThreads.assertNoneLeft();
    }

    /** One delivered block, copied out of the consumer's buffer. */
    private record Got(int index, byte[] hash, byte[] raw) {
    }

    /** Records every delivery; stops (returns false) after index {@code stopAt}, runs {@code onIndex} hooks. */
    private static final class Recorder implements BitcoinBlockFetcher.BlockConsumer {
        final List<Got> got = new ArrayList<>();
        int stopAt = Integer.MAX_VALUE;
        int hookAt = -1;
        Runnable hook;
        java.util.function.IntConsumer everyBlock = i -> { };

        @Override
        public boolean onBlock(final int index, final byte[] hash, final org.agrona.DirectBuffer block, final int offset,
                               final int length) {
            final byte[] raw = new byte[length];
            block.getBytes(offset, raw);
            got.add(new Got(index, hash, raw));
            everyBlock.accept(index);
            if (index == hookAt) {
                hook.run();
            }
            return index != stopAt;
        }
    }

    private static RegtestChain chain(final int blocks) {
        final RegtestChain chain = new RegtestChain();
        for (int i = 1; i <= blocks; i++) {
            final byte[] prev = new byte[32];
            prev[0] = (byte)i;
            prev[1] = (byte)(i >>> 8);
            final byte[] script = new byte[22];
            script[1] = 0x14;
            script[2] = (byte)i;
            chain.mine(i % 3 == 0 ? List.of(new RawTransactionBuilder().spend(prev, 0).pay(1_000L * i, script).build()) : List.of());
        }
        return chain;
    }

    /** Display order (bitcoin-cli, explorers), computed here independently of the fetcher. */
    private static String displayed(final byte[] internalOrder) {
        final byte[] h = internalOrder.clone();
        for (int i = 0; i < 16; i++) {
            final byte t = h[i];
            h[i] = h[31 - i];
            h[31 - i] = t;
        }
        return Hex.toHex(h);
    }

    private static BitcoinPeerContext context(final int port) {
        return new BitcoinPeerContext().node(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    private static List<RegtestChain.BuiltBlock> served(final LoopbackPeer peer, final long from, final long to) {
        final List<RegtestChain.BuiltBlock> out = new ArrayList<>();
        for (long h = from; h <= to; h++) {
            out.add(peer.block(h));
        }
        return out;
    }

    private static List<byte[]> hashes(final List<RegtestChain.BuiltBlock> blocks) {
        return blocks.stream().map(RegtestChain.BuiltBlock::hash).toList();
    }

    /** Exactly {@code expected[0..count)} in order: index, the list's own hash array, and the block's bytes. */
    private static void assertDelivered(final List<RegtestChain.BuiltBlock> expected, final List<byte[]> asked, final int count,
                                        final List<Got> got, final String context) {
        assertEquals(count, got.size(), context + ": blocks delivered");
        for (int i = 0; i < count; i++) {
            final Got g = got.get(i);
            assertEquals(i, g.index(), context + ": index of delivery " + i);
            assertSame(asked.get(i), g.hash(), context + ": hash array of delivery " + i);
            assertArrayEquals(expected.get(i).hash(), BlockHeader.hash(g.raw()), context + ": header hash of delivery " + i);
            assertArrayEquals(expected.get(i).raw(), g.raw(), context + ": bytes of delivery " + i);
        }
    }

    /** The fetch's connection is short-lived: the peer sees it gone soon after fetch returns. */
    private static void assertConnectionClosed(final LoopbackPeer peer) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (peer.readySessions() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, peer.readySessions(), "the fetch's connection is closed");
    }

    @Test
    void shouldFetchTwoHundredBlocksByHashInListOrderByteForByte() throws Exception {
        try (LoopbackPeer peer = new LoopbackPeer(chain(BLOCKS)).start();
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(peer.port()))) {
            final List<RegtestChain.BuiltBlock> expected = served(peer, 1, BLOCKS);
            final List<byte[]> asked = hashes(expected);
            final Recorder r = new Recorder();
            fetcher.fetch(asked, r);
            assertDelivered(expected, asked, BLOCKS, r.got, "200 blocks");
            assertEquals(BLOCKS, peer.blocksServed(), "each block asked for once");
            assertEquals(0, fetcher.reconnects());
            assertEquals(0, fetcher.readPauses(), "a node answering only what is asked never reaches the high-water mark");
            assertConnectionClosed(peer);
        }
    }

    @Test
    void shouldFetchARandomSubsetInArbitraryOrderIncludingStaleBlocks() throws Exception {
        final long seed = System.nanoTime();
        try (LoopbackPeer peer = new LoopbackPeer(chain(BLOCKS)).start();
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(peer.port()).blockWindow(5))) {
            // blocks reorganised away stay fetchable by hash, as a rescan after a reorg needs
            final List<RegtestChain.BuiltBlock> stale = peer.reorg(3, 4);
            final List<RegtestChain.BuiltBlock> pool = new ArrayList<>(served(peer, 1, BLOCKS + 1));
            pool.addAll(stale);
            Collections.shuffle(pool, new Random(seed));
            final List<RegtestChain.BuiltBlock> expected = new ArrayList<>(pool.subList(0, 60));
            for (RegtestChain.BuiltBlock b : stale) {
                if (!expected.contains(b)) {
                    expected.add(b);
                }
            }
            final List<byte[]> asked = hashes(expected);
            final Recorder r = new Recorder();
            fetcher.fetch(asked, r);
            assertDelivered(expected, asked, expected.size(), r.got, "seed " + seed);
        }
    }

    @Test
    void shouldReportABlockTheNodeDoesNotHaveAndDeliverNothingAfterIt() throws Exception {
        try (LoopbackPeer peer = new LoopbackPeer(chain(60)).start();
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(peer.port()))) {
            final List<RegtestChain.BuiltBlock> expected = served(peer, 1, 60);
            final List<byte[]> asked = new ArrayList<>(hashes(expected));
            final byte[] missing = RegtestChain.sha256d("no such block".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            asked.add(30, missing);
            final Recorder r = new Recorder();
            final BitcoinFetchException ex = assertThrows(BitcoinFetchException.class, () -> fetcher.fetch(asked, r));
            assertEquals(30, ex.index());
            assertTrue(ex.getMessage().contains("does not have block " + displayed(missing)), ex.getMessage());
            assertTrue(ex.getMessage().contains("pruned?"), ex.getMessage());
            assertDelivered(expected, asked, 30, r.got, "before the missing block");
            assertEquals(0, fetcher.reconnects(), "notfound is an answer, not a connection failure");
        }
    }

    @Test
    void shouldDeliverEveryBlockOnceInOrderWhenThePeerDisconnectsMidFetch() throws Exception {
        try (LoopbackPeer peer = new LoopbackPeer(chain(BLOCKS)).start();
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(peer.port()))) {
            final List<RegtestChain.BuiltBlock> expected = served(peer, 1, BLOCKS);
            final List<byte[]> asked = hashes(expected);
            final Recorder r = new Recorder();
            r.hookAt = 100;
            r.hook = peer::disconnectAll;
            fetcher.fetch(asked, r);
            assertDelivered(expected, asked, BLOCKS, r.got, "across a disconnect");
            assertEquals(1, fetcher.reconnects());
            assertEquals(BLOCKS, fetcher.blocksReceived(), "a block received twice is held once");
        }
    }

    @Test
    void shouldReconnectAfterAStallAndComplete() throws Exception {
        try (LoopbackPeer peer = new LoopbackPeer(chain(BLOCKS)).start();
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(peer.port()).stallTimeoutMs(200)).maxRetries(5)) {
            final List<RegtestChain.BuiltBlock> expected = served(peer, 1, BLOCKS);
            final List<byte[]> asked = hashes(expected);
            final Recorder r = new Recorder();
            r.hookAt = 60;
            r.hook = () -> {
                peer.stall(true);
                final long before = fetcher.reconnects();
                // the node comes back once the fetcher has given up on the stalled connection
                Thread.ofPlatform().daemon().start(() -> {
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (fetcher.reconnects() == before && System.nanoTime() < deadline) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    }
                    peer.stall(false);
                });
            };
            final long start = System.nanoTime();
            fetcher.fetch(asked, r);
            assertDelivered(expected, asked, BLOCKS, r.got, "across a stall");
            assertTrue(fetcher.reconnects() >= 1, "reconnects " + fetcher.reconnects());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "waited out the stall timeout");
        }
    }

    @Test
    void shouldGiveUpAfterTheRetryLimitWhenThePeerStaysStalledThenWorkOnceItAnswers() throws Exception {
        try (LoopbackPeer peer = new LoopbackPeer(chain(40)).start();
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(peer.port()).stallTimeoutMs(150)).maxRetries(2)) {
            final List<RegtestChain.BuiltBlock> expected = served(peer, 1, 40);
            final List<byte[]> asked = hashes(expected);
            // stalled from the start: no block can arrive, so every attempt counts (the handshake is awaited too)
            peer.stall(true);
            final Recorder r = new Recorder();
            final long start = System.nanoTime();
            final BitcoinFetchException ex = assertThrows(BitcoinFetchException.class, () -> fetcher.fetch(asked, r));
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ex.getMessage().contains("after 3 connection failures in a row"), ex.getMessage());
            assertTrue(ex.getMessage().contains("sent nothing for 150 ms (stalled)"), ex.getMessage());
            assertFalse(ex.getMessage().contains("pruned"), "stalled in the handshake: no block was asked for: " + ex.getMessage());
            assertTrue(ex.getMessage().contains(displayed(asked.get(0))), ex.getMessage());
            assertEquals(0, ex.index());
            assertEquals(2, fetcher.reconnects());
            assertTrue(r.got.isEmpty());
            assertTrue(elapsedMs >= 3 * 150, "three stall timeouts waited out, took " + elapsedMs + " ms");

            peer.stall(false);
            fetcher.fetch(asked, r);
            assertDelivered(expected, asked, 40, r.got, "once the node answers");
        }
    }

    @Test
    void shouldRefuseBadListsReentryAndUseAfterCloseAndNotDialForAnEmptyList() throws Exception {
        try (LoopbackPeer peer = new LoopbackPeer(chain(3)).start();
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(peer.port()))) {
            final byte[] h1 = peer.block(1).hash();
            final IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> fetcher.fetch(List.of(h1, peer.block(2).hash(), h1.clone()), new Recorder()));
            assertTrue(twice.getMessage().contains("index 2 appears twice: " + displayed(h1)), twice.getMessage());
            assertThrows(IllegalArgumentException.class, () -> fetcher.fetch(List.of(new byte[31]), new Recorder()));
            final Recorder r = new Recorder();
            fetcher.fetch(List.of(), r);
            assertTrue(r.got.isEmpty());
            assertEquals(0, peer.blocksServed());
            assertEquals(0, peer.readySessions());

            final Recorder reentrant = new Recorder();
            reentrant.hookAt = 0;
            reentrant.hook = () -> fetcher.fetch(List.of(h1), new Recorder());
            assertThrows(IllegalStateException.class, () -> fetcher.fetch(List.of(h1), reentrant));
            final BitcoinBlockFetcher closed = new BitcoinBlockFetcher(context(peer.port()));
            closed.close();
            assertThrows(IllegalStateException.class, () -> closed.fetch(List.of(h1), new Recorder()));
        }
    }

    @Test
    void shouldPassTheConsumersExceptionThroughAndCloseTheConnection() throws Exception {
        try (LoopbackPeer peer = new LoopbackPeer(chain(30)).start();
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(peer.port()))) {
            final List<byte[]> asked = hashes(served(peer, 1, 30));
            final Recorder r = new Recorder();
            r.hookAt = 4;
            r.hook = () -> {
                throw new IllegalStateException("consumer failed");
            };
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> fetcher.fetch(asked, r));
            assertEquals("consumer failed", ex.getMessage());
            assertEquals(5, r.got.size());
            assertConnectionClosed(peer);
        }
    }

    @Test
    void shouldFailAfterTheRetryLimitWhenTheNodeRefusesConnections() throws Exception {
        final int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(port)).maxRetries(1)) {
            final Recorder r = new Recorder();
            final BitcoinFetchException ex = assertThrows(BitcoinFetchException.class,
                () -> fetcher.fetch(List.of(RegtestChain.GENESIS_HASH), r));
            assertTrue(ex.getMessage().contains("cannot connect"), ex.getMessage());
            assertTrue(ex.getMessage().contains(String.valueOf(port)), ex.getMessage());
            assertEquals(0, ex.index());
            assertEquals(1, fetcher.reconnects());
            assertTrue(r.got.isEmpty());
        }
    }

    @Test
    void shouldStopWhenTheConsumerSaysSoAndFetchAgainOnANewConnection() throws Exception {
        try (LoopbackPeer peer = new LoopbackPeer(chain(60)).start();
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(peer.port()))) {
            final List<RegtestChain.BuiltBlock> expected = served(peer, 1, 60);
            final List<byte[]> asked = hashes(expected);
            final Recorder r = new Recorder();
            r.stopAt = 9;
            fetcher.fetch(asked, r);
            assertDelivered(expected, asked, 10, r.got, "stopped after index 9");
            // the rest, later, with the same fetcher
            final Recorder rest = new Recorder();
            fetcher.fetch(asked.subList(10, 60), rest);
            assertDelivered(expected.subList(10, 60), asked.subList(10, 60), 50, rest.got, "the rest");
        }
    }

    @Test
    void shouldFailOnGarbageFromTheNodeWithoutRetrying() throws Exception {
        try (LoopbackPeer peer = new LoopbackPeer(chain(BLOCKS)).start();
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(peer.port()))) {
            final List<RegtestChain.BuiltBlock> expected = served(peer, 1, BLOCKS);
            final List<byte[]> asked = hashes(expected);
            final Recorder r = new Recorder();
            r.hookAt = 5;
            r.hook = () -> peer.sendGarbage(new byte[64]);
            final BitcoinFetchException ex = assertThrows(BitcoinFetchException.class, () -> fetcher.fetch(asked, r));
            assertTrue(ex.getMessage().contains("broke the protocol (bad frame (BAD_MAGIC))"), ex.getMessage());
            assertEquals(0, fetcher.reconnects());
            assertTrue(ex.index() < BLOCKS, "stopped at " + ex.index());
            assertDelivered(expected, asked, r.got.size(), r.got, "before the garbage");
        }
    }

    @Test
    void shouldRejectABlockWhoseHeaderDoesNotHashToTheOneAskedFor() throws Exception {
        final RegtestChain chain = chain(5);
        try (ScriptedPeer liar = new ScriptedPeer(ScriptedPeer.Script.WRONG_BLOCK, List.of(chain.block(1)));
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(liar.port()))) {
            final List<byte[]> asked = List.of(chain.block(2).hash(), chain.block(3).hash());
            final Recorder r = new Recorder();
            final BitcoinFetchException ex = assertThrows(BitcoinFetchException.class, () -> fetcher.fetch(asked, r));
            assertEquals(0, ex.index());
            assertTrue(ex.getMessage().contains("wrong block for index 0"), ex.getMessage());
            assertTrue(ex.getMessage().contains("asked for " + displayed(chain.block(2).hash())), ex.getMessage());
            assertTrue(ex.getMessage().contains("hashes to " + displayed(chain.block(1).hash())), ex.getMessage());
            assertTrue(r.got.isEmpty());
        }
    }

    @Test
    void shouldAnswerPingsAndIgnoreChatterDuringTheFetch() throws Exception {
        final RegtestChain chain = chain(20);
        final List<RegtestChain.BuiltBlock> expected = new ArrayList<>();
        for (long h = 1; h <= 20; h++) {
            expected.add(chain.block(h));
        }
        // this node serves nothing until its ping is answered, and sends sendheaders, inv, headers and tx around it
        try (ScriptedPeer node = new ScriptedPeer(ScriptedPeer.Script.PING_FIRST, expected);
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(node.port()).stallTimeoutMs(2_000))) {
            final List<byte[]> asked = hashes(expected);
            final Recorder r = new Recorder();
            fetcher.fetch(asked, r);
            assertDelivered(expected, asked, 20, r.got, "after a ping");
            assertEquals(0, fetcher.reconnects());
        }
    }

    @Test
    void shouldHoldBlocksArrivingOutOfOrderAndDeliverThemInListOrder() throws Exception {
        final long seed = System.nanoTime();
        final RegtestChain chain = chain(BLOCKS);
        final List<RegtestChain.BuiltBlock> expected = new ArrayList<>();
        for (long h = 1; h <= BLOCKS; h++) {
            expected.add(chain.block(h));
        }
        try (ScriptedPeer node = new ScriptedPeer(ScriptedPeer.Script.SHUFFLED, expected, seed);
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(node.port()))) {
            final List<byte[]> asked = hashes(expected);
            final Recorder r = new Recorder();
            final int window = BitcoinPeerContext.DEFAULT_BLOCK_WINDOW;
            // when block i is handed over, nothing past i + window - 1 can have been asked for: held blocks stay bounded
            r.everyBlock = i -> assertTrue(node.maxAsked <= i + window - 1, "asked up to " + node.maxAsked + " at " + i + ", seed " + seed);
            fetcher.fetch(asked, r);
            assertDelivered(expected, asked, BLOCKS, r.got, "shuffled replies, seed " + seed);
            assertEquals(BLOCKS - 1, node.maxAsked);
            assertEquals(BLOCKS, fetcher.blocksReceived(), "seed " + seed);
        }
    }

    @Test
    void shouldNameAPrunedNodeWhenItKeepsClosingOnABlockRequest() throws Exception {
        final RegtestChain chain = chain(3);
        try (ScriptedPeer node = new ScriptedPeer(ScriptedPeer.Script.PRUNED, List.of(chain.block(1)));
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(node.port())).maxRetries(1)) {
            final Recorder r = new Recorder();
            final BitcoinFetchException ex = assertThrows(BitcoinFetchException.class,
                () -> fetcher.fetch(List.of(chain.block(1).hash()), r));
            assertTrue(ex.getMessage().contains("after 2 connection failures in a row"), ex.getMessage());
            assertTrue(ex.getMessage().contains("the node closed the connection"), ex.getMessage());
            assertTrue(ex.getMessage().contains("the node is pruned, NODE_NETWORK_LIMITED"), ex.getMessage());
            assertTrue(ex.getMessage().contains(displayed(chain.block(1).hash())), ex.getMessage());
            assertEquals(1, fetcher.reconnects());
        }
    }

    @Test
    void shouldIgnoreAFloodOfUnaskedBlocksAndNotfoundsWhileTheConsumerIsSlow() throws Exception {
        final RegtestChain chain = chain(40);
        final List<RegtestChain.BuiltBlock> expected = new ArrayList<>();
        for (long h = 1; h <= 40; h++) {
            expected.add(chain.block(h));
        }
        try (ScriptedPeer node = new ScriptedPeer(ScriptedPeer.Script.FLOOD, expected);
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(node.port()).blockWindow(4))) {
            final List<byte[]> asked = hashes(expected);
            final Recorder r = new Recorder();
            // a slow consumer: the flood piles up behind it (the queue pauses reading rather than growing)
            r.everyBlock = i -> java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            fetcher.fetch(asked, r);
            assertDelivered(expected, asked, 40, r.got, "through the flood");
            assertEquals(40, fetcher.blocksReceived(), "unasked copies are not held");
            assertEquals(0, fetcher.reconnects());
            assertTrue(fetcher.readPauses() > 0, "the flood paused reading");
        }
    }

    @Test
    void shouldFailTheHandshakeOnAMalformedVersionWithoutRetrying() throws Exception {
        final RegtestChain chain = chain(2);
        try (ScriptedPeer node = new ScriptedPeer(ScriptedPeer.Script.BAD_VERSION, List.of(chain.block(1)));
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(node.port()))) {
            final Recorder r = new Recorder();
            final BitcoinFetchException ex = assertThrows(BitcoinFetchException.class,
                () -> fetcher.fetch(List.of(chain.block(1).hash()), r));
            assertTrue(ex.getMessage().contains("broke the protocol (malformed or repeated version message)"), ex.getMessage());
            assertEquals(0, fetcher.reconnects());
            assertTrue(r.got.isEmpty());
        }
    }

    private static List<byte[]> blkBlocks(final String name) throws IOException {
        final BlkFileReader r = BlkFileReader.open(TestData.path("bitcoin/blocks/blkfiles/" + name), null);
        final List<byte[]> out = new ArrayList<>();
        while (r.next()) {
            assertEquals(BlkFileReader.OK, r.status());
            out.add(Arrays.copyOfRange(r.array(), r.blockOffset(), r.blockOffset() + r.blockLength()));
        }
        return out;
    }

    @Test
    void shouldRoundTripRealMainnetBlocksByteForByte() throws Exception {
        final List<byte[]> main = blkBlocks("btcd_blk_0_to_4.dat.bz2");
        final byte[] genesis = BlockHeader.hash(main.get(0));
        final List<byte[]> raw = new ArrayList<>(main.subList(1, 5));
        final String[] named = {
            "derived_bitcoins_mainnet_713126_0000000000000000000593310d3b0cdc082af49f38b8a1611239072aef8433a8.raw",
            "rustbitcoin_mainnet_block_000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae.raw",
        };
        final List<String> displayHashes = new ArrayList<>();
        for (String name : named) {
            raw.add(TestData.bytes("bitcoin/blocks/raw/" + name));
            displayHashes.add(name.substring(name.lastIndexOf('_') + 1, name.length() - 4));
        }
        raw.add(TestData.bytes("bitcoin/blocks/raw/bitcoincore_block413567.raw"));
        raw.add(TestData.bytes("bitcoin/blocks/raw/bitcoinj_block481829.dat"));
        try (LoopbackPeer peer = new LoopbackPeer(BitcoinNetwork.MAINNET, genesis, raw).start();
             BitcoinBlockFetcher fetcher = new BitcoinBlockFetcher(context(peer.port()).network(BitcoinNetwork.MAINNET))) {
            // newest first, as a rescan of the last blocks might ask
            final List<RegtestChain.BuiltBlock> expected = new ArrayList<>(served(peer, 1, raw.size()));
            Collections.reverse(expected);
            final List<byte[]> asked = hashes(expected);
            final Recorder r = new Recorder();
            fetcher.fetch(asked, r);
            assertDelivered(expected, asked, raw.size(), r.got, "mainnet blocks");
            // the internal-order hash is the reverse of the explorer's: check against the file names
            assertEquals(displayHashes.get(1), displayed(r.got.get(2).hash()));
            assertEquals(displayHashes.get(0), displayed(r.got.get(3).hash()));
            assertEquals("000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae", displayHashes.get(1));
        }
    }

    /** A minimal scripted node for what the loopback peer will not do: lie, ping first, or botch the handshake. */
    private static final class ScriptedPeer implements AutoCloseable {
        enum Script {
            /** Answer every getdata with the first block. */
            WRONG_BLOCK,
            /** Ping after the handshake; serve blocks only once the matching pong came back (never without); chatter around it. */
            PING_FIRST,
            /** Answer version with a version payload of three bytes. */
            BAD_VERSION,
            /** Answer each getdata with its blocks in a seeded random order. */
            SHUFFLED,
            /** Serve what is asked, but first flood unasked copies of the list's last block and notfounds of a stranger. */
            FLOOD,
            /** Announce NODE_NETWORK_LIMITED (no NODE_NETWORK) and close on any block request, as pruned Core does for old blocks. */
            PRUNED
        }

        private static final long NONCE = 0x1234_5678_9abc_def0L;
        private static final int FLOOD_COPIES = 200;

        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final Channel server;
        private final Script script;
        private final List<RegtestChain.BuiltBlock> blocks;
        private final Random random;
        /** Highest index into {@code blocks} asked for so far. */
        private volatile int maxAsked = -1;

        ScriptedPeer(final Script script, final List<RegtestChain.BuiltBlock> blocks) throws InterruptedException {
            this(script, blocks, 0);
        }

        ScriptedPeer(final Script script, final List<RegtestChain.BuiltBlock> blocks, final long seed) throws InterruptedException {
            this.script = script;
            this.blocks = blocks;
            this.random = new Random(seed);
            final int magic = BitcoinNetwork.REGTEST.magic();
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        ch.pipeline().addLast(new P2pFrameDecoder(magic), new P2pFrameEncoder(magic), new Session());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        }

        int port() {
            return ((InetSocketAddress)server.localAddress()).getPort();
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }

        private final class Session extends SimpleChannelInboundHandler<Object> {
            private boolean ponged;
            /** Requests that came before the pong, served once it arrives. */
            private final List<InventoryMessage> pending = new ArrayList<>();

            @Override
            protected void channelRead0(final ChannelHandlerContext ctx, final Object msg) {
                final P2pMessage m = (P2pMessage)msg;
                switch (m.command()) {
                    case VERSION -> onVersion(ctx);
                    case PONG -> {
                        ponged = m.payload().readableBytes() == 8 && m.payload().getLongLE(m.payload().readerIndex()) == NONCE;
                        if (ponged) {
                            pending.forEach(inv -> onGetData(ctx, inv));
                            pending.clear();
                        }
                    }
                    case GETDATA -> {
                        final InventoryMessage inv = InventoryMessage.decode(m.payload());
                        if (script == Script.PING_FIRST && !ponged) {
                            pending.add(inv);
                        } else {
                            onGetData(ctx, inv);
                        }
                    }
                    default -> {
                    }
                }
            }

            private void onVersion(final ChannelHandlerContext ctx) {
                if (script == Script.BAD_VERSION) {
                    send(ctx, Command.VERSION, ctx.alloc().buffer(3).writeMedium(7));
                    return;
                }
                final long services = script == Script.PRUNED ? VersionMessage.NODE_NETWORK_LIMITED | VersionMessage.NODE_WITNESS
                    : VersionMessage.NODE_NETWORK | VersionMessage.NODE_WITNESS;
                final VersionMessage v = new VersionMessage(VersionMessage.PROTOCOL_VERSION, services, 0, VersionMessage.emptyAddress(),
                    VersionMessage.emptyAddress(), 1, "/scripted/", blocks.size(), true);
                send(ctx, Command.VERSION, v.encode(ctx.alloc()));
                send(ctx, Command.VERACK, ctx.alloc().buffer(0));
                if (script == Script.PING_FIRST) {
                    chatter(ctx);
                    send(ctx, Command.PING, NonceMessage.encode(ctx.alloc(), NONCE));
                    chatter(ctx);
                }
            }

            private void chatter(final ChannelHandlerContext ctx) {
                send(ctx, Command.SENDHEADERS, ctx.alloc().buffer(0));
                final byte[] someTx = new byte[32];
                someTx[0] = 1;
                send(ctx, Command.INV, new InventoryMessage(List.of(new InventoryMessage.Item(InventoryMessage.MSG_TX, someTx)))
                    .encode(ctx.alloc()));
                send(ctx, Command.HEADERS, new HeadersMessage(List.of(Arrays.copyOf(blocks.get(0).raw(), BlockHeader.LENGTH)))
                    .encode(ctx.alloc()));
                send(ctx, Command.TX, ctx.alloc().buffer(5).writeBytes(new byte[] {1, 2, 3, 4, 5}));
            }

            private void onGetData(final ChannelHandlerContext ctx, final InventoryMessage inv) {
                if (script == Script.FLOOD) {
                    final byte[] stranger = new byte[32];
                    stranger[5] = 5;
                    final InventoryMessage nf =
                        new InventoryMessage(List.of(new InventoryMessage.Item(InventoryMessage.MSG_BLOCK, stranger)));
                    for (int i = 0; i < FLOOD_COPIES; i++) {
                        sendBlock(ctx, blocks.get(blocks.size() - 1));
                        send(ctx, Command.NOTFOUND, nf.encode(ctx.alloc()));
                    }
                }
                final List<InventoryMessage.Item> items = new ArrayList<>(inv.items());
                if (script == Script.SHUFFLED) {
                    Collections.shuffle(items, random);
                }
                for (InventoryMessage.Item it : items) {
                    if (it.type() != InventoryMessage.MSG_WITNESS_BLOCK) {
                        // only witness blocks are served: any other request ends in the fetch failing
                        ctx.close();
                        return;
                    }
                    if (script == Script.PRUNED) {
                        ctx.close();
                        return;
                    } else if (script == Script.WRONG_BLOCK) {
                        sendBlock(ctx, blocks.get(0));
                    } else {
                        for (int i = 0; i < blocks.size(); i++) {
                            if (Arrays.equals(blocks.get(i).hash(), it.hash())) {
                                maxAsked = Math.max(maxAsked, i);
                                sendBlock(ctx, blocks.get(i));
                            }
                        }
                    }
                }
            }

            private void sendBlock(final ChannelHandlerContext ctx, final RegtestChain.BuiltBlock b) {
                send(ctx, Command.BLOCK, ctx.alloc().buffer(b.raw().length).writeBytes(b.raw()));
            }

            private void send(final ChannelHandlerContext ctx, final Command c, final ByteBuf payload) {
                ctx.writeAndFlush(new P2pMessage(c, payload));
            }
        }
    }
}
