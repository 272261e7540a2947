package io.finality.bitcoin.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.scan.BitcoinBlockScanner;
import io.finality.bitcoin.scan.BlockFlyweight;
import io.finality.bitcoin.scan.DoubleSha256;
import io.finality.bitcoin.scan.ScanError;
import io.finality.core.buffer.Hex;
import io.finality.core.ring.MatchList;
import io.finality.core.spi.AddressIndex;
import io.finality.core.test.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** blk*.dat framing: junk before magics, several networks in one file, bz2, Core's XOR obfuscation, lying lengths. */
class BlkFileReaderTest {
    private static final AddressIndex NOTHING = (chain, key, offset, length) -> AddressIndex.MISSING;

    @Test
    void shouldResynchroniseAfterJunkBeforeTheFirstMagic() throws IOException {
        final BlkFileReader reader = BlkFileReader.open(TestData.path("bitcoin/blocks/blkfiles/zu_reqseekversion1.blk"), null);
        assertTrue(reader.next());
        assertEquals(BlkFileReader.OK, reader.status());
        assertEquals(6, reader.recordOffset());
        assertEquals(474, reader.blockLength());
        assertEquals(BitcoinNetwork.MAINNET, reader.network());
        assertEquals("0000000000bef5d742ad3ea3fab0548bf33077a6a91426f37e6ea90bf40205dd", blockHash(reader));
        assertFalse(reader.next());
        assertEquals(6, reader.skippedBytes());
    }

    @Test
    void shouldReportTheNetworkOfEveryBlockInAMixedFile() throws IOException {
        final BlkFileReader reader = BlkFileReader.open(TestData.path("bitcoin/blocks/blkfiles/zu_multinet.blk"), null);
        final List<BitcoinNetwork> networks = new ArrayList<>();
        final BitcoinBlockScanner scanner = new BitcoinBlockScanner();
        while (reader.next()) {
            networks.add(reader.network());
            assertEquals(ScanError.OK, scanner.scanBlock(reader.buffer(), reader.blockOffset(), reader.blockLength(),
                reader.network().chain().code(), NOTHING, new MatchList(4)));
        }
        // as BLOCK_INDEX.json records the magics: 0b110907, f9beb4d9, 0b110907
        assertEquals(List.of(BitcoinNetwork.TESTNET3, BitcoinNetwork.MAINNET, BitcoinNetwork.TESTNET3), networks);
    }

    @Test
    void shouldUndoBitcoinCoreXorObfuscation(@TempDir final Path dir) throws IOException {
        final Path plain = TestData.path("bitcoin/blocks/blkfiles/bitcoinj_first-100k-blocks.dat");
        final byte[] bytes = Files.readAllBytes(plain);
        final byte[] key = new byte[BlkFileReader.XOR_KEY_LENGTH];
        new Random(7).nextBytes(key);
        final byte[] obfuscated = bytes.clone();
        for (int i = 0; i < obfuscated.length; i++) {
            obfuscated[i] ^= key[i % key.length];
        }
        Files.write(dir.resolve("xor.dat"), key);
        Files.write(dir.resolve("blk00000.dat"), obfuscated);

        assertNull(BlkFileReader.readXorKey(plain.getParent()));
        final BlkFileReader clear = BlkFileReader.open(plain, null);
        final BlkFileReader xored = BlkFileReader.open(dir.resolve("blk00000.dat"), BlkFileReader.readXorKey(dir));
        assertArrayEquals(clear.array(), xored.array());
        int blocks = 0;
        while (xored.next()) {
            assertEquals(BlkFileReader.OK, xored.status());
            blocks++;
        }
        assertEquals(439, blocks);
        // without the key nothing is recognisable
        final BlkFileReader wrong = BlkFileReader.open(dir.resolve("blk00000.dat"), null);
        int found = 0;
        while (wrong.next()) {
            found += wrong.status() == BlkFileReader.OK ? 1 : 0;
        }
        assertTrue(found < 5, "found " + found);
    }

    @Test
    void shouldReadBzip2FilesAndZeroPadding() throws IOException {
        final BlkFileReader reader = BlkFileReader.open(TestData.path("bitcoin/blocks/blkfiles/btcd_blocks1-256.bz2"), null);
        final byte[] padded = Arrays.copyOf(reader.array(), reader.fileLength() + 4096);
        final BlkFileReader withPadding = BlkFileReader.wrap(padded);
        int n = 0;
        while (withPadding.next()) {
            assertEquals(BlkFileReader.OK, withPadding.status());
            n++;
        }
        assertEquals(255, n);
        assertEquals(4096, withPadding.skippedBytes());
    }

    @Test
    void shouldStopCleanlyOnALyingLengthAndSkipAnOversizedRecord() throws IOException {
        final byte[] file = BlkFileReader.open(TestData.path("bitcoin/blocks/blkfiles/btcd_blk_0_to_4.dat.bz2"), null).array();
        final byte[] lying = file.clone();
        // the second record claims 3.9 MB: far past the end of the file
        final BlkFileReader probe = BlkFileReader.wrap(file);
        probe.next();
        probe.next();
        final int second = probe.recordOffset();
        new UnsafeBuffer(lying).putInt(second + 4, 3_900_000, java.nio.ByteOrder.LITTLE_ENDIAN);
        final BlkFileReader reader = BlkFileReader.wrap(lying);
        assertTrue(reader.next());
        assertEquals(BlkFileReader.OK, reader.status());
        assertTrue(reader.next());
        assertEquals(BlkFileReader.TRUNCATED, reader.status());
        assertFalse(reader.next());

        final byte[] huge = file.clone();
        new UnsafeBuffer(huge).putInt(second + 4, -1, java.nio.ByteOrder.LITTLE_ENDIAN);
        final BlkFileReader skipping = BlkFileReader.wrap(huge);
        final List<Integer> statuses = new ArrayList<>();
        while (skipping.next()) {
            statuses.add(skipping.status());
        }
        assertEquals(BlkFileReader.OK, statuses.get(0));
        assertEquals(BlkFileReader.BLOCK_TOO_LARGE, statuses.get(1));
        assertEquals(List.of(BlkFileReader.OK, BlkFileReader.OK, BlkFileReader.OK), statuses.subList(2, statuses.size()));
    }

    private static String blockHash(final BlkFileReader reader) {
        final BlockFlyweight block = new BlockFlyweight();
        assertEquals(ScanError.OK, block.wrap(reader.buffer(), reader.blockOffset(), reader.blockLength()));
        final UnsafeBuffer hash = new UnsafeBuffer(new byte[32]);
        block.hash(new DoubleSha256(), hash, 0);
        return Hex.toHexReversed(hash, 0, 32);
    }
}
