package io.finality.tools.demo;

import io.finality.tools.node.FinalityNode;
import io.finality.tools.node.NodeContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
        out.println("Finality demo: the real pipeline (Disruptor ring, Bitcoin block scanner, off-heap matcher,");
        out.println("RocksDB invoice store, state engine, Chronicle journal) on an embedded regtest chain.");
        out.println("Blocks come from an in-process regtest miner published into the ring as the Bitcoin P2P");
        out.println("connection will publish them; that connection itself is not wired into the demo yet.");
        out.println("Data: " + context.dataDirectory());
        out.flush();
        try (FinalityNode node = new FinalityNode(context);
            EventPrinter printer = new EventPrinter(node.journal(), out, color).start()) {
            return new DemoScript(node, printer, out, pauseMs).run();
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
