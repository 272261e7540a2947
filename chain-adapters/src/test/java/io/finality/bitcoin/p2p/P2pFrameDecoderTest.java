package io.finality.bitcoin.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.core.buffer.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Framing edge cases and every refusal reason of the frame decoder and the payload codecs. */
class P2pFrameDecoderTest {
    private static final int MAINNET = BitcoinNetwork.MAINNET.magic();
    /** Real verack frame from rust-bitcoin's vectors. */
    private static final byte[] VERACK = Hex.fromHex("f9beb4d976657261636b000000000000000000005df6e0e2");

    private static byte[] concat(final byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        final byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    @Test
    void shouldReassembleFramesDeliveredOneByteAtATimeAndSplitFramesSharingAChunk() {
        final byte[] ping = Frames.frame(MAINNET, Command.PING, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        final byte[] wire = concat(VERACK, ping, VERACK);
        final byte[][] single = new byte[wire.length][];
        for (int i = 0; i < wire.length; i++) {
            single[i] = new byte[] {wire[i]};
        }
        for (List<Object> out : List.of(Frames.decode(MAINNET, single), Frames.decode(MAINNET, wire))) {
            assertEquals(3, out.size());
            assertEquals(Command.VERACK, ((Frames.Decoded)out.get(0)).command());
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, ((Frames.Decoded)out.get(1)).payload());
            assertEquals(Command.VERACK, ((Frames.Decoded)out.get(2)).command());
        }
    }

    @Test
    void shouldRefuseAnotherNetworksMagic() {
        assertEquals(List.of(DecodeFailure.BAD_MAGIC), Frames.decode(BitcoinNetwork.TESTNET4.magic(), VERACK));
    }

    @Test
    void shouldRefuseMalformedCommandFields() {
        final byte[] control = VERACK.clone();
        control[5] = 0x07;
        final byte[] afterNul = VERACK.clone();
        afterNul[4 + 8] = 'x';
        final byte[] empty = VERACK.clone();
        Arrays.fill(empty, 4, 16, (byte)0);
        for (byte[] f : List.of(control, afterNul, empty)) {
            assertEquals(List.of(DecodeFailure.BAD_COMMAND), Frames.decode(MAINNET, f));
        }
    }

    @Test
    void shouldRefuseALyingLengthFromTheHeaderAloneWithoutBufferingIt() {
        final byte[] header = Frames.frame(MAINNET, Command.BLOCK, new byte[0]);
        header[16] = (byte)0xff;
        header[17] = (byte)0xff;
        header[18] = (byte)0xff;
        header[19] = (byte)0xff;
        final P2pFrameDecoder decoder = new P2pFrameDecoder(MAINNET);
        final EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(Unpooled.wrappedBuffer(header));
        assertEquals(DecodeFailure.OVERSIZED, ch.readInbound());
        assertEquals(1, decoder.failures(DecodeFailure.OVERSIZED));
        // everything after a failure is dropped, not buffered
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[100_000]));
        assertNull(ch.readInbound());
        assertEquals(0, decoder.buffered());
        ch.finishAndReleaseAll();

        // a ping one byte over its 8-byte cap, headers one byte over theirs
        assertEquals(List.of(DecodeFailure.OVERSIZED), Frames.decode(MAINNET, Frames.frame(MAINNET, Command.PING, new byte[9])));
        assertEquals(List.of(DecodeFailure.OVERSIZED),
            Frames.decode(MAINNET, Frames.frame(MAINNET, Command.HEADERS, new byte[Command.HEADERS_MAX + 1])));
        assertEquals(List.of(DecodeFailure.OVERSIZED), Frames.decode(MAINNET, Frames.frame(MAINNET, Command.VERACK, new byte[1])));
    }

    @Test
    void shouldWaitForAPayloadUpToTheCapAndHoldOnlyWhatArrived() {
        final byte[] frame = Frames.frame(MAINNET, Command.HEADERS, new byte[Command.HEADERS_MAX]);
        final P2pFrameDecoder decoder = new P2pFrameDecoder(MAINNET);
        final EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, 1000));
        assertNull(ch.readInbound());
        assertTrue(decoder.buffered() <= 1000);
        ch.writeInbound(Unpooled.wrappedBuffer(frame, 1000, frame.length - 1000));
        final P2pMessage m = ch.readInbound();
        assertEquals(Command.HEADERS_MAX, m.payload().readableBytes());
        m.release();
        assertFalse(ch.finishAndReleaseAll(), "nothing left over");
    }

    @Test
    void shouldRefuseABadChecksum() {
        final byte[] ping = Frames.frame(MAINNET, Command.PING, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        ping[30] ^= 1;
        assertEquals(List.of(DecodeFailure.BAD_CHECKSUM), Frames.decode(MAINNET, ping));
        final byte[] verack = VERACK.clone();
        verack[23] ^= (byte)0x80;
        assertEquals(List.of(DecodeFailure.BAD_CHECKSUM), Frames.decode(MAINNET, concat(VERACK, verack, VERACK)).subList(1, 2));
    }

    @Test
    void shouldReturnNullForMalformedPayloadsInsteadOfThrowing() {
        final ByteBuf headerWithTx = Unpooled.buffer().writeByte(1).writeBytes(new byte[80]).writeByte(1);
        assertNull(HeadersMessage.decode(headerWithTx));
        assertNull(HeadersMessage.decode(Unpooled.buffer().writeByte(2).writeBytes(new byte[81])));
        // a count at the cap + 1 with no items behind it: refused before any list is sized from it
        final ByteBuf lyingInv = Unpooled.buffer().writeByte(0xfe).writeIntLE(Command.MAX_INV + 1);
        assertNull(InventoryMessage.decode(lyingInv));
        final ByteBuf hugeVarint = Unpooled.buffer().writeByte(0xff).writeLongLE(-1L);
        assertNull(InventoryMessage.decode(hugeVarint));
        assertNull(LocatorMessage.decode(Unpooled.buffer().writeIntLE(70016).writeByte(102).writeBytes(new byte[103 * 32])));
        assertNull(LocatorMessage.decode(Unpooled.buffer().writeIntLE(70016).writeByte(1).writeBytes(new byte[63])));
        assertNull(VersionMessage.decode(Unpooled.buffer().writeIntLE(70016)));
        final byte[] version = Frames.bytes(new VersionMessage(70016, 1, 0, VersionMessage.emptyAddress(), VersionMessage.emptyAddress(),
            0, "/x/", 0, true).encode(io.netty.buffer.ByteBufAllocator.DEFAULT));
        assertTrue(VersionMessage.decode(Unpooled.wrappedBuffer(version)) != null);
        assertNull(VersionMessage.decode(Unpooled.wrappedBuffer(concat(version, new byte[1]))));
        assertEquals(NonceMessage.MALFORMED, NonceMessage.decode(Unpooled.buffer().writeByte(1)));
    }
}
