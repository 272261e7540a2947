package io.finality.bitcoin.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.blk.BlkFileReader;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.buffer.Hex;
import io.finality.core.test.TestData;
import io.finality.core.test.TestScale;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bitcoinj.base.internal.ByteUtils;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Context;
import org.junit.jupiter.api.Test;

/** Linkage, proof of work and best-chain selection on real mainnet headers, btcd's fork blocks and random regtest forks. */
class HeaderTreeTest {
    private static final byte[] MAINNET_GENESIS =
        Hex.reverse(Hex.fromHex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"));

    private static List<byte[]> mainnetHeaders1To11() throws IOException {
        final List<byte[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.path("bitcoin/p2p/btcd_blockheaders-mainnet-1-11.txt"))) {
            out.add(Hex.fromHex(line.trim()));
        }
        return out;
    }

    private static List<byte[]> blocks(final String name) throws IOException {
        final BlkFileReader r = BlkFileReader.open(TestData.path("bitcoin/blocks/blkfiles/" + name), null);
        final List<byte[]> out = new ArrayList<>();
        while (r.next()) {
            assertEquals(BlkFileReader.OK, r.status());
            out.add(Arrays.copyOfRange(r.array(), r.blockOffset(), r.blockOffset() + BlockHeader.LENGTH));
        }
        return out;
    }

    @Test
    void shouldConnectRealMainnetHeadersOneToElevenAsBitcoinjSeesThem() throws IOException {
        Context.propagate(new Context());
        final HeaderTree tree = new HeaderTree(MAINNET_GENESIS, 0, BlockHeader.MAINNET_POW_LIMIT_BITS);
        final List<byte[]> headers = mainnetHeaders1To11();
        for (byte[] h : headers) {
            assertEquals(HeaderTree.Result.CONNECTED, tree.add(h));
            final Block parsed = Block.read(ByteBuffer.wrap(Arrays.copyOf(h, 81)));
            Block.verifyHeader(parsed);
            assertArrayEquals(parsed.getHash().getBytes(), Hex.reverse(tree.best().hash().clone()));
        }
        assertEquals(11, tree.best().height());
        assertEquals(HeaderTree.Result.DUPLICATE, tree.add(headers.get(4)));
        // difficulty 1 for eleven blocks: 11 * 2^256 / (target + 1) = 11 * 0x100010001
        assertEquals(BigInteger.valueOf(0x1_0001_0001L).multiply(BigInteger.valueOf(11)), tree.best().chainWork());
    }

    @Test
    void shouldRejectBadProofOfWorkBadTargetsAndBrokenLinkage() throws IOException {
        final HeaderTree tree = new HeaderTree(MAINNET_GENESIS, 0, BlockHeader.MAINNET_POW_LIMIT_BITS);
        final List<byte[]> headers = mainnetHeaders1To11();
        assertEquals(HeaderTree.Result.UNKNOWN_PARENT, tree.add(headers.get(1)));
        assertEquals(HeaderTree.Result.CONNECTED, tree.add(headers.get(0)));
        final byte[] badNonce = headers.get(1).clone();
        badNonce[79] ^= 0x55;
        assertEquals(HeaderTree.Result.BAD_POW, tree.add(badNonce));
        final byte[] easier = headers.get(1).clone();
        // regtest's limit is far easier than mainnet's: refused before the hash is even compared
        System.arraycopy(new byte[] {(byte)0xff, (byte)0xff, 0x7f, 0x20}, 0, easier, BlockHeader.BITS_OFFSET, 4);
        assertEquals(HeaderTree.Result.BAD_TARGET, tree.add(easier));
        final byte[] negative = headers.get(1).clone();
        negative[BlockHeader.BITS_OFFSET + 2] |= (byte)0x80;
        assertEquals(HeaderTree.Result.BAD_TARGET, tree.add(negative));
        final byte[] relinked = headers.get(2).clone();
        relinked[BlockHeader.PREV_OFFSET] ^= 1;
        assertEquals(HeaderTree.Result.UNKNOWN_PARENT, tree.add(relinked));
        assertEquals(2, tree.size());
        assertEquals(1, tree.best().height());
    }

