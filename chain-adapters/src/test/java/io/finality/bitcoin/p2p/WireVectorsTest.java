package io.finality.bitcoin.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.core.buffer.Hex;
import io.finality.core.test.TestData;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real P2P messages captured from Bitcoin Core nodes (rust-bitcoin's vectors) through our codec. */
class WireVectorsTest {
    private static final int MAINNET = BitcoinNetwork.MAINNET.magic();

    private static JsonNode vectors() throws IOException {
        return new ObjectMapper().readTree(TestData.path("bitcoin/p2p/rustbitcoin_p2p_message_vectors.json")).get("vectors");
    }

    private static JsonNode vector(final String name) throws IOException {
        for (JsonNode v : vectors()) {
            if (v.get("name").asString().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no vector " + name);
    }

    @Test
    void shouldDecodeAndReencodeEveryRealFrameByteForByte() throws IOException {
        int frames = 0;
        for (JsonNode v : vectors()) {
            final String hex = v.get("kind").asString().equals("framed_v1_message") ? v.get("hex").asString()
                : v.has("derived_framed_mainnet_hex") ? v.get("derived_framed_mainnet_hex").asString() : null;
            if (hex == null) {
                continue;
            }
            final byte[] wire = Hex.fromHex(hex);
            final List<Object> out = Frames.decode(MAINNET, wire);
            assertEquals(1, out.size(), v.get("name").asString());
            final Frames.Decoded d = (Frames.Decoded)out.get(0);
            final String name = v.get("command").asString();
            final Command expected = switch (name) {
                case "getaddr", "reject" -> Command.UNKNOWN;
                default -> Command.valueOf(name.toUpperCase(java.util.Locale.ROOT));
            };
            assertEquals(expected, d.command(), name);
            assertArrayEquals(java.util.Arrays.copyOfRange(wire, 24, wire.length), d.payload());
            if (expected != Command.UNKNOWN) {
                assertArrayEquals(wire, Frames.frame(MAINNET, expected, d.payload()), name);
            }
            frames++;
        }
        assertEquals(10, frames);
    }

    @Test
    void shouldReadTheVersionOfARealSatoshi0171Node() throws IOException {
        final byte[] wire = Hex.fromHex(vector("version_satoshi_0.17.1_mainnet").get("hex").asString());
        final Frames.Decoded d = (Frames.Decoded)Frames.decode(MAINNET, wire).get(0);
        final VersionMessage v = VersionMessage.decode(Unpooled.wrappedBuffer(d.payload()));
        assertNotNull(v);
        assertEquals(70015, v.version());
        assertEquals(0x40d, v.services());
        assertEquals(1548554224L, v.timestamp());
        assertEquals("/Satoshi:0.17.1/", v.userAgent());
        assertEquals(560275, v.startHeight());
        assertTrue(v.relay());
        assertArrayEquals(d.payload(), Frames.bytes(v.encode(ByteBufAllocator.DEFAULT)));

        final byte[] old = Hex.fromHex(vector("version_payload_satoshi_0.9.99").get("hex").asString());
        final VersionMessage v2 = VersionMessage.decode(Unpooled.wrappedBuffer(old));
        assertNotNull(v2);
        assertEquals(70002, v2.version());
        assertEquals(1, v2.services());
        assertEquals(1401217254L, v2.timestamp());
        assertEquals(302892, v2.startHeight());
        assertEquals("/Satoshi:0.9.99/", v2.userAgent());
        assertArrayEquals(old, Frames.bytes(v2.encode(ByteBufAllocator.DEFAULT)));
    }

    @Test
    void shouldReadRealGetheadersAndHeadersPayloads() throws IOException {
        final byte[] gh = Hex.fromHex(vector("getheaders_payload_satoshi").get("hex").asString());
        final LocatorMessage l = LocatorMessage.decode(Unpooled.wrappedBuffer(gh));
        assertNotNull(l);
        assertEquals(70002, l.version());
        assertEquals(1, l.locator().size());
        assertArrayEquals(new byte[32], l.stop());
        assertArrayEquals(gh, Frames.bytes(l.encode(ByteBufAllocator.DEFAULT)));

        final byte[] hs = Hex.fromHex(vector("headers_mainnet_900000_900002").get("hex").asString());
        final HeadersMessage h = HeadersMessage.decode(Unpooled.wrappedBuffer(hs));
        assertNotNull(h);
        assertEquals(3, h.headers().size());
        final String[] hashes = {"000000000000000000010538edbfd2d5b809a33dd83f284aeea41c6d0d96968a",
            "00000000000000000001a8ff030609a6248e0f6e77f9f141aeb21e4eac4f83fc",
            "00000000000000000001045e6be5e294b6c3a12e3ae00ad36287cf9579e0c1c6"};
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(Hex.fromHex(vector("header_mainnet_90000" + i).get("hex").asString()), h.headers().get(i));
            assertEquals(hashes[i], Hex.toHex(Hex.reverse(BlockHeader.hash(h.headers().get(i)))));
            if (i > 0) {
                assertTrue(BlockHeader.linksTo(h.headers().get(i), BlockHeader.hash(h.headers().get(i - 1))));
            }
        }
        assertArrayEquals(hs, Frames.bytes(h.encode(ByteBufAllocator.DEFAULT)));
    }
}
