package io.finality.bitcoin.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.core.test.TestData;
import io.finality.core.test.TestScale;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.BlockLocator;
import org.bitcoinj.core.Context;
import org.bitcoinj.core.GetBlocksMessage;
import org.bitcoinj.core.GetDataMessage;
import org.bitcoinj.core.GetHeadersMessage;
import org.bitcoinj.core.InventoryItem;
import org.bitcoinj.core.Message;
import org.bitcoinj.core.MessageSerializer;
import org.bitcoinj.core.NotFoundMessage;
import org.bitcoinj.core.Ping;
import org.bitcoinj.core.Pong;
import org.bitcoinj.core.SendHeadersMessage;
import org.bitcoinj.core.Services;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.VersionAck;
import org.bitcoinj.core.VersionMessage;
import org.bitcoinj.params.RegTestParams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bitcoinj's serializer, an independent implementation, frames each message; our decoder must split
 * it, our payload codecs must read the same fields and write the same bytes back, and bitcoinj must
 * read our frames back to an equal message. Random contents are seeded; the seed is in every message.
 */
class BitcoinjWireDifferentialTest {
    private static final int REGTEST = BitcoinNetwork.REGTEST.magic();
    private static final MessageSerializer SERIALIZER = RegTestParams.get().getDefaultSerializer();
    private static final long SEED = TestScale.seed(0x5eed_0006L);

    @BeforeAll
    static void context() {
        Context.propagate(new Context());
    }

