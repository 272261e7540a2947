package io.finality.tools.rescan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinAddressCodec;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.p2p.BitcoinPeerConnection;
import io.finality.bitcoin.p2p.LoopbackPeer;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.chain.ChainId;
import io.finality.engine.journal.ChainPosition;
import io.finality.tools.RegtestPayments;
import io.finality.tools.cli.RescanCommandAccess;
import io.finality.tools.importer.BlkFiles;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.node.InvoiceRequest;
import io.finality.tools.run.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finality rescan} on Bitcoin regtest, through the real pipeline and journal: a node synced over P2P from a
 * loopback peer misses a payment made to an address before its invoice was opened; the rescan, reading the blocks
 * by hash from the peer over P2P or from a Bitcoin Core blocks directory, finds it with the confirmations its block
 * has, and only it; both sources give the same events.
 */
@Timeout(120)
class BitcoinRescanTest {
    private static final long EXPIRES_AT = 4_000_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void shouldFindAPaymentMadeBeforeItsInvoiceOverP2pAndFromBlkFilesExactlyOnce() throws Exception {
        final RegtestChain chain = new RegtestChain();
        final List<byte[]> raw = new ArrayList<>();
        for (int h = 1; h <= 12; h++) {
            final List<byte[]> txs = switch (h) {
                case 3 -> List.of(RegtestPayments.pay(1, "early", 50_000_000));
                case 5 -> List.of(RegtestPayments.pay(2, "live", 10_000_000), RegtestPayments.pay(3, "early", 1_000));
                default -> List.of();
            };
            raw.add(chain.mine(txs).raw());
        }
        final BlkFiles files = new BlkFiles(BitcoinNetwork.REGTEST);
        raw.forEach(files::block);
        final Path blocks = files.write(dir.resolve("blocks"), null);

        try (LoopbackPeer peer = new LoopbackPeer(chain).start()) {
            final RunConfig config = RunConfig.load(Files.writeString(dir.resolve("finality.yaml"), String.join("\n",
                "data_dir: data",
                "bitcoin:",
                "  network: regtest",
                "  node: 127.0.0.1:" + peer.port(),
                "journal:",
                "  durability: none",
                "")));
            try (FinalityNode node = new FinalityNode(config.node())) {
                open(node, "live", "0.1");
                assertTrue(node.awaitApplied(10_000));
                final BitcoinPeerConnection connection = new BitcoinPeerConnection(node.resumeBitcoin(config.bitcoin()));
                try {
                    connection.start(node.publisher());
                    awaitTip(node, 12);
                } finally {
                    connection.close();
                }
                open(node, "early", "0.5");
                assertTrue(node.awaitApplied(10_000));
                assertEquals(List.of("live INVOICE_OPENED", "live PAYMENT_IN_BLOCK", "live INVOICE_CONFIRMING", "live INVOICE_CONFIRMED",
                    "early INVOICE_OPENED"), JournalEvents.of(node, 1));
            }

            // over P2P from the node into one copy of the data, from the blocks directory into the other: the same events
            copyTree(dir.resolve("data"), dir.resolve("data-p2p"));
            final RunConfig p2pConfig = RunConfig.load(Files.writeString(dir.resolve("p2p.yaml"),
                Files.readString(dir.resolve("finality.yaml")).replace("data_dir: data", "data_dir: data-p2p")));
            final RescanSummary overP2p = rescan(p2pConfig, 2, null);
            final RescanSummary found = rescan(config, 2, blocks);
            assertEquals(found.listed(), overP2p.listed());
            assertEquals(found.applied(), overP2p.applied());
            assertEquals(11, found.read());
            assertEquals(11, found.applied());
            // the 0.5 BTC output at height 3 has 10 confirmations (3 needed): confirmed at once; the 1,000 sat one too
            assertEquals(List.of(
                "PAYMENT_IN_BLOCK       invoice early, now CONFIRMED: 50000000 base units at height 3 (10 confirmations)",
                "INVOICE_CONFIRMED      invoice early, now CONFIRMED",
                "PAYMENT_IN_BLOCK       invoice early, now CONFIRMED: 1000 base units at height 5 (8 confirmations)"), found.listed());

            final RescanSummary again = rescan(config, 1, blocks);
            assertEquals(12, again.applied());
            assertEquals(0, again.events(), "every payment is recorded now: " + again.listed());

            try (FinalityNode running = new FinalityNode(config.node())) {
                final RescanException busy = assertThrows(RescanException.class, () -> rescan(config, 1, blocks));
                assertEquals(RescanException.FAILED, busy.exitCode());
                assertTrue(busy.getMessage().contains("is `finality run` still running on it?"), busy.getMessage());
                assertTrue(running.healthy());
            }
            final RescanException tooHigh = assertThrows(RescanException.class, () -> rescan(config, 13, blocks));
            assertEquals(RescanException.OUT_OF_RANGE, tooHigh.exitCode());
            final RescanException missing = assertThrows(RescanException.class,
                () -> rescan(config, 1, new BlkFiles(BitcoinNetwork.REGTEST).block(raw.get(0)).write(dir.resolve("one"), null)));
            assertEquals(RescanException.SOURCE, missing.exitCode());
            assertTrue(missing.getMessage().contains("is not in"), missing.getMessage());
        }
    }

    private static RescanSummary rescan(final RunConfig config, final long from, final Path blocks) {
        return new Rescan(config, "bitcoin-regtest", from, Long.MAX_VALUE, (c, chain) -> RescanCommandAccess.source(c, chain, blocks),
            RescanProgress.NONE).run();
    }

    private static void copyTree(final Path from, final Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>)files::iterator) {
                final Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static void open(final FinalityNode node, final String id, final String amount) {
        final String address = BitcoinAddressCodec.fromScript(RegtestPayments.script(id), BitcoinNetwork.REGTEST);
        node.open(new InvoiceRequest(id, "bitcoin-regtest", address, amount, EXPIRES_AT, null, null, null));
    }

    private static void awaitTip(final FinalityNode node, final long height) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            final ChainPosition p = node.chainPosition(ChainId.BITCOIN_REGTEST);
            if (!p.empty() && p.tipHeight() == height && node.awaitApplied(1_000)) {
                return;
            }
            assertTrue(System.currentTimeMillis() < deadline, "the node did not reach height " + height);
            Thread.sleep(10);
        }
    }
}
