package io.finality.tools.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.p2p.BitcoinPeerConnection;
import io.finality.bitcoin.p2p.BitcoinPeerContext;
import io.finality.bitcoin.p2p.LoopbackPeer;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.pipeline.PipelineContext;
import io.finality.engine.journal.ChainPosition;
import io.finality.engine.journal.JournalContext;
import io.finality.engine.policy.PolicyBook;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole node restarted on the same data directory: the chain position recovered from the journal
 * drives a new P2P connection, which walks back over a reorg the peer made while the node was down
 * and ends with the engine's applied chain equal to the peer's best chain.
 */
@Timeout(120)
class FinalityNodeResumeTest {
    /** The CPUs a thread of this process (by the first 15 characters of its name, as Linux keeps it) may run on. */
    private static String cpusAllowed(final String comm) {
        try (var tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
            for (final Path task : (Iterable<Path>)tasks::iterator) {
                if (java.nio.file.Files.readString(task.resolve("comm")).strip().equals(comm)) {
                    for (final String line : java.nio.file.Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("Cpus_allowed_list:")) {
                            return line.substring("Cpus_allowed_list:".length()).strip();
                        }
                    }
                }
            }
            return null;
        } catch (final java.io.IOException ex) {
            // a thread may end while it is listed: ask again
            return null;
        }
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

    private static List<String> peerChain(final LoopbackPeer peer) {
        final List<String> out = new ArrayList<>();
        for (long h = 1; h <= peer.tipHeight(); h++) {
            out.add(Hex.toHex(peer.block(h).hash()));
        }
        return out;
    }

    private static List<String> hex(final ChainPosition p) {
        final List<String> out = new ArrayList<>();
        for (byte[] h : p.hashesOldestFirst()) {
            out.add(Hex.toHex(h));
        }
        return out;
    }

    private static boolean at(final FinalityNode node, final long height) {
        final ChainPosition p = node.chainPosition(ChainId.BITCOIN_REGTEST);
        return !p.empty() && p.tipHeight() == height;
    }

    @Test
    void shouldResumeFromTheJournaledPositionAndWalkBackOverAReorgMadeWhileDown(@TempDir final Path dir) throws Exception {
        // with the scan's probe helper, pinned apart from the scan thread where the process may use two CPUs: started with
        // the node, and closed with it across the restarts
        final java.util.BitSet cpus = net.openhft.affinity.Affinity.getAffinity();
        final PipelineContext pipeline = new PipelineContext().scanHelper(true);
        if (cpus.cardinality() >= 2) {
            pipeline.scanCpu(cpus.nextSetBit(0)).scanHelperCpu(cpus.nextSetBit(cpus.nextSetBit(0) + 1));
        }
        final NodeContext context = new NodeContext().dataDirectory(dir).policies(PolicyBook.withDefaults())
            .durability(JournalContext.Durability.NONE).pipeline(pipeline);
        final RegtestChain chain = new RegtestChain();
        for (int i = 0; i < 40; i++) {
            chain.mine(List.of());
        }
        try (LoopbackPeer peer = new LoopbackPeer(chain).start()) {
            final BitcoinPeerContext fresh = new BitcoinPeerContext().network(BitcoinNetwork.REGTEST)
                .node(new InetSocketAddress("127.0.0.1", peer.port())).startHash(RegtestChain.GENESIS_HASH).startHeight(0);
            try (FinalityNode node = new FinalityNode(context)) {
                assertTrue(node.chainPosition(ChainId.BITCOIN_REGTEST).empty());
                try (BitcoinPeerConnection c = new BitcoinPeerConnection(node.resumeBitcoin(fresh))) {
                    c.start(node.publisher());
                    await(() -> at(node, 40), "the first sync to be applied");
                }
                assertEquals(peerChain(peer), hex(node.chainPosition(ChainId.BITCOIN_REGTEST)));
            }
            // while the node is down the peer replaces its top 6 blocks by 9 others; the node comes back with one thread
            // for both stages, spinning (the latency profile): the journal it resumes from is the same
            peer.reorg(6, 9);
            final PipelineContext fused = new PipelineContext().fusedStages(true)
                .waitStrategy(PipelineContext.WaitStrategyKind.YIELDING).scanHelper(true)
                .scanCpu(pipeline.scanCpu()).scanHelperCpu(pipeline.scanHelperCpu());
            // and with the journal's pretouch thread pinned off the stage thread's CPU (journal.pretouch_cpu)
            try (FinalityNode node = new FinalityNode(new NodeContext().dataDirectory(dir).policies(PolicyBook.withDefaults())
                .durability(JournalContext.Durability.NONE).pipeline(fused).pretouchCpu(pipeline.scanHelperCpu()))) {
                assertTrue(node.pipeline().context().fusedStages());
                if (pipeline.scanHelperCpu() >= 0) {
                    final String expected = Integer.toString(pipeline.scanHelperCpu());
                    await(() -> expected.equals(cpusAllowed("finality-journa")), "the pretouch thread to be pinned to CPU " + expected);
                }
                final ChainPosition recovered = node.chainPosition(ChainId.BITCOIN_REGTEST);
                assertEquals(40, recovered.tipHeight());
                assertEquals(40, recovered.hashesOldestFirst().size());
                final BitcoinPeerContext resumed = node.resumeBitcoin(new BitcoinPeerContext().network(BitcoinNetwork.REGTEST)
                    .node(new InetSocketAddress("127.0.0.1", peer.port())).startHash(RegtestChain.GENESIS_HASH).startHeight(0));
                assertEquals(40, resumed.startHeight());
                assertArrayEquals(recovered.tipHash(), resumed.startHash());
                final long before = node.pipeline().counters().published();
                try (BitcoinPeerConnection c = new BitcoinPeerConnection(resumed)) {
                    c.start(node.publisher());
                    await(() -> at(node, 43), "the walk back and the new branch to be applied");
                    assertTrue(node.awaitApplied(10_000));
                }
                // six disconnects and nine connects, nothing more: no block of the old run was published again
                assertEquals(15, node.pipeline().counters().published() - before);
                assertEquals(peerChain(peer), hex(node.chainPosition(ChainId.BITCOIN_REGTEST)));
            }
        }
    }
}