    @Test
    void shouldSwitchToBtcdsLongerForkDisconnectingTipFirst() throws IOException {
        final List<byte[]> main = blocks("btcd_blk_0_to_4.dat.bz2");
        final HeaderTree tree = new HeaderTree(BlockHeader.hash(main.get(0)), 0, BlockHeader.MAINNET_POW_LIMIT_BITS);
        for (int i = 1; i <= 4; i++) {
            assertEquals(HeaderTree.Result.CONNECTED, tree.add(main.get(i)));
        }
        final HeaderTree.Node tip4 = tree.best();
        final byte[] a3 = blocks("btcd_blk_3A.dat.bz2").get(0);
        final byte[] a4 = blocks("btcd_blk_4A.dat.bz2").get(0);
        final byte[] a5 = blocks("btcd_blk_5A.dat.bz2").get(0);
        assertEquals(HeaderTree.Result.CONNECTED, tree.add(a3));
        assertEquals(HeaderTree.Result.CONNECTED, tree.add(a4));
        assertSame(tip4, tree.best(), "equal work: the first seen stays best");
        assertEquals(HeaderTree.Result.CONNECTED, tree.add(a5));
        assertEquals(5, tree.best().height());

        final HeaderTree.ChainSwitch sw = HeaderTree.path(tip4, tree.best());
        assertEquals(2, sw.fork().height());
        assertEquals(List.of(hex(main.get(4)), hex(main.get(3))), hashes(sw.disconnect()));
        assertEquals(List.of(hex(a3), hex(a4), hex(a5)), hashes(sw.connect()));
        final HeaderTree.ChainSwitch back = HeaderTree.path(tree.best(), tip4);
        assertEquals(List.of(hex(a5), hex(a4), hex(a3)), hashes(back.disconnect()));
        assertEquals(List.of(hex(main.get(3)), hex(main.get(4))), hashes(back.connect()));
        assertTrue(HeaderTree.onChain(tree.node(BlockHeader.hash(main.get(2))), tree.best()));
        assertFalse(HeaderTree.onChain(tip4, tree.best()));
    }

    @Test
    void shouldMatchAReferenceModelThroughRandomRegtestReorgs() {
        final long seed = TestScale.seed(0x6ead_e6L);
        final Random r = new Random(seed);
        final RegtestChain chain = new RegtestChain();
        final HeaderTree tree = new HeaderTree(RegtestChain.GENESIS_HASH, 0, BlockHeader.REGTEST_POW_LIMIT_BITS);
        final List<String> model = new ArrayList<>();
        final int rounds = TestScale.pick(60, 600);
        for (int round = 0; round < rounds; round++) {
            final String why = "seed " + seed + " round " + round;
            final HeaderTree.Node before = tree.best();
            final long depth = chain.tipHeight() == 0 ? 0 : r.nextInt((int)Math.min(chain.tipHeight(), 12) + 1);
            chain.rewindTo(chain.tipHeight() - depth);
            final int mine = (int)depth + 1 + r.nextInt(3);
            for (int i = 0; i < mine; i++) {
                final RegtestChain.BuiltBlock b = chain.mine(List.of());
                assertEquals(HeaderTree.Result.CONNECTED, tree.add(Arrays.copyOf(b.raw(), BlockHeader.LENGTH)), why);
            }
            final HeaderTree.ChainSwitch sw = HeaderTree.path(before, tree.best());
            for (HeaderTree.Node n : sw.disconnect()) {
                assertEquals(model.remove(model.size() - 1), Hex.toHex(n.hash()), why);
            }
            for (HeaderTree.Node n : sw.connect()) {
                model.add(Hex.toHex(n.hash()));
            }
            assertEquals(depth, sw.disconnect().size(), why);
            assertEquals(chain.tipHeight(), model.size(), why);
            for (int h = 1; h <= chain.tipHeight(); h++) {
                assertEquals(Hex.toHex(chain.block(h).hash()), model.get(h - 1), why);
            }
        }
        final List<byte[]> locator = HeaderTree.locator(tree.best());
        assertArrayEquals(tree.best().hash(), locator.get(0));
        assertArrayEquals(RegtestChain.GENESIS_HASH, locator.get(locator.size() - 1));
    }

    @Test
    void shouldExpandCompactTargetsAsCoreAndBitcoinjDo() {
        final long seed = TestScale.seed(0xb175L);
        final Random r = new Random(seed);
        final byte[] target = new byte[32];
        for (int i = 0; i < 200_000; i++) {
            final int bits = i < 4 ? new int[] {0x1d00ffff, 0x207fffff, 0x17034219, 0x03123456}[i]
                : (r.nextInt(36) << 24) | (r.nextInt() & 0xffffff);
            final int exponent = bits >>> 24;
            final int mantissa = bits & 0x7fffff;
            final BigInteger value = exponent <= 3 ? BigInteger.valueOf(mantissa >>> 8 * (3 - exponent))
                : BigInteger.valueOf(mantissa).shiftLeft(8 * (exponent - 3));
            final boolean negative = mantissa != 0 && (bits & 0x800000) != 0;
            final boolean overflow = mantissa != 0
                && (exponent > 34 || mantissa > 0xff && exponent > 33 || mantissa > 0xffff && exponent > 32);
            final boolean valid = !negative && !overflow && value.signum() != 0;
            assertEquals(valid, BlockHeader.expandTarget(bits, target), "seed " + seed + " bits " + Integer.toHexString(bits));
            if (valid) {
                assertEquals(value, new BigInteger(1, target), "seed " + seed + " bits " + Integer.toHexString(bits));
                assertEquals(ByteUtils.decodeCompactBits(bits & 0xffffffffL), new BigInteger(1, target));
            }
        }
    }

    private static String hex(final byte[] header) {
        return Hex.toHex(BlockHeader.hash(header));
    }

    private static List<String> hashes(final List<HeaderTree.Node> nodes) {
        final List<String> out = new ArrayList<>();
        for (HeaderTree.Node n : nodes) {
            out.add(Hex.toHex(n.hash()));
        }
        return out;
    }
}
