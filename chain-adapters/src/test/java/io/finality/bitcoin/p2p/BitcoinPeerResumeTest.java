package io.finality.bitcoin.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.regtest.RawTransactionBuilder;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.buffer.Hex;
import io.finality.core.ring.EventKind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resume after a process restart: a first connection syncs and is closed, the applied chain it
 * published is kept as the journal would keep it (connect pushes, disconnect pops), the peer moves on
 * (extends, or reorganises deeper than our tip and past the dense part of the locator), and a NEW
 * connection started from the recorded position must publish exactly what takes the applied chain to
 * the peer's best chain: our blocks above the fork disconnected tip first, then the peer's branch in
 * height order, with no gap and no duplicate.
 */
@Timeout(120)
class BitcoinPeerResumeTest {
    @AfterEach
    void noThreadLeft() throws InterruptedException {
        NettyThreads.assertNoneLeft();
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

    private static BitcoinPeerContext context(final LoopbackPeer peer) {
        return new BitcoinPeerContext().node(new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.port()));
    }

    private static RegtestChain chain(final int blocks) {
        final RegtestChain chain = new RegtestChain();
        for (int i = 1; i <= blocks; i++) {
            final byte[] prev = new byte[32];
            prev[0] = (byte)i;
            final byte[] script = new byte[22];
            script[1] = 0x14;
            script[2] = (byte)i;
            chain.mine(i % 5 == 0 ? List.of(new RawTransactionBuilder().spend(prev, 0).pay(10_000L * i, script).build()) : List.of());
        }
        return chain;
    }

    /** The applied chain as the journal records it, replayed from published events; fails on a gap or a bad pop. */
    private static List<String> apply(final List<String> applied, final long baseHeight, final List<RecordingPublisher.Event> events) {
        for (RecordingPublisher.Event e : events) {
            final long tip = baseHeight + applied.size();
            if (e.kind() == EventKind.BLOCK_CONNECTED) {
                assertEquals(tip + 1, e.height(), "gap or duplicate at " + e);
                assertTrue(!applied.contains(e.hash()), "duplicate block " + e);
                applied.add(e.hash());
            } else if (e.kind() == EventKind.BLOCK_DISCONNECTED) {
                assertEquals(tip, e.height(), "disconnect not of the tip: " + e);
                assertEquals(applied.get(applied.size() - 1), e.hash(), "disconnect not of the tip: " + e);
                applied.remove(applied.size() - 1);
            }
        }
        return applied;
    }

    private static List<String> peerChain(final LoopbackPeer peer, final long from) {
        final List<String> out = new ArrayList<>();
        for (long h = from; h <= peer.tipHeight(); h++) {
            out.add(Hex.toHex(peer.block(h).hash()));
        }
        return out;
    }

    private static List<byte[]> bytes(final List<String> hashes) {
        final List<byte[]> out = new ArrayList<>();
        for (String h : hashes) {
            out.add(Hex.fromHex(h));
        }
        return out;
    }

    private static String expected(final List<RegtestChain.BuiltBlock> disconnected, final LoopbackPeer peer, final long fromHeight) {
        final StringBuilder sb = new StringBuilder();
        for (RegtestChain.BuiltBlock b : disconnected) {
            sb.append(EventKind.BLOCK_DISCONNECTED).append('@').append(b.height()).append(':').append(Hex.toHex(b.hash())).append(' ');
        }
        for (long h = fromHeight; h <= peer.tipHeight(); h++) {
            sb.append(EventKind.BLOCK_CONNECTED).append('@').append(h).append(':').append(Hex.toHex(peer.block(h).hash())).append(' ');
        }
        return sb.toString();
    }

    private static String actual(final List<RecordingPublisher.Event> events) {
        final StringBuilder sb = new StringBuilder();
        for (RecordingPublisher.Event e : events) {
            sb.append(e.kind()).append('@').append(e.height()).append(':').append(e.hash()).append(' ');
        }
        return sb.toString();
    }

    /** First run from genesis; returns the applied chain (heights 1..tip) it published. */
    private static List<String> firstRun(final LoopbackPeer peer, final int blocks) throws InterruptedException {
        final RecordingPublisher first = new RecordingPublisher();
        try (BitcoinPeerConnection c = new BitcoinPeerConnection(context(peer).startHash(RegtestChain.GENESIS_HASH).startHeight(0))) {
            c.start(first);
            await(() -> first.size() == blocks, "the first sync");
        }
        final List<String> applied = apply(new ArrayList<>(), 0, first.since(0));
        assertEquals(peerChain(peer, 1), applied);
        return applied;
    }

