package io.finality.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.blk.BlkFileReader;
import io.finality.bitcoin.p2p.BitcoinPeerConnection;
import io.finality.bitcoin.p2p.LoopbackPeer;
import io.finality.bitcoin.regtest.RawTransactionBuilder;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.test.TestData;
import io.finality.engine.journal.ChainPosition;
import io.finality.tools.Finality;
import io.finality.tools.importer.BlkFiles;
import io.finality.tools.importer.ImportException;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.run.RunConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code import-blk} command: help, each class of bad input (a clear message, its exit code, the data
 * directory untouched or consistent), damaged and oversized blocks, and real mainnet blocks imported in
 * two steps ending where a P2P sync of the same blocks ends.
 */
@Timeout(180)
class ImportBlkCommandTest {
    private static final String RING = "pipeline:\n  ring_size: 16\n  max_payload_bytes: 1MiB\n  memory_budget_bytes: 64MiB\n";
    private static final String REGTEST = "bitcoin:\n  network: regtest\n  node: 127.0.0.1:1\n";

    @TempDir
    Path dir;

    private record Cli(int code, String out, String err) {
    }

    private static Cli run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = Finality.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        final int code = cli.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    private Path config(final String name, final String body) throws Exception {
        return Files.writeString(dir.resolve(name), "data_dir: data\njournal:\n  durability: none\n" + body);
    }

