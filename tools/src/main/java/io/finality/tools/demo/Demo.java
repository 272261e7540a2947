package io.finality.tools.demo;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.p2p.BitcoinPeerConnection;
import io.finality.bitcoin.p2p.BitcoinPeerContext;
import io.finality.bitcoin.p2p.LoopbackPeer;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.chain.ChainId;
import io.finality.ethereum.devnet.AnvilContext;
import io.finality.ethereum.devnet.AnvilNode;
import io.finality.ethereum.sync.EthereumConnection;
import io.finality.ethereum.sync.EthereumContext;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.node.NodeContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Entry point of the demo: starts the embedded nodes (the loopback Bitcoin peer, and anvil when installed), the
 * Finality node, the live printer, and the two acts of the story; closes everything after.
 */
public final class Demo {
    private static final long HOUR = 3_600_000L;

    private Demo() {
    }

    /** Run the demo; returns true if every invoice ended as expected. */
    public static boolean run(final NodeContext context, final PrintWriter out, final long pauseMs, final boolean color) {
        // The story is the output: keep routine INFO logging (store opened, engine recovered) out of it.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
            h.setLevel(java.util.logging.Level.WARNING);
        }
        out.println("Finality demo: the real pipeline (node connections, Disruptor ring, block scanners, off-heap matcher,");
        out.println("RocksDB invoice store, state engine, Chronicle journal) against embedded nodes on 127.0.0.1: a loopback");
        out.println("Bitcoin peer serving a regtest chain (real proof of work and merkle roots) over the P2P wire protocol, and");
        out.println("anvil, a real Ethereum dev node, when it is installed. Data: " + context.dataDirectory());
        out.flush();
        final Optional<Path> anvilBinary = AnvilNode.find();
        if (anvilBinary.isEmpty()) {
            out.println("(anvil is not installed, so the Ethereum act is skipped: npm install --no-save --prefix .anvil"
                + " @foundry-rs/anvil-linux-amd64@1.7.1)");
        }
        try (AnvilNode anvil = anvilBinary.map(b -> AnvilNode.start(b, new AnvilContext())).orElse(null)) {
            final DemoTokens tokens = anvil == null ? null : DemoTokens.deploy(anvil.rpc());
            if (tokens != null) {
                context.tokens(tokens.book());
            }
            return play(context, out, pauseMs, color, anvil, tokens);
        }
    }

    private static boolean play(final NodeContext context, final PrintWriter out, final long pauseMs, final boolean color,
                                final AnvilNode anvil, final DemoTokens tokens) {
        final Narrator narrator = new Narrator(out, pauseMs);
        final RegtestChain chain = new RegtestChain();
        chain.mine(List.of());
        try (LoopbackPeer peer = new LoopbackPeer(chain).start();
            FinalityNode node = new FinalityNode(context);
            EventPrinter printer = new EventPrinter(node.journal(), out, color, context.tokens()).start();
            BitcoinPeerConnection connection = new BitcoinPeerConnection(new BitcoinPeerContext()
                .network(BitcoinNetwork.REGTEST).node(new InetSocketAddress("127.0.0.1", peer.port()))
                .startHash(RegtestChain.GENESIS_HASH).startHeight(0));
            EthereumConnection ethereum = anvil == null ? null : new EthereumConnection(ethereumContext(anvil))) {
            final long now = System.currentTimeMillis();
            connection.start(node.publisher());
            boolean ok = new DemoScript(node, peer, connection, printer, narrator).run(now);
            if (ethereum != null) {
                ethereum.start(node.publisher());
                ok &= new EthereumDemoScript(node, anvil, tokens, ethereum, printer, narrator).run(now + 3 * HOUR);
            }
            narrator.counts(printer.counts());
            return ok;
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the loopback peer", ex);
        }
    }

    private static EthereumContext ethereumContext(final AnvilNode anvil) {
        // automine mines each payment as it is sent: a pending stage would only race with the block, so none is shown
        final EthereumContext context = new EthereumContext().chain(ChainId.ETHEREUM_DEV).startHeight(0).pendingTransactions(false);
        context.rpc().uri(anvil.wsUri());
        return context;
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
