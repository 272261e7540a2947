package io.finality.tools.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.blk.BlkFileReader;
import io.finality.bitcoin.p2p.BlockHeader;
import io.finality.bitcoin.regtest.RawTransactionBuilder;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.buffer.Hex;
import io.finality.core.test.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.bitcoinj.core.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index pass and the best-chain walk: real mainnet blocks shuffled across files, forks, orphans, bad proof of work, damage. */
class BlkBlockIndexTest {
    private static BlkBlockIndex index(final Path dir, final BitcoinNetwork network, final int powLimitBits) {
        final BlkDirectory d = BlkDirectory.open(dir);
        final BlkBlockIndex index = new BlkBlockIndex(network, powLimitBits);
        for (int i = 0; i < d.files().size(); i++) {
            assertTrue(index.indexFile(i, d.files().get(i).getFileName().toString(), d.read(i)));
        }
        return index;
    }

    private static BlkBlockIndex regtestIndex(final Path dir) {
        return index(dir, BitcoinNetwork.REGTEST, BlockHeader.REGTEST_POW_LIMIT_BITS);
    }

    private static List<String> hashes(final BestChain chain) {
        final List<String> out = new ArrayList<>();
        for (BlkBlockIndex.Entry e : chain.blocks()) {
            out.add(Hex.toHex(e.hash()));
        }
        return out;
    }

    private static List<String> hashes(final List<RegtestChain.BuiltBlock> blocks) {
        final List<String> out = new ArrayList<>();
        for (RegtestChain.BuiltBlock b : blocks) {
            out.add(Hex.toHex(b.hash()));
        }
        return out;
    }