    private static byte[] bitcoinj(final Message m) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            SERIALIZER.serialize(m, out);
        } catch (final IOException ex) {
            throw new AssertionError(ex);
        }
        return out.toByteArray();
    }

    private static Message bitcoinjRead(final byte[] frame) {
        try {
            return SERIALIZER.deserialize(ByteBuffer.wrap(frame));
        } catch (final IOException ex) {
            throw new AssertionError(ex);
        }
    }

    private static Frames.Decoded ours(final byte[] frame, final Command expected, final String why) {
        final List<Object> out = Frames.decode(REGTEST, frame);
        assertEquals(1, out.size(), why);
        final Frames.Decoded d = (Frames.Decoded)out.get(0);
        assertEquals(expected, d.command(), why);
        return d;
    }

    private static byte[] hash(final Random r) {
        final byte[] h = new byte[32];
        r.nextBytes(h);
        return h;
    }

    /** bitcoinj's Sha256Hash holds display order; the wire carries the reverse (internal order). */
    private static byte[] internal(final Sha256Hash h) {
        return io.finality.core.buffer.Hex.reverse(h.getBytes().clone());
    }

    @Test
    @SuppressWarnings("deprecation") // GetDataMessage's mutators are the way to build one in bitcoinj 0.17.1
    void shouldAgreeWithBitcoinjOnControlMessages() {
        final Random r = new Random(SEED);
        for (int i = 0; i < 200; i++) {
            final String why = "seed " + SEED + " round " + i;
            final VersionMessage v = new VersionMessage(RegTestParams.get(), r.nextInt(1_000_000));
            v.clientVersion = 70000 + r.nextInt(20);
            v.localServices = Services.of(r.nextLong() & 0xfff);
            v.time = Instant.ofEpochSecond(1_600_000_000L + r.nextInt(100_000_000));
            v.subVer = "/test:" + r.nextInt(1000) + "/";
            v.relayTxesBeforeFilter = r.nextBoolean();
            final byte[] vf = bitcoinj(v);
            final Frames.Decoded vd = ours(vf, Command.VERSION, why);
            final io.finality.bitcoin.p2p.VersionMessage ov =
                io.finality.bitcoin.p2p.VersionMessage.decode(Unpooled.wrappedBuffer(vd.payload()));
            assertNotNull(ov, why);
            assertEquals(v.clientVersion, ov.version(), why);
            assertEquals(v.localServices.bits(), ov.services(), why);
            assertEquals(v.time.getEpochSecond(), ov.timestamp(), why);
            assertEquals(v.subVer, ov.userAgent(), why);
            assertEquals(v.bestHeight, ov.startHeight(), why);
            assertEquals(v.relayTxesBeforeFilter, ov.relay(), why);
            final byte[] ourVersion = Frames.frame(REGTEST, Command.VERSION, Frames.bytes(ov.encode(ByteBufAllocator.DEFAULT)));
            assertArrayEquals(vf, ourVersion, why);
            // bitcoinj re-reads the same bytes (VersionMessage.equals is not round-trip stable, so compare fields)
            assertEquals(v.subVer, ((VersionMessage)bitcoinjRead(ourVersion)).subVer, why);

            final long nonce = r.nextLong();
            final byte[] pingFrame = bitcoinj(Ping.of(nonce));
            assertEquals(nonce, NonceMessage.decode(Unpooled.wrappedBuffer(ours(pingFrame, Command.PING, why).payload())), why);
            assertArrayEquals(pingFrame,
                Frames.frame(REGTEST, Command.PING, Frames.bytes(NonceMessage.encode(ByteBufAllocator.DEFAULT, nonce))));
            final byte[] pongFrame = bitcoinj(Pong.of(nonce));
            assertEquals(nonce, NonceMessage.decode(Unpooled.wrappedBuffer(ours(pongFrame, Command.PONG, why).payload())), why);
            assertEquals(nonce, ((Pong)bitcoinjRead(Frames.frame(REGTEST, Command.PONG,
                Frames.bytes(NonceMessage.encode(ByteBufAllocator.DEFAULT, nonce))))).nonce(), why);

            final List<Sha256Hash> hashes = new ArrayList<>();
            final int n = r.nextInt(Command.MAX_LOCATOR + 1);
            for (int k = 0; k < n; k++) {
                hashes.add(Sha256Hash.wrap(hash(r)));
            }
            final Sha256Hash stop = r.nextBoolean() ? Sha256Hash.ZERO_HASH : Sha256Hash.wrap(hash(r));
            final GetHeadersMessage gh = new GetHeadersMessage(70016, new BlockLocator(hashes), stop);
            final GetBlocksMessage gb = new GetBlocksMessage(70015, new BlockLocator(hashes), stop);
            for (Message m : List.of(gh, gb)) {
                final byte[] f = bitcoinj(m);
                final Command c = m == gh ? Command.GETHEADERS : Command.GETBLOCKS;
                final LocatorMessage l = LocatorMessage.decode(Unpooled.wrappedBuffer(ours(f, c, why).payload()));
                assertNotNull(l, why);
                assertEquals(n, l.locator().size(), why);
                for (int k = 0; k < n; k++) {
                    assertArrayEquals(internal(hashes.get(k)), l.locator().get(k), why);
                }
                assertArrayEquals(internal(stop), l.stop(), why);
                final byte[] ourFrame = Frames.frame(REGTEST, c, Frames.bytes(l.encode(ByteBufAllocator.DEFAULT)));
                assertArrayEquals(f, ourFrame, why);
                assertEquals(m, bitcoinjRead(ourFrame), why);
            }

            final GetDataMessage gd = new GetDataMessage();
            final List<InventoryItem> items = new ArrayList<>();
            final int m = r.nextInt(300);
            for (int k = 0; k < m; k++) {
                final boolean block = r.nextBoolean();
                final boolean witness = r.nextBoolean();
                final Sha256Hash h = Sha256Hash.wrap(hash(r));
                if (block) {
                    gd.addBlock(h, witness);
                } else {
                    gd.addTransaction(h, witness);
                }
                items.add(gd.getItems().get(k));
            }
            final NotFoundMessage nf = new NotFoundMessage(items);
            for (Message msg : List.of(gd, nf)) {
                final byte[] f = bitcoinj(msg);
                final Command c = msg == gd ? Command.GETDATA : Command.NOTFOUND;
                final InventoryMessage inv = InventoryMessage.decode(Unpooled.wrappedBuffer(ours(f, c, why).payload()));
                assertNotNull(inv, why);
                assertEquals(m, inv.items().size(), why);
                for (int k = 0; k < m; k++) {
                    assertEquals(items.get(k).type.code, inv.items().get(k).type(), why);
                    assertArrayEquals(internal(items.get(k).hash), inv.items().get(k).hash(), why);
                }
                final byte[] ourFrame = Frames.frame(REGTEST, c, Frames.bytes(inv.encode(ByteBufAllocator.DEFAULT)));
                assertArrayEquals(f, ourFrame, why);
                assertEquals(msg, bitcoinjRead(ourFrame), why);
            }
        }
        assertEquals(0, ours(bitcoinj(new VersionAck()), Command.VERACK, "verack").payload().length);
        assertEquals(0, ours(bitcoinj(new SendHeadersMessage()), Command.SENDHEADERS, "sendheaders").payload().length);
    }

    @Test
    void shouldAgreeWithBitcoinjOnRealBlocksTransactionsAndHeaders() throws IOException {
        for (String name : List.of("bitcoin/blocks/raw/bitcoinj_block169482.dat", "bitcoin/blocks/raw/bitcoinj_block481829.dat")) {
            final byte[] raw = TestData.bytes(name);
            final Block block = Block.read(ByteBuffer.wrap(raw));
            final byte[] blockFrame = bitcoinj(block);
            assertArrayEquals(raw, ours(blockFrame, Command.BLOCK, name).payload(), name);
            assertArrayEquals(blockFrame, Frames.frame(REGTEST, Command.BLOCK, raw), name);
            assertEquals(block.getHash(), ((Block)bitcoinjRead(Frames.frame(REGTEST, Command.BLOCK, raw))).getHash(), name);

            final Transaction tx = block.getTransactions().get(1);
            final byte[] txFrame = bitcoinj(tx);
            final byte[] txPayload = ours(txFrame, Command.TX, name).payload();
            assertArrayEquals(tx.serialize(), txPayload, name);
            assertEquals(tx.getTxId(), ((Transaction)bitcoinjRead(Frames.frame(REGTEST, Command.TX, txPayload))).getTxId(), name);
        }

        final List<String> lines = java.nio.file.Files.readAllLines(TestData.path("bitcoin/p2p/btcd_blockheaders-mainnet-1-11.txt"));
        final List<byte[]> headers = new ArrayList<>();
        for (String line : lines) {
            headers.add(io.finality.core.buffer.Hex.fromHex(line.trim()));
        }
        final byte[] payload = Frames.bytes(new HeadersMessage(headers).encode(ByteBufAllocator.DEFAULT));
        final org.bitcoinj.core.HeadersMessage hm =
            (org.bitcoinj.core.HeadersMessage)bitcoinjRead(Frames.frame(REGTEST, Command.HEADERS, payload));
        assertEquals(11, hm.getBlockHeaders().size());
        for (int i = 0; i < 11; i++) {
            assertArrayEquals(Sha256Hash.wrapReversed(BlockHeader.hash(headers.get(i))).getBytes(),
                hm.getBlockHeaders().get(i).getHash().getBytes());
        }
        assertArrayEquals(bitcoinj(hm), Frames.frame(REGTEST, Command.HEADERS, payload));
    }
}