    private Cli importBlk(final Path config, final Path blocks, final String... more) {
        final List<String> args = new ArrayList<>(List.of("import-blk", "--config", config.toString(), "--blocks", blocks.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static List<RegtestChain.BuiltBlock> mine(final RegtestChain chain, final int n) {
        final List<RegtestChain.BuiltBlock> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(chain.mine(List.of()));
        }
        return out;
    }

    private ChainPosition position(final Path config, final ChainId chain) {
        try (FinalityNode node = new FinalityNode(RunConfig.load(config).node())) {
            return node.chainPosition(chain);
        }
    }

    @Test
    void shouldDescribeEveryOptionAndExitCodeInHelp() {
        final Cli help = run("import-blk", "--help");
        assertEquals(0, help.code());
        for (String s : List.of("--config", "--blocks", "--to-height", "--quiet", "Exit codes", "xor.dat")) {
            assertTrue(help.out().contains(s), s + " missing from:\n" + help.out());
        }
        assertTrue(run("--help").out().contains("import-blk"));
        final Cli missing = run("import-blk", "--config", "x.yaml");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--blocks"), missing.err());
    }

    @Test
    void shouldRefuseEachClassOfBadInputWithAClearMessageAndTouchNoData() throws Exception {
        final Path regtest = config("regtest.yaml", REGTEST + RING);
        final Path blocks = Files.createDirectories(dir.resolve("blocks"));
        final Path data = dir.resolve("data");

        expect(importBlk(config("nobitcoin.yaml", RING), blocks), ImportException.INVALID_CONFIG, "no bitcoin section");
        expect(importBlk(config("typo.yaml", REGTEST + "  start_heigth: 3\n" + RING), blocks), ImportException.INVALID_CONFIG,
            "bitcoin.start_heigth");
        expect(importBlk(regtest, dir.resolve("nowhere")), ImportException.BAD_BLOCKS_DIR, "no blocks directory at");
        expect(importBlk(regtest, blocks), ImportException.BAD_BLOCKS_DIR, "no blk*.dat files in");
        expect(importBlk(regtest, blocks, "--to-height", "-1"), ImportException.INVALID_CONFIG, "--to-height must not be negative");

        final RegtestChain chain = new RegtestChain();
        new BlkFiles(BitcoinNetwork.REGTEST).block(chain.mine(List.of()).raw()).write(blocks, null);
        Files.write(blocks.resolve("xor.dat"), new byte[5]);
        expect(importBlk(regtest, blocks), ImportException.BAD_BLOCKS_DIR, "xor.dat must hold 8 bytes, has 5");
        Files.delete(blocks.resolve("xor.dat"));

        Files.copy(TestData.path("bitcoin/blocks/blkfiles/bitcoinj_first-100k-blocks.dat"), blocks.resolve("blk00001.dat"));
        expect(importBlk(regtest, blocks), ImportException.BAD_BLOCKS_DIR,
            "blk00001.dat holds mainnet blocks but the configuration's network is regtest: refusing to read it");
        Files.delete(blocks.resolve("blk00001.dat"));

        final Path junk = Files.createDirectories(dir.resolve("junk"));
        new BlkFiles(BitcoinNetwork.REGTEST).junk(new Random(5), 5000).write(junk, null);
        expect(importBlk(regtest, junk), ImportException.BAD_BLOCKS_DIR,
            "no regtest block in 1 blk files of " + junk + " (5000 junk bytes");
        assertFalse(Files.exists(data), "a refused import must not create the data directory");

        // the good directory left over imports fine
        final Cli ok = importBlk(regtest, blocks, "--quiet");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("imported 1 blocks (heights 1..1)"), ok.out());
    }

    private static void expect(final Cli cli, final int code, final String message) {
        assertEquals(code, cli.code(), cli.err() + cli.out());
        assertTrue(cli.err().contains(message), "expected '" + message + "' in:\n" + cli.err());
    }

    @Test
    void shouldImportWhatPrecedesATruncatedRecordExitFourAndContinueOnceTheFileIsWhole() throws Exception {
        final Path config = config("regtest.yaml", REGTEST + RING);
        final RegtestChain chain = new RegtestChain();
        final List<RegtestChain.BuiltBlock> blocks = mine(chain, 12);
        final BlkFiles cut = new BlkFiles(BitcoinNetwork.REGTEST);
        blocks.subList(0, 8).forEach(b -> cut.block(b.raw()));
        final byte[] ninth = blocks.get(8).raw();
        cut.raw(new byte[] {(byte)0xfa, (byte)0xbf, (byte)0xb5, (byte)0xda, (byte)ninth.length, (byte)(ninth.length >>> 8), 0, 0})
            .raw(Arrays.copyOf(ninth, ninth.length - 10));
        final Path dirCut = cut.write(dir.resolve("cut"), null);
        final Cli damaged = importBlk(config, dirCut, "--quiet");
        expect(damaged, ImportException.DAMAGED, "block records lost to damage in blk00000.dat");
        assertTrue(damaged.out().contains("imported 8 blocks (heights 1..8)") && damaged.out().contains("1 truncated"), damaged.out());
        final ChainPosition afterCut = position(config, ChainId.BITCOIN_REGTEST);
        assertEquals(8, afterCut.tipHeight());
        assertTrue(Arrays.equals(blocks.get(7).hash(), afterCut.tipHash()));

        // the node finished writing: the next import continues after the journal's tip, never repeating a block
        final BlkFiles whole = new BlkFiles(BitcoinNetwork.REGTEST);
        blocks.forEach(b -> whole.block(b.raw()));
        final Cli rest = importBlk(config, whole.write(dir.resolve("whole"), null), "--quiet");
        assertEquals(0, rest.code(), rest.err());
        assertTrue(rest.out().contains("imported 4 blocks (heights 9..12)"), rest.out());
        assertEquals(12, position(config, ChainId.BITCOIN_REGTEST).tipHeight());
    }

    @Test
    void shouldStopBeforeABlockTheRingCannotHoldWithExitFiveAndAConsistentJournal() throws Exception {
        final Path config = config("tiny.yaml", REGTEST
            + "pipeline:\n  ring_size: 4\n  max_payload_bytes: 1KiB\n  initial_payload_bytes: 1KiB\n  memory_budget_bytes: 1MiB\n");
        final RegtestChain chain = new RegtestChain();
        final List<RegtestChain.BuiltBlock> blocks = mine(chain, 2);
        final RawTransactionBuilder big = new RawTransactionBuilder().spend(RegtestChain.sha256d(new byte[] {1}), 0);
        for (int i = 0; i < 200; i++) {
            big.pay(1_000 + i, new byte[] {0x51});
        }
        blocks.add(chain.mine(List.of(big.build())));
        blocks.addAll(mine(chain, 2));
        final BlkFiles files = new BlkFiles(BitcoinNetwork.REGTEST);
        blocks.forEach(b -> files.block(b.raw()));
        final Cli refused = importBlk(config, files.write(dir.resolve("blocks"), null), "--quiet");
        expect(refused, ImportException.FAILED, "block at height 3 (" + blocks.get(2).raw().length
            + " bytes) not imported: payload too large (raise pipeline.max_payload_bytes");
        assertEquals(2, position(config, ChainId.BITCOIN_REGTEST).tipHeight());
    }

    @Test
    void shouldImportRealMainnetBlocksInTwoStepsAndEndWhereAPeerSyncEnds() throws Exception {
        final Path file = TestData.path("bitcoin/blocks/blkfiles/bitcoinj_first-100k-blocks.dat");
        final List<byte[]> raw = new ArrayList<>();
        final BlkFileReader reader = BlkFileReader.open(file, null);
        while (reader.next()) {
            raw.add(Arrays.copyOfRange(reader.array(), reader.blockOffset(), reader.blockOffset() + reader.blockLength()));
        }
        final Path blocks = Files.createDirectories(dir.resolve("blocks"));
        Files.copy(file, blocks.resolve("blk00000.dat"));
        final String mainnet = "bitcoin:\n  network: mainnet\n  node: 127.0.0.1:1\n"
            + "  start_hash: 000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f\n  start_height: 0\n";
        final Path config = config("mainnet.yaml", mainnet + RING);
        final Cli first = importBlk(config, blocks, "--to-height", "200", "--quiet");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("imported 200 blocks (heights 1..200)"), first.out());
        // with progress bars this time: they go to stderr, the summary to stdout
        final Cli second = importBlk(config, blocks);
        assertEquals(0, second.code(), second.err());
        assertTrue(second.out().contains("imported 238 blocks (heights 201..438)"), second.out());
        assertTrue(second.out().contains("tip 0000000025c6b644f8add734be7e666fa4afa43ca0204d623a0c0b1fd2104c7a"), second.out());
        assertTrue(second.err().contains("index") && second.err().contains("import") && second.err().contains("100%"), second.err());
        final ChainPosition imported = position(config, ChainId.BITCOIN_MAINNET);

        final Path peerConfig = Files.writeString(dir.resolve("peer.yaml"),
            Files.readString(config).replace("data_dir: data", "data_dir: p2p"));
        try (LoopbackPeer peer = new LoopbackPeer(BitcoinNetwork.MAINNET, Hex.reverse(Hex.fromHex(
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")), raw.subList(1, raw.size())).start();
            FinalityNode node = new FinalityNode(RunConfig.load(peerConfig).node());
            BitcoinPeerConnection c = new BitcoinPeerConnection(node.resumeBitcoin(RunConfig.load(peerConfig).bitcoinSettings()
                .node(new java.net.InetSocketAddress("127.0.0.1", peer.port()))))) {
            c.start(node.publisher());
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (node.chainPosition(ChainId.BITCOIN_MAINNET).tipHeight() < 438) {
                assertTrue(System.nanoTime() < deadline, "P2P sync of the real blocks timed out");
                Thread.sleep(10);
            }
            final ChainPosition synced = node.chainPosition(ChainId.BITCOIN_MAINNET);
            assertEquals(synced.tipHeight(), imported.tipHeight());
            assertEquals(hex(synced.hashesOldestFirst()), hex(imported.hashesOldestFirst()));
            assertEquals(node.metrics().blocksConnected(ChainId.BITCOIN_MAINNET), 438);
        }
    }

    @Test
    void shouldFollowTheLongerRealMainnetForkAcrossCompressedFiles() throws Exception {
        // btcd's reorg fixtures: mainnet blocks 0..4, then alternative blocks 3A, 4A, 5A (real proof of work) building a longer branch
        final Path blocks = Files.createDirectories(dir.resolve("blocks"));
        final String[] names = {"btcd_blk_0_to_4.dat.bz2", "btcd_blk_3A.dat.bz2", "btcd_blk_4A.dat.bz2", "btcd_blk_5A.dat.bz2"};
        for (int i = 0; i < names.length; i++) {
            Files.copy(TestData.path("bitcoin/blocks/blkfiles/" + names[i]), blocks.resolve(String.format("blk%05d.dat.bz2", i)));
        }
        final Path config = config("mainnet.yaml", "bitcoin:\n  network: mainnet\n  node: 127.0.0.1:1\n"
            + "  start_hash: 000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f\n  start_height: 0\n" + RING);
        final Cli fork = importBlk(config, blocks, "--quiet");
        assertEquals(0, fork.code(), fork.err());
        assertTrue(fork.out().contains("imported 5 blocks (heights 1..5)"), fork.out());
        assertTrue(fork.out().contains("tip 00000000195f85184e77c18914bd0febd11278d950f5e4731a38f71ed79f044e"), fork.out());
        assertTrue(fork.out().contains("0 with unknown parent, 2 stale"), fork.out());
        final ChainPosition p = position(config, ChainId.BITCOIN_MAINNET);
        assertEquals(5, p.tipHeight());
        assertEquals("00000000474284d20067a4d33f6a02284e6ef70764a3a26d6a5b9df52ef663dd",
            Hex.toHex(Hex.reverse(p.hashesOldestFirst().get(p.hashesOldestFirst().size() - 3).clone())), "block 3A at height 3");
    }

    private static List<String> hex(final List<byte[]> hashes) {
        final List<String> out = new ArrayList<>();
        hashes.forEach(h -> out.add(Hex.toHex(h)));
        return out;
    }
}