    @Test
    void shouldWalkBackToTheForkWhenThePeerReorganisedDeeperThanOurTipWhileWeWereDown() throws Exception {
        final int blocks = 80;
        try (LoopbackPeer peer = new LoopbackPeer(chain(blocks)).start()) {
            final List<String> applied = firstRun(peer, blocks);
            // while we are down: a 14-block reorg (fork at 66; the locator names 70..61 densely, then 59, 55...),
            // so the peer answers from 62 with headers we already hold, and its branch is 20 long
            final List<RegtestChain.BuiltBlock> removed = peer.reorg(14, 20);
            assertEquals(86, peer.tipHeight());

            // restart with only the last 40 applied blocks, as the journal's position would hold them
            final List<String> known = applied.subList(applied.size() - 40, applied.size());
            final RecordingPublisher second = new RecordingPublisher();
            try (BitcoinPeerConnection c = new BitcoinPeerConnection(context(peer).resumeFrom(blocks, bytes(known)))) {
                assertEquals(blocks, c.connectedHeight());
                c.start(second);
                await(() -> second.size() == 14 + 20, "the walk back and the new branch");
                Thread.sleep(200);
                assertEquals(34, second.size(), "nothing after the new tip");
                assertEquals(expected(removed, peer, 67), actual(second.since(0)));
                assertEquals(86, c.connectedHeight());
            }
            final List<String> resumed = apply(new ArrayList<>(known), blocks - 40, second.since(0));
            assertEquals(peerChain(peer, blocks - 39), resumed, "the applied chain is the peer's best chain");
            // payloads are the peer's blocks, byte for byte
            for (RecordingPublisher.Event e : second.since(14)) {
                assertEquals(Hex.toHex(peer.block(e.height()).raw()), Hex.toHex(e.payload()));
            }
        }
    }

    @Test
    void shouldResumeAfterTheRecordedTipWithNoGapAndNoDuplicateWhenThePeerOnlyExtended() throws Exception {
        final int blocks = 50;
        try (LoopbackPeer peer = new LoopbackPeer(chain(blocks)).start()) {
            final List<String> applied = firstRun(peer, blocks);
            peer.mineEmpty(7);
            final RecordingPublisher second = new RecordingPublisher();
            try (BitcoinPeerConnection c = new BitcoinPeerConnection(context(peer).resumeFrom(blocks, bytes(applied)))) {
                c.start(second);
                await(() -> second.size() == 7, "the seven new blocks");
                Thread.sleep(200);
                assertEquals(expected(List.of(), peer, blocks + 1), actual(second.since(0)));
                // still following: a 1-block reorg at the new tip after the resume
                final List<RegtestChain.BuiltBlock> removed = peer.reorg(1, 2);
                await(() -> second.size() == 10, "the 1-block reorg");
                assertEquals(expected(removed, peer, blocks + 7), actual(second.since(7)));
            }
            assertEquals(peerChain(peer, 1), apply(new ArrayList<>(applied), 0, second.since(0)));
        }
    }

    @Test
    void shouldWalkBackToOurOldestKnownBlockWhenThePeerForkedThere() throws Exception {
        final int blocks = 30;
        try (LoopbackPeer peer = new LoopbackPeer(chain(blocks)).start()) {
            final List<String> applied = firstRun(peer, blocks);
            // we remember blocks 21..30; the peer replaces 22..30 (fork at 21, our oldest block) by a longer branch
            final List<RegtestChain.BuiltBlock> removed = peer.reorg(9, 12);
            final RecordingPublisher second = new RecordingPublisher();
            try (BitcoinPeerConnection c = new BitcoinPeerConnection(
                context(peer).resumeFrom(blocks, bytes(applied.subList(20, 30))))) {
                c.start(second);
                await(() -> second.size() == 9 + 12, "the walk back to our oldest block");
                Thread.sleep(200);
                assertEquals(expected(removed, peer, 22), actual(second.since(0)));
            }
        }
    }

    @Test
    void shouldDropThePeerAndPublishNothingWhenItForkedBelowEveryBlockWeRemember() throws Exception {
        final int blocks = 30;
        try (LoopbackPeer peer = new LoopbackPeer(chain(blocks)).start()) {
            final List<String> applied = firstRun(peer, blocks);
            // we remember only 26..30; the peer forked at 22, so no locator hash is on its chain and it
            // answers from genesis, whose child we cannot link: a bad header, the connection is dropped
            peer.reorg(8, 10);
            final RecordingPublisher second = new RecordingPublisher();
            try (BitcoinPeerConnection c = new BitcoinPeerConnection(
                context(peer).resumeFrom(blocks, bytes(applied.subList(25, 30))))) {
                c.start(second);
                await(() -> c.failures(DecodeFailure.BAD_HEADER) == 1, "the drop");
                Thread.sleep(200);
                assertEquals(0, second.size(), "nothing published");
                assertEquals(blocks, c.connectedHeight());
                assertEquals(1, c.connects(), "a peer that sent a header we cannot link is not redialled");
            }
        }
    }
}