    private static List<RegtestChain.BuiltBlock> mine(final RegtestChain chain, final int n) {
        final List<RegtestChain.BuiltBlock> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(chain.mine(List.of()));
        }
        return out;
    }

    @Test
    void shouldRebuildTheRealMainnetChainFromShuffledObfuscatedFilesAsBitcoinjLinksIt(@TempDir final Path dir) throws IOException {
        final List<byte[]> blocks = new ArrayList<>();
        final BlkFileReader reader = BlkFileReader.open(TestData.path("bitcoin/blocks/blkfiles/bitcoinj_first-100k-blocks.dat"), null);
        while (reader.next()) {
            blocks.add(Arrays.copyOfRange(reader.array(), reader.blockOffset(), reader.blockOffset() + reader.blockLength()));
        }
        assertEquals(439, blocks.size());
        final long seed = System.nanoTime();
        final String context = "seed " + seed;
        final Random random = new Random(seed);
        final List<byte[]> shuffled = new ArrayList<>(blocks);
        Collections.shuffle(shuffled, random);
        final BlkFiles files = new BlkFiles(BitcoinNetwork.MAINNET);
        int junk = 0;
        for (int i = 0; i < shuffled.size(); i++) {
            if (i == shuffled.size() / 2) {
                files.nextFile();
            }
            files.block(shuffled.get(i));
            if (random.nextInt(10) == 0) {
                final int n = 1 + random.nextInt(40);
                files.junk(random, n);
                junk += n;
            }
        }
        final byte[] key = new byte[BlkFileReader.XOR_KEY_LENGTH];
        random.nextBytes(key);
        final BlkBlockIndex index = index(files.write(dir, key), BitcoinNetwork.MAINNET, BlockHeader.MAINNET_POW_LIMIT_BITS);
        assertEquals(439, index.size(), context);
        assertEquals(junk, index.junkBytes(), context);
        assertFalse(index.damaged(), context);

        // bitcoinj, an independent parser, says which block follows which
        final Block genesis = Block.read(ByteBuffer.wrap(blocks.get(0)));
        final BestChain best = BestChain.from(index, Hex.reverse(genesis.getHash().getBytes()), 0, Long.MAX_VALUE);
        assertEquals(438, best.blocks().size(), context);
        for (int h = 1; h <= 438; h++) {
            final Block ref = Block.read(ByteBuffer.wrap(blocks.get(h)));
            final BlkBlockIndex.Entry e = best.blocks().get(h - 1);
            assertEquals(ref.getHash().toString(), Hex.toHex(Hex.reverse(e.hash().clone())), context + " height " + h);
            assertEquals(ref.getPrevBlockHash().toString(), Hex.toHex(Hex.reverse(e.parent().clone())), context + " height " + h);
            assertEquals(blocks.get(h).length, e.length());
        }
        assertEquals("0000000025c6b644f8add734be7e666fa4afa43ca0204d623a0c0b1fd2104c7a",
            Hex.toHex(Hex.reverse(best.blocks().get(437).hash().clone())));
        assertEquals(0, best.parentUnknown());
        assertEquals(0, best.stale());
        assertEquals(438, best.linked());
    }

    @Test
    void shouldTakeTheLongestBranchAndTheFirstSeenOfTwoEquallyLongOnes(@TempDir final Path dir) {
        final RegtestChain chain = new RegtestChain();
        final List<RegtestChain.BuiltBlock> trunk = mine(chain, 5);
        final List<RegtestChain.BuiltBlock> shortBranch = mine(chain, 3);
        chain.rewindTo(5);
        final List<RegtestChain.BuiltBlock> longBranch = mine(chain, 4);
        final BlkFiles files = new BlkFiles(BitcoinNetwork.REGTEST);
        // the stale branch first, the best chain in reverse height order
        shortBranch.forEach(b -> files.block(b.raw()));
        for (int i = longBranch.size() - 1; i >= 0; i--) {
            files.block(longBranch.get(i).raw());
        }
        trunk.forEach(b -> files.block(b.raw()));
        final BestChain best = BestChain.from(regtestIndex(files.write(dir.resolve("a"), null)), RegtestChain.GENESIS_HASH, 0,
            Long.MAX_VALUE);
        final List<RegtestChain.BuiltBlock> expected = new ArrayList<>(trunk);
        expected.addAll(longBranch);
        assertEquals(hashes(expected), hashes(best));
        assertEquals(3, best.stale());

        // two branches of the same height: the one the files list first wins, either way round
        final RegtestChain other = new RegtestChain();
        final List<RegtestChain.BuiltBlock> base = mine(other, 2);
        final List<RegtestChain.BuiltBlock> x = mine(other, 2);
        other.rewindTo(2);
        final List<RegtestChain.BuiltBlock> y = mine(other, 2);
        for (boolean xFirst : new boolean[] {true, false}) {
            final BlkFiles f = new BlkFiles(BitcoinNetwork.REGTEST);
            (xFirst ? x : y).forEach(b -> f.block(b.raw()));
            (xFirst ? y : x).forEach(b -> f.block(b.raw()));
            base.forEach(b -> f.block(b.raw()));
            final BestChain tie = BestChain.from(regtestIndex(f.write(dir.resolve("tie-" + xFirst), null)), RegtestChain.GENESIS_HASH, 0,
                Long.MAX_VALUE);
            final List<RegtestChain.BuiltBlock> want = new ArrayList<>(base);
            want.addAll(xFirst ? x : y);
            assertEquals(hashes(want), hashes(tie), "x first: " + xFirst);
        }
    }

    @Test
    void shouldIgnoreOrphansAndHeadersFailingTheirOwnTargetAndHonourStartAndToHeight(@TempDir final Path dir) {
        final RegtestChain chain = new RegtestChain();
        final List<RegtestChain.BuiltBlock> main = mine(chain, 8);
        // another chain whose block 1 differs: its block 2 has a parent in no file
        final RegtestChain elsewhere = new RegtestChain();
        elsewhere.mine(List.of(new RawTransactionBuilder().spend(RegtestChain.sha256d("x".getBytes(StandardCharsets.US_ASCII)), 0)
            .pay(1_000, new byte[] {0x51}).build()));
        final byte[] orphan = elsewhere.mine(List.of()).raw();
        // block 3 again with a nonce whose hash misses the regtest target: a sibling that must not count
        final byte[] badPow = main.get(2).raw().clone();
        final byte[] target = new byte[32];
        BlockHeader.expandTarget(RegtestChain.REGTEST_BITS, target);
        for (int nonce = 0; BlockHeader.hashMeetsTarget(BlockHeader.hash(badPow), target); nonce++) {
            ByteBuffer.wrap(badPow).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(76, nonce);
        }
        final BlkFiles files = new BlkFiles(BitcoinNetwork.REGTEST).block(orphan).block(badPow);
        main.forEach(b -> files.block(b.raw()));
        final BlkBlockIndex index = regtestIndex(files.write(dir, null));
        assertEquals(1, index.badProofOfWork());
        assertEquals(10, index.records());
        final BestChain all = BestChain.from(index, RegtestChain.GENESIS_HASH, 0, Long.MAX_VALUE);
        assertEquals(hashes(main), hashes(all));
        assertEquals(1, all.parentUnknown());

        final BestChain middle = BestChain.from(index, main.get(3).hash(), 4, 7);
        assertEquals(hashes(main.subList(4, 7)), hashes(middle));
        assertEquals(4, middle.startHeight());
        final BestChain atTip = BestChain.from(index, main.get(7).hash(), 8, Long.MAX_VALUE);
        assertTrue(atTip.blocks().isEmpty());
        assertTrue(BestChain.from(index, new byte[32], 0, Long.MAX_VALUE).blocks().isEmpty());
    }

    @Test
    void shouldCountPaddingAsNormalAndJunkTruncatedOversizedRecordsAsDamage(@TempDir final Path dir) {
        final RegtestChain chain = new RegtestChain();
        final List<RegtestChain.BuiltBlock> main = mine(chain, 4);
        final Random random = new Random(11);
        final byte[] oversized = {(byte)0xfa, (byte)0xbf, (byte)0xb5, (byte)0xda, (byte)0xff, (byte)0xff, (byte)0xff, 0x0f};
        final byte[] cut = Arrays.copyOf(main.get(3).raw(), 50);
        final BlkFiles files = new BlkFiles(BitcoinNetwork.REGTEST)
            .block(main.get(0).raw()).raw(new byte[4096]).block(main.get(1).raw()).raw(new byte[100])   // blk00000: padding only
            .nextFile().junk(random, 77).block(main.get(2).raw()).raw(oversized).junk(random, 5)          // blk00001: junk, oversized
            .nextFile().junk(random, 300)                                                                    // blk00002: junk only
            .nextFile().block(main.get(3).raw()).record(BitcoinNetwork.REGTEST, cut)                       // blk00003: short record,
            .raw(new byte[] {(byte)0xfa, (byte)0xbf, (byte)0xb5, (byte)0xda, (byte)0xe8, 0x03, 0, 0}).raw(cut);   // and a truncated one
        final Path written = files.write(dir.resolve("d"), null);
        final BlkBlockIndex index = regtestIndex(written);
        assertEquals(4196, index.paddingBytes());
        assertEquals(77 + 5 + 300 + 4, index.junkBytes(), "the oversized record's length field is skipped as junk after its magic");
        assertEquals(1, index.oversizedRecords());
        assertEquals(1, index.shortRecords());
        assertEquals(1, index.truncatedRecords());
        assertEquals(List.of("blk00001.dat", "blk00002.dat", "blk00003.dat"), index.damagedFiles());
        assertEquals(4, index.size());
        assertArrayEquals(main.get(3).hash(), BestChain.from(index, RegtestChain.GENESIS_HASH, 0, Long.MAX_VALUE).blocks().get(3).hash());
    }

    @Test
    void shouldStopAtARecordOfAnotherNetwork(@TempDir final Path dir) {
        final RegtestChain chain = new RegtestChain();
        final byte[] block = chain.mine(List.of()).raw();
        final Path written = new BlkFiles(BitcoinNetwork.REGTEST).block(block).record(BitcoinNetwork.MAINNET, block).write(dir, null);
        final BlkDirectory d = BlkDirectory.open(written);
        final BlkBlockIndex index = new BlkBlockIndex(BitcoinNetwork.REGTEST, BlockHeader.REGTEST_POW_LIMIT_BITS);
        assertFalse(index.indexFile(0, "blk00000.dat", d.read(0)));
        assertEquals(BitcoinNetwork.MAINNET, index.foreignNetwork());
        assertEquals(0, index.foreignFile());
    }

    private static List<String> entries(final BlkBlockIndex index) {
        final List<String> out = new ArrayList<>();
        for (BlkBlockIndex.Entry e : index.entries()) {
            out.add(e.seen() + " " + e.file() + " " + e.offset() + " " + e.length() + " " + Hex.toHex(e.hash()) + " "
                + Hex.toHex(e.parent()));
        }
        Collections.sort(out);
        return out;
    }

    private static String counts(final BlkBlockIndex index) {
        return index.records() + " " + index.duplicates() + " " + index.badProofOfWork() + " " + index.paddingBytes() + " "
            + index.junkBytes() + " " + index.bytesIndexed() + " " + index.damagedFiles();
    }

    @Test
    void shouldIndexCoreShapedFilesHeaderByHeaderExactlyAsTheFullReaderDoes(@TempDir final Path dir) throws IOException {
        final BlkFileReader reader = BlkFileReader.open(TestData.path("bitcoin/blocks/blkfiles/bitcoinj_first-100k-blocks.dat"), null);
        final List<byte[]> blocks = new ArrayList<>();
        while (reader.next()) {
            blocks.add(Arrays.copyOfRange(reader.array(), reader.blockOffset(), reader.blockOffset() + reader.blockLength()));
        }
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        Collections.shuffle(blocks, random);
        final BlkFiles files = new BlkFiles(BitcoinNetwork.MAINNET);
        for (int i = 0; i < blocks.size(); i++) {
            if (i == 200) {
                files.raw(new byte[1 + random.nextInt(70_000)]).nextFile();
            }
            files.block(blocks.get(i));
        }
        files.raw(new byte[random.nextInt(3)]);
        final byte[] key = new byte[BlkFileReader.XOR_KEY_LENGTH];
        random.nextBytes(key);
        final BlkDirectory d = BlkDirectory.open(files.write(dir.resolve("core"), key));
        final BlkBlockIndex fast = new BlkBlockIndex(BitcoinNetwork.MAINNET, BlockHeader.MAINNET_POW_LIMIT_BITS);
        final BlkBlockIndex full = new BlkBlockIndex(BitcoinNetwork.MAINNET, BlockHeader.MAINNET_POW_LIMIT_BITS);
        final BlkHeaderScanner scanner = new BlkHeaderScanner();
        for (int i = 0; i < d.files().size(); i++) {
            final BlkHeaderScanner.Scan scan = scanner.scan(d.files().get(i), key, BitcoinNetwork.MAINNET.magic());
            assertTrue(scan != null, "seed " + seed + ": a Core-shaped file must take the header path");
            fast.indexScan(i, scan);
            assertTrue(full.indexFile(i, d.files().get(i).getFileName().toString(), d.read(i)));
        }
        assertEquals(439, fast.size());
        assertEquals(entries(full), entries(fast), "seed " + seed);
        assertEquals(counts(full), counts(fast), "seed " + seed);

        // what Core never writes goes to the full reader
        for (String odd : List.of("btcd_blocks1-256.bz2", "zu_multinet.blk", "zu_reqseekversion1.blk")) {
            final Path p = TestData.path("bitcoin/blocks/blkfiles/" + odd);
            assertEquals(null, scanner.scan(p, null, BitcoinNetwork.MAINNET.magic()), odd);
        }
    }

    @Test
    void shouldAgreeWithTheFullReaderOrStepAsideOnEveryCorruptedFile(@TempDir final Path dir) throws IOException {
        final RegtestChain chain = new RegtestChain();
        final BlkFiles files = new BlkFiles(BitcoinNetwork.REGTEST);
        for (int i = 0; i < 12; i++) {
            files.block(chain.mine(i % 3 == 0 ? List.of(new RawTransactionBuilder().spend(RegtestChain.sha256d(new byte[] {(byte)i}), 0)
                .pay(5_000, new byte[] {0x51}).build()) : List.of()).raw());
        }
        final byte[] clean = java.nio.file.Files.readAllBytes(files.raw(new byte[300]).write(dir.resolve("clean"), null)
            .resolve("blk00000.dat"));
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final BlkHeaderScanner scanner = new BlkHeaderScanner();
        int stepped = 0;
        final int rounds = 300;
        for (int round = 0; round < rounds; round++) {
            final byte[] bytes = clean.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                final int at = random.nextInt(bytes.length);
                bytes[at] = random.nextInt(4) == 0 ? 0 : (byte)random.nextInt(256);
            }
            final byte[] cut = random.nextInt(5) == 0 ? Arrays.copyOf(bytes, random.nextInt(bytes.length)) : bytes;
            final Path file = dir.resolve("blk00000.dat");
            java.nio.file.Files.write(file, cut);
            final BlkHeaderScanner.Scan scan = scanner.scan(file, null, BitcoinNetwork.REGTEST.magic());
            final BlkBlockIndex full = new BlkBlockIndex(BitcoinNetwork.REGTEST, BlockHeader.REGTEST_POW_LIMIT_BITS);
            final boolean sameNetwork = full.indexFile(0, "blk00000.dat", BlkFileReader.wrap(cut));
            if (scan == null) {
                stepped++;
                continue;
            }
            assertTrue(sameNetwork, "seed " + seed + " round " + round);
            final BlkBlockIndex fast = new BlkBlockIndex(BitcoinNetwork.REGTEST, BlockHeader.REGTEST_POW_LIMIT_BITS);
            fast.indexScan(0, scan);
            assertEquals(entries(full), entries(fast), "seed " + seed + " round " + round);
            assertEquals(counts(full), counts(fast), "seed " + seed + " round " + round);
        }
        // both outcomes must occur, or the test proves nothing about one of them
        assertTrue(stepped > 0 && stepped < rounds, "seed " + seed + ": stepped aside " + stepped + " of " + rounds + " times");
    }
}
