package io.finality.bitcoin.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.core.buffer.Hex;
import io.finality.core.test.TestData;
import io.finality.core.test.TestScale;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutated real frames (bit flips, random bytes, truncation, insertion, deletion, lying length fields,
 * spliced frames, random chunking) into the frame decoder and a sink that runs every payload codec, as
 * a connection would. No exception may escape the pipeline, every payload must respect its command's
 * cap, every message must be released, and the header tree fed by the sink must not change: no mutant
 * header passes linkage and proof of work. CI runs {@value #CI_FRAMES} inputs with a fixed seed,
 * {@code -Pfull} {@value #FULL_FRAMES}; {@code -Dfinality.seed=<n>} explores.
 */
class WireFuzzTest {
    static final int CI_FRAMES = 100_000;
    static final int FULL_FRAMES = 2_000_000;
    private static final int MAINNET = BitcoinNetwork.MAINNET.magic();
    private static final byte[] MAINNET_GENESIS =
        Hex.reverse(Hex.fromHex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"));

    /** Runs the payload codec of each decoded message, as a connection's handler would, and feeds headers to the tree. */
    static final class CodecSink extends SimpleChannelInboundHandler<Object> {
        private final HeaderTree tree;
        long messages;
        long malformed;
        long failures;

        CodecSink(final HeaderTree tree) {
            this.tree = tree;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final Object msg) {
            if (msg instanceof DecodeFailure) {
                failures++;
                return;
            }
            final P2pMessage m = (P2pMessage)msg;
            messages++;
            assertTrue(m.payload().readableBytes() <= m.command().maxPayload(), "payload over cap: " + m);
            final boolean ok = switch (m.command()) {
                case VERSION -> VersionMessage.decode(m.payload()) != null;
                case PING, PONG -> NonceMessage.decode(m.payload()) != NonceMessage.MALFORMED;
                case GETHEADERS, GETBLOCKS -> LocatorMessage.decode(m.payload()) != null;
                case INV, GETDATA, NOTFOUND -> InventoryMessage.decode(m.payload()) != null;
                case HEADERS -> {
                    final HeadersMessage h = HeadersMessage.decode(m.payload());
                    if (h != null) {
                        for (byte[] header : h.headers()) {
                            tree.add(header);
                        }
                    }
                    yield h != null;
                }
                default -> true;
            };
            if (!ok) {
                malformed++;
            }
        }
    }

    private static List<byte[]> corpus() throws IOException {
        final List<byte[]> frames = new ArrayList<>();
        final String json = Files.readString(TestData.path("bitcoin/p2p/rustbitcoin_p2p_message_vectors.json"));
        final Matcher m = Pattern.compile("\"(?:hex|derived_framed_mainnet_hex)\": \"(f9beb4d9[0-9a-f]*)\"").matcher(json);
        while (m.find()) {
            frames.add(Hex.fromHex(m.group(1)));
        }
        final List<byte[]> headers = mainnetHeaders();
        for (List<byte[]> hs : List.of(headers, headers.subList(0, 2))) {
            frames.add(Frames.frame(MAINNET, Command.HEADERS, Frames.bytes(new HeadersMessage(hs).encode(ByteBufAllocator.DEFAULT))));
        }
        final List<InventoryMessage.Item> items = new ArrayList<>();
        for (byte[] h : headers) {
            items.add(new InventoryMessage.Item(InventoryMessage.MSG_BLOCK, BlockHeader.hash(h)));
        }
        final byte[] inv = Frames.bytes(new InventoryMessage(items).encode(ByteBufAllocator.DEFAULT));
        frames.add(Frames.frame(MAINNET, Command.INV, inv));
        frames.add(Frames.frame(MAINNET, Command.GETDATA, inv));
        frames.add(Frames.frame(MAINNET, Command.NOTFOUND, inv));
        frames.add(Frames.frame(MAINNET, Command.GETHEADERS,
            Frames.bytes(new LocatorMessage(70016, List.of(MAINNET_GENESIS, BlockHeader.hash(headers.get(3))), new byte[32])
                .encode(ByteBufAllocator.DEFAULT))));
        frames.add(Frames.frame(MAINNET, Command.PING, Frames.bytes(NonceMessage.encode(ByteBufAllocator.DEFAULT, 0x1234_5678_9abcL))));
        final byte[] block = TestData.bytes("bitcoin/blocks/raw/bitcoinj_block_testnet21066.dat");
        frames.add(Frames.frame(MAINNET, Command.BLOCK, block));
        frames.add(Frames.frame(MAINNET, Command.TX, Arrays.copyOfRange(block, 81, 81 + 100)));
        return frames;
    }

    private static List<byte[]> mainnetHeaders() throws IOException {
        final List<byte[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.path("bitcoin/p2p/btcd_blockheaders-mainnet-1-11.txt"))) {
            out.add(Hex.fromHex(line.trim()));
        }
        return out;
    }

    private static byte[] mutate(final byte[] in, final Random r) {
        byte[] b = in;
        final int ops = 1 + r.nextInt(4);
        for (int k = 0; k < ops && b.length > 0; k++) {
            final int pos = r.nextInt(b.length);
            switch (r.nextInt(9)) {
                case 0 -> b[pos] ^= (byte)(1 << r.nextInt(8));
                case 1 -> b[pos] = (byte)r.nextInt(256);
                case 2 -> b = Arrays.copyOf(b, pos);
                case 3 -> {
                    final byte[] ins = new byte[1 + r.nextInt(40)];
                    r.nextBytes(ins);
                    final byte[] out = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, out, 0, pos);
                    System.arraycopy(ins, 0, out, pos, ins.length);
                    System.arraycopy(b, pos, out, pos + ins.length, b.length - pos);
                    b = out;
                }
                case 4 -> {
                    final int n = Math.min(b.length - pos, 1 + r.nextInt(40));
                    final byte[] out = new byte[b.length - n];
                    System.arraycopy(b, 0, out, 0, pos);
                    System.arraycopy(b, pos + n, out, pos, b.length - pos - n);
                    b = out;
                }
                case 5 -> {
                    // lie in the first frame's length field: anything from 0 to 2^32 - 1
                    if (b.length >= 20) {
                        final int v = r.nextBoolean() ? r.nextInt() : r.nextInt(200_000);
                        b[16] = (byte)v;
                        b[17] = (byte)(v >>> 8);
                        b[18] = (byte)(v >>> 16);
                        b[19] = (byte)(v >>> 24);
                    }
                }
                case 6 -> {
                    // a varint inside the payload claims a huge count
                    if (b.length > 25) {
                        b[24] = (byte)(0xfd + r.nextInt(3));
                    }
                }
                case 7 -> {
                    if (b.length >= 16) {
                        b[4 + r.nextInt(12)] = (byte)r.nextInt(128);
                    }
                }
                default -> {
                    final int n = Math.min(b.length - pos, 1 + r.nextInt(100));
                    final byte[] out = Arrays.copyOf(b, b.length + n);
                    System.arraycopy(b, pos, out, b.length, n);
                    b = out;
                }
            }
        }
        return b;
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldSurviveMutatedFramesWithoutExceptionsOverCapPayloadsLeaksOrStateChange() throws IOException {
        final long seed = TestScale.seed(0xf022_0006L);
        final int count = TestScale.pick(CI_FRAMES, FULL_FRAMES);
        final Random r = new Random(seed);
        final List<byte[]> corpus = corpus();
        final HeaderTree tree = new HeaderTree(MAINNET_GENESIS, 0, BlockHeader.MAINNET_POW_LIMIT_BITS);
        for (byte[] h : mainnetHeaders()) {
            assertEquals(HeaderTree.Result.CONNECTED, tree.add(h));
        }
        final HeaderTree.Node best = tree.best();
        long messages = 0;
        long failures = 0;
        long malformed = 0;
        for (int i = 0; i < count; i++) {
            final int parts = 1 + r.nextInt(3);
            byte[] input = new byte[0];
            for (int p = 0; p < parts; p++) {
                final byte[] f = corpus.get(r.nextInt(corpus.size()));
                final byte[] joined = Arrays.copyOf(input, input.length + f.length);
                System.arraycopy(f, 0, joined, input.length, f.length);
                input = joined;
            }
            final int mode = r.nextInt(10);
            if (mode < 4) {
                // mutate a payload and frame it again with a valid checksum, so the payload codecs see the damage
                final byte[] f = corpus.get(r.nextInt(corpus.size()));
                final Command c = Command.ofField(f, 4);
                if (c != null && c != Command.UNKNOWN) {
                    input = Frames.frame(MAINNET, c, mutate(Arrays.copyOfRange(f, P2pFrameDecoder.HEADER_LENGTH, f.length), r));
                }
            } else if (mode < 9) {
                input = mutate(input, r);
            }
            final P2pFrameDecoder decoder = new P2pFrameDecoder(MAINNET);
            final CodecSink sink = new CodecSink(tree);
            final EmbeddedChannel ch = new EmbeddedChannel(decoder, sink);
            try {
                int pos = 0;
                while (pos < input.length) {
                    final int n = r.nextInt(4) == 0 ? input.length - pos : Math.min(input.length - pos, 1 + r.nextInt(64));
                    ch.writeInbound(Unpooled.wrappedBuffer(input, pos, n));
                    pos += n;
                    assertTrue(decoder.buffered() <= pos, "buffered more than received");
                }
                ch.checkException();
                ch.finishAndReleaseAll();
            } catch (final Throwable t) {
                fail("seed " + seed + " input " + i + " (" + Hex.toHex(input, 0, Math.min(input.length, 200)) + "...): " + t, t);
            }
            assertTrue(sink.failures <= 1, "decoder stops at its first failure");
            messages += sink.messages;
            failures += sink.failures;
            malformed += sink.malformed;
            if (tree.size() != 12 || tree.best() != best) {
                fail("seed " + seed + " input " + i + ": a mutant header changed the tree");
            }
        }
        // the mix must exercise both paths, or the fuzz proves nothing
        assertTrue(messages > count / 4, "messages " + messages);
        assertTrue(failures > count / 4, "failures " + failures);
        assertTrue(malformed > count / 20, "malformed " + malformed);
    }
}
