package io.finality.tools.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinAddressCodec;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.blk.BlkFileReader;
import io.finality.bitcoin.p2p.BitcoinPeerConnection;
import io.finality.bitcoin.p2p.LoopbackPeer;
import io.finality.bitcoin.regtest.RawTransactionBuilder;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.engine.journal.ChainPosition;
import io.finality.tools.Finality;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.node.InvoiceRequest;
import io.finality.tools.run.NodeRunner;
import io.finality.tools.run.RunConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code finality import-blk} end to end, in-process through the CLI: a regtest chain with payments is
 * written as a Bitcoin Core blocks directory (shuffled, a stale fork, an orphan, junk between records,
 * two files, an xor.dat key) and imported into a node with open invoices; its journal must equal, event
 * for event, the journal of a node that synced the same chain over P2P from a loopback peer. Then both
 * resume as {@code finality run} does, over P2P, from a peer with two more blocks: no gap, no duplicate,
 * same events.
 */
@Timeout(180)
class BlkImportTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long EXPIRES_AT = 4_000_000_000_000L;

    @TempDir
    Path dir;

    /** Outcome of one in-process CLI run. */
    record Cli(int code, String out, String err) {
    }

    static Cli importBlk(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = Finality.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        final List<String> all = new ArrayList<>(List.of("import-blk"));
        all.addAll(List.of(args));
        final int code = cli.execute(all.toArray(String[]::new));
        return new Cli(code, out.toString(), err.toString());
    }

    static List<String> tail(final Path data) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = Finality.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute("tail", "-d", data.toString()), err.toString());
        return out.toString().lines().toList();
    }

    /** The events without the fields that depend on when or in which step they were written. */
    static List<String> comparable(final List<String> events, final String... drop) {
        final List<String> out = new ArrayList<>();
        for (String line : events) {
            final ObjectNode e = (ObjectNode)JSON.readTree(line);
            e.remove("timestampMs");
            for (String d : drop) {
                e.remove(d);
            }
            out.add(e.toString());
        }
        return out;
    }

    static void checkGapFreeAndUnique(final List<String> events) {
        final Set<String> ids = new HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            final JsonNode e = JSON.readTree(events.get(i));
            assertEquals(i + 1, e.get("sequence").longValue(), "gap or duplicate at " + events.get(i));
            assertTrue(ids.add(e.get("eventId").stringValue()), "event id twice: " + events.get(i));
        }
    }

    static void await(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    static boolean at(final FinalityNode node, final ChainId chain, final long height) {
        final ChainPosition p = node.chainPosition(chain);
        return !p.empty() && p.tipHeight() == height;
    }

    static byte[] script(final String id) {
        final byte[] hash = RegtestChain.sha256d(id.getBytes(StandardCharsets.US_ASCII));
        final byte[] s = new byte[22];
        s[1] = 0x14;
        System.arraycopy(hash, 0, s, 2, 20);
        return s;
    }

    static byte[] pay(final String coin, final String id, final long satoshis) {
        return new RawTransactionBuilder().spend(RegtestChain.sha256d(("coin-" + coin).getBytes(StandardCharsets.US_ASCII)), 0)
            .pay(satoshis, script(id)).build();
    }

    static Path config(final Path dir, final String name, final String data, final String bitcoin, final String pipeline) throws Exception {
        return Files.writeString(dir.resolve(name), String.join("\n",
            "data_dir: " + data,
            bitcoin,
            "pipeline:",
            pipeline,
            "journal:",
            "  durability: none",
            "  snapshot_every_steps: 7",
            ""));
    }

    static String regtest(final int port) {
        return "bitcoin:\n  network: regtest\n  node: 127.0.0.1:" + port;
    }

    static final String SMALL_RING = "  ring_size: 16\n  max_payload_bytes: 1MiB\n  memory_budget_bytes: 64MiB";

    private static void openInvoices(final FinalityNode node) {
        for (String[] inv : new String[][] {{"exact", "0.5"}, {"under", "0.2"}, {"over", "0.001"}, {"split", "0.3"}, {"stale", "0.01"},
            {"resume", "0.05"}}) {
            node.open(new InvoiceRequest(inv[0], "bitcoin-regtest", BitcoinAddressCodec.fromScript(script(inv[0]), BitcoinNetwork.REGTEST),
                inv[1], EXPIRES_AT, null, "order-" + inv[0], null));
        }
    }

    @Test
    void shouldJournalExactlyWhatAPeerSyncProducesAndLetRunResumeAfterTheImportedTip() throws Exception {
        final long seed = System.nanoTime();
        final String context = "seed " + seed;
        final Random random = new Random(seed);
        final RegtestChain chain = new RegtestChain();
        final List<RegtestChain.BuiltBlock> main = new ArrayList<>();
        for (int h = 1; h <= 16; h++) {
            final List<byte[]> txs = switch (h) {
                case 3 -> List.of(pay("a", "exact", 50_000_000));
                case 5 -> List.of(pay("b", "under", 10_000_000));
                case 10 -> List.of(pay("c", "over", 200_000), pay("d", "split", 10_000_000));
                default -> List.of();
            };
            main.add(chain.mine(txs));
        }
        // a stale fork at 17..19 paying the "stale" invoice: the best chain never includes it
        final List<RegtestChain.BuiltBlock> stale = new ArrayList<>();
        stale.add(chain.mine(List.of(pay("e", "stale", 1_000_000))));
        stale.add(chain.mine(List.of()));
        stale.add(chain.mine(List.of()));
        chain.rewindTo(16);
        for (int h = 17; h <= 30; h++) {
            main.add(chain.mine(h == 20 ? List.of(pay("f", "split", 20_000_000)) : List.of()));
        }
        // an orphan: the second block of another chain, whose first block is in no file
        final RegtestChain elsewhere = new RegtestChain();
        elsewhere.mine(List.of(pay("g", "exact", 1)));
        final byte[] orphan = elsewhere.mine(List.of()).raw();

        final List<byte[]> records = new ArrayList<>();
        main.forEach(b -> records.add(b.raw()));
        stale.forEach(b -> records.add(b.raw()));
        records.add(orphan);
        Collections.shuffle(records, random);
        final BlkFiles files = new BlkFiles(BitcoinNetwork.REGTEST);
        for (int i = 0; i < records.size(); i++) {
            if (i == records.size() / 2) {
                files.nextFile();
            }
            files.block(records.get(i));
            if (random.nextBoolean()) {
                files.junk(random, 1 + random.nextInt(64));
            } else {
                files.raw(new byte[random.nextInt(64)]);
            }
        }
        final byte[] key = new byte[BlkFileReader.XOR_KEY_LENGTH];
        random.nextBytes(key);
        final Path blocks = files.write(dir.resolve("blocks"), key);

        try (LoopbackPeer peer = new LoopbackPeer(chain).start()) {
            final Path configA = config(dir, "a.yaml", "a", regtest(peer.port()), SMALL_RING);
            final Path configB = config(dir, "b.yaml", "b", regtest(peer.port()), SMALL_RING);
            try (FinalityNode node = new FinalityNode(RunConfig.load(configA).node())) {
                openInvoices(node);
                assertTrue(node.awaitApplied(10_000));
            }
            final Cli imported = importBlk("--config", configA.toString(), "--blocks", blocks.toString(), "--quiet");
            assertEquals(0, imported.code(), context + "\n" + imported.err() + imported.out());
            assertTrue(imported.out().contains("imported 30 blocks (heights 1..30)"), context + imported.out());
            assertTrue(imported.out().contains("1 with unknown parent, 3 stale, 0 duplicate, 0 bad proof of work"),
                context + imported.out());
            assertTrue(imported.out().contains("tip " + Hex.toHex(Hex.reverse(main.get(29).hash().clone()))), imported.out());
            assertTrue(imported.out().contains("MB/s"), imported.out());
            assertTrue(imported.err().isEmpty(), imported.err());

            // the same chain over P2P into a second node with the same invoices
            try (FinalityNode node = new FinalityNode(RunConfig.load(configB).node())) {
                openInvoices(node);
                try (BitcoinPeerConnection c = new BitcoinPeerConnection(node.resumeBitcoin(RunConfig.load(configB).bitcoin()))) {
                    c.start(node.publisher());
                    await(() -> at(node, ChainId.BITCOIN_REGTEST, 30), "the P2P sync");
                    assertTrue(node.awaitApplied(10_000));
                }
            }
            final List<String> viaImport = tail(dir.resolve("a"));
            final List<String> viaPeer = tail(dir.resolve("b"));
            assertEquals(comparable(viaPeer), comparable(viaImport), context);
            checkGapFreeAndUnique(viaImport);
            // six INVOICE_OPENED events came before the import; the summary counts the rest
            assertTrue(imported.out().contains("; " + (viaImport.size() - 6) + " events journaled"), imported.out());
            final String all = String.join("\n", viaImport);
            for (String confirmed : List.of("\"invoiceId\":\"exact\"", "\"invoiceId\":\"split\"", "\"invoiceId\":\"over\"")) {
                assertTrue(viaImport.stream().anyMatch(e -> e.contains(confirmed) && e.contains("\"type\":\"INVOICE_CONFIRMED\"")),
                    confirmed + " not confirmed:\n" + all);
            }
            assertTrue(viaImport.stream().anyMatch(e -> e.contains("\"invoiceId\":\"under\"") && e.contains("\"status\":\"UNDERPAID\"")),
                all);
            assertTrue(viaImport.stream().filter(e -> e.contains("\"invoiceId\":\"stale\"")).allMatch(e -> e.contains("INVOICE_OPENED")),
                all);

            // `finality run` on both data directories, the peer now two blocks ahead: each continues after its tip
            peer.mine(List.of(pay("h", "resume", 5_000_000)));
            peer.mineEmpty(1);
            for (Path config : List.of(configA, configB)) {
                try (NodeRunner runner = new NodeRunner(RunConfig.load(config)).start()) {
                    await(() -> at(runner.node(), ChainId.BITCOIN_REGTEST, 32), "the resumed sync of " + config);
                    assertTrue(runner.node().awaitApplied(10_000));
                    assertEquals(2, runner.node().metrics().blocksConnected(ChainId.BITCOIN_REGTEST), config.toString());
                    assertEquals(0, runner.node().metrics().blocksDisconnected(ChainId.BITCOIN_REGTEST), config.toString());
                    final List<String> hashes = new ArrayList<>();
                    runner.node().chainPosition(ChainId.BITCOIN_REGTEST).hashesOldestFirst().forEach(h -> hashes.add(Hex.toHex(h)));
                    final List<String> expected = new ArrayList<>();
                    for (long h = 33 - hashes.size(); h <= 32; h++) {
                        expected.add(Hex.toHex(peer.block(h).hash()));
                    }
                    assertEquals(expected, hashes);
                }
            }
            final List<String> resumedImport = tail(dir.resolve("a"));
            final List<String> resumedPeer = tail(dir.resolve("b"));
            checkGapFreeAndUnique(resumedImport);
            assertEquals(viaImport, resumedImport.subList(0, viaImport.size()), "the resume rewrote history");
            assertTrue(resumedImport.stream().anyMatch(e -> e.contains("\"invoiceId\":\"resume\"") && e.contains("PAYMENT_IN_BLOCK")
                && e.contains("\"height\":31")), String.join("\n", resumedImport));
            // ticks make step numbers (inside event ids) differ between the two runs; the events themselves may not
            assertEquals(comparable(resumedPeer, "eventId"), comparable(resumedImport, "eventId"));
        }
    }

    @Test
    void shouldStopBetweenBlocksWhenAskedAndContinueOnTheNextRun() throws Exception {
        final RegtestChain chain = new RegtestChain();
        final BlkFiles files = new BlkFiles(BitcoinNetwork.REGTEST);
        for (int i = 0; i < 20; i++) {
            files.block(chain.mine(List.of()).raw());
        }
        final Path blocks = files.write(dir.resolve("blocks"), null);
        final RunConfig config = RunConfig.load(config(dir, "c.yaml", "data", regtest(1), SMALL_RING));
        final BlkImport[] running = new BlkImport[1];
        final ImportProgress stopAtFive = new ImportProgress() {
            @Override
            public void imported(final long blocks, final long bytes) {
                if (blocks == 5) {
                    running[0].stop();
                }
            }
        };
        running[0] = new BlkImport(config, blocks, Long.MAX_VALUE, stopAtFive);
        final ImportSummary stopped = running[0].run();
        assertTrue(stopped.stopped());
        assertEquals(5, stopped.blocks());
        assertEquals(5, stopped.tipHeight());
        final ImportSummary rest = new BlkImport(RunConfig.load(dir.resolve("c.yaml")), blocks, Long.MAX_VALUE, ImportProgress.NONE).run();
        assertFalse(rest.stopped());
        assertEquals(5, rest.startHeight());
        assertEquals(15, rest.blocks());
        assertEquals(Hex.toHex(chain.tipHash()), Hex.toHex(rest.tipHash()));
        final ImportSummary nothing = new BlkImport(RunConfig.load(dir.resolve("c.yaml")), blocks, Long.MAX_VALUE, ImportProgress.NONE)
            .run();
        assertEquals(0, nothing.blocks());
        assertTrue(nothing.render().startsWith("imported 0 blocks: none in the files follows height 20 ("
            + Hex.toHex(Hex.reverse(chain.tipHash().clone())) + ")"), nothing.render());
    }
}
