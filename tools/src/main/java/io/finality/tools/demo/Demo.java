package io.finality.tools.demo;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.p2p.BitcoinPeerConnection;
import io.finality.bitcoin.p2p.BitcoinPeerContext;
import io.finality.bitcoin.p2p.LoopbackPeer;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.node.NodeContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Entry point of the demo: starts a node, the live printer and the story; closes everything after. */
public final class Demo {
    private Demo() {
    }

    /** Run the demo; returns true if every invoice ended as expected. */
    public static boolean run(final NodeContext context, final PrintWriter out, final long pauseMs, final boolean color) {
        // The story is the output: keep routine INFO logging (store opened, engine recovered) out of it.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
            h.setLevel(java.util.logging.Level.WARNING);
        }
        out.println("Finality demo: the real pipeline (Bitcoin P2P connection, Disruptor ring, block scanner, off-heap");
        out.println("matcher, RocksDB invoice store, state engine, Chronicle journal) against an embedded Bitcoin node:");
        out.println("a loopback peer on 127.0.0.1 serving a regtest chain (real proof of work and merkle roots) over the");
        out.println("P2P wire protocol. Data: " + context.dataDirectory());
        out.flush();
        final RegtestChain chain = new RegtestChain();
        chain.mine(List.of());
        try (LoopbackPeer peer = new LoopbackPeer(chain).start();
            FinalityNode node = new FinalityNode(context);
            EventPrinter printer = new EventPrinter(node.journal(), out, color).start();
            BitcoinPeerConnection connection = new BitcoinPeerConnection(new BitcoinPeerContext()
                .network(BitcoinNetwork.REGTEST).node(new InetSocketAddress("127.0.0.1", peer.port()))
                .startHash(RegtestChain.GENESIS_HASH).startHeight(0))) {
            connection.start(node.publisher());
            return new DemoScript(node, peer, connection, printer, out, pauseMs).run();
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the loopback peer", ex);
        }
    }

    /** Remove a directory tree (the demo's temporary data). */
    public static void deleteRecursively(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
