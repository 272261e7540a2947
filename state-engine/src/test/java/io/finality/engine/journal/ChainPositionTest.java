package io.finality.engine.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chain positions recovered from the journal: scripted connects, a reorg and restarts (with and without
 * a snapshot in between), and a seeded differential run against a plain list model of every chain.
 */
class ChainPositionTest {
    private static ChainEvent block(final EventKind kind, final ChainId chain, final long height, final byte[] hash) {
        final ChainEvent e = new ChainEvent(256, 1 << 10, 4).reset(kind, chain).height(height);
        e.blockHash().putBytes(0, hash);
        return e;
    }

    private static byte[] hash(final String branch, final long height) {
        final byte[] h = new byte[32];
        final byte[] name = (branch + ":" + height).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, h, 0, Math.min(32, name.length));
        return h;
    }

    private static List<String> hex(final List<byte[]> hashes) {
        final List<String> out = new ArrayList<>();
        for (byte[] h : hashes) {
            out.add(Hex.toHex(h));
        }
        return out;
    }

    @Test
    void shouldRecoverTheTipAndLocatorAcrossAReorgAndRestarts(@TempDir final Path dir) {
        final ChainId btc = ChainId.BITCOIN_REGTEST;
        long step = 0;
        try (JournaledStateEngine e = JournaledStateEngineTest.engine(dir, 0)) {
            assertTrue(e.chainPosition(btc).empty(), "nothing journaled yet");
            for (long h = 1; h <= 20; h++) {
                e.onStep(block(EventKind.BLOCK_CONNECTED, btc, h, hash("a", h)), step++, true);
            }
            // 3-block reorg onto branch b, tip first, then 5 new blocks
            for (long h = 20; h >= 18; h--) {
                e.onStep(block(EventKind.BLOCK_DISCONNECTED, btc, h, hash("a", h)), step++, true);
            }
            for (long h = 18; h <= 22; h++) {
                e.onStep(block(EventKind.BLOCK_CONNECTED, btc, h, hash("b", h)), step++, true);
            }
            final ChainPosition live = e.chainPosition(btc);
            assertEquals(22, live.tipHeight());
            assertArrayEquals(hash("b", 22), live.tipHash());
            assertEquals(1, live.lowestHeight());
        }
        final List<String> expected = new ArrayList<>();
        for (long h = 1; h <= 17; h++) {
            expected.add(Hex.toHex(hash("a", h)));
        }
        for (long h = 18; h <= 22; h++) {
            expected.add(Hex.toHex(hash("b", h)));
        }
        // restart: close() wrote a snapshot, so nothing is replayed; the position comes from the whole journal
        try (JournaledStateEngine e = JournaledStateEngineTest.engine(dir, 0)) {
            final ChainPosition p = e.chainPosition(btc);
            assertEquals(22, p.tipHeight());
            assertEquals(expected, hex(p.hashesOldestFirst()));
            assertTrue(e.chainPosition(ChainId.ETHEREUM_MAINNET).empty(), "another chain is untouched");
            // after the restart the live path keeps it up to date: a disconnect of the tip, then a new one
            e.onStep(block(EventKind.BLOCK_DISCONNECTED, btc, 22, hash("b", 22)), step++, true);
            e.onStep(block(EventKind.BLOCK_CONNECTED, btc, 22, hash("c", 22)), step++, true);
            expected.set(expected.size() - 1, Hex.toHex(hash("c", 22)));
            assertEquals(expected, hex(e.chainPosition(btc).hashesOldestFirst()));
        }
        try (JournaledStateEngine e = JournaledStateEngineTest.engine(dir, 0)) {
            assertEquals(expected, hex(e.chainPosition(btc).hashesOldestFirst()));
            assertEquals(22, e.chainPosition(btc).tipHeight());
        }
    }

    @Test
    void shouldMatchAListModelOverARandomScriptOfConnectsAndReorgsOnTwoChains(@TempDir final Path dir) {
        final long seed = System.nanoTime();
        final Random rnd = new Random(seed);
        final ChainId[] chains = {ChainId.BITCOIN_REGTEST, ChainId.ETHEREUM_MAINNET};
        final Map<ChainId, ArrayDeque<String>> model = new EnumMap<>(ChainId.class);
        final Map<ChainId, Long> tips = new EnumMap<>(ChainId.class);
        for (ChainId c : chains) {
            model.put(c, new ArrayDeque<>());
            tips.put(c, 0L);
        }
        final int window = ChainPositionTracker.DEFAULT_WINDOW;
        long step = 0;
        int branch = 0;
        boolean wrapped = false;
        final int restarts = 4;
        for (int run = 0; run < restarts; run++) {
            // snapshot every 53 steps: restarts then replay a tail after a snapshot that holds no positions
            try (JournaledStateEngine e = JournaledStateEngineTest.engine(dir, 53)) {
                for (ChainId c : chains) {
                    assertEquals(model.get(c).stream().toList(), hex(e.chainPosition(c).hashesOldestFirst()),
                        "after restart " + run + ", seed " + seed);
                }
                for (int i = 0; i < 1_100; i++) {
                    final ChainId c = chains[rnd.nextInt(chains.length)];
                    final ArrayDeque<String> m = model.get(c);
                    long tip = tips.get(c);
                    if (rnd.nextInt(20) == 0 && tip > 0) {
                        final int depth = 1 + rnd.nextInt((int)Math.min(tip, 12));
                        for (int d = 0; d < depth; d++) {
                            final byte[] h = Hex.fromHex(m.pollLast());
                            e.onStep(block(EventKind.BLOCK_DISCONNECTED, c, tip, h), step++, true);
                            tip--;
                        }
                        branch++;
                    }
                    tip++;
                    final byte[] h = hash("r" + branch, tip);
                    e.onStep(block(EventKind.BLOCK_CONNECTED, c, tip, h), step++, true);
                    m.addLast(Hex.toHex(h));
                    if (m.size() > window) {
                        m.pollFirst();
                        wrapped = true;
                    }
                    tips.put(c, tip);
                }
                for (ChainId c : chains) {
                    final ChainPosition p = e.chainPosition(c);
                    assertEquals((long)tips.get(c), p.tipHeight(), "seed " + seed);
                    assertEquals(model.get(c).stream().toList(), hex(p.hashesOldestFirst()), "seed " + seed);
                }
            }
        }
        assertTrue(wrapped, "the script must wrap the ring; seed " + seed);
    }

    @Test
    void shouldFollowBlocksWithoutAllocatingOnceTheChainsRingExists() {
        final ChainPositionTracker tracker = new ChainPositionTracker(64);
        final org.agrona.ExpandableArrayBuffer in = new org.agrona.ExpandableArrayBuffer(256);
        final ChainEvent connect = block(EventKind.BLOCK_CONNECTED, ChainId.BITCOIN_MAINNET, 0, hash("x", 0));
        final ChainEvent disconnect = block(EventKind.BLOCK_DISCONNECTED, ChainId.BITCOIN_MAINNET, 0, hash("x", 0));
        final int c = StepInputCodec.encode(connect, in, 0);
        final int d = StepInputCodec.encode(disconnect, in, 128);
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory
            .getThreadMXBean();
        for (int round = 0; round < 2; round++) {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (long h = 1; h <= 20_000; h++) {
                in.putLong(8, h);
                in.putLong(32, h);
                tracker.apply(in, 0, c);
                if (h % 10 == 0) {
                    // disconnect the tip just connected, then connect it again
                    in.putLong(128 + 8, h);
                    in.putLong(128 + 32, h);
                    tracker.apply(in, 128, d);
                    tracker.apply(in, 0, c);
                }
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                // one allocation per call would be >= 16 B x 24,000; a few bytes from the JVM itself (class
                // resolution, deoptimisation under a loaded suite) are not the tracker's
                assertTrue(allocated < 1_024, allocated + " bytes allocated by 22,000 connects and 2,000 disconnects");
            }
        }
        assertEquals(0, tracker.mismatches());
        assertEquals(64, tracker.position(ChainId.BITCOIN_MAINNET).hashesOldestFirst().size());
        assertEquals(20_000, tracker.position(ChainId.BITCOIN_MAINNET).tipHeight());
    }
}
