package io.finality.core.buffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class BufferHelpersTest {
    @Test
    void shouldMatchTheJdkHexFormatOnRandomBytesBothWays() {
        final SplittableRandom rnd = new SplittableRandom(11);
        for (int n = 0; n < 2_000; n++) {
            final byte[] bytes = new byte[rnd.nextInt(80)];
            rnd.nextBytes(bytes);
            final String expected = HexFormat.of().formatHex(bytes);
            assertEquals(expected, Hex.toHex(bytes));
            assertArrayEquals(bytes, Hex.fromHex(expected));
            assertArrayEquals(bytes, Hex.fromHex("0x" + expected.toUpperCase()));
            final UnsafeBuffer ascii = new UnsafeBuffer(new byte[2 * bytes.length]);
            assertEquals(2 * bytes.length, Hex.encode(new UnsafeBuffer(bytes), 0, bytes.length, ascii, 0));
            final UnsafeBuffer back = new UnsafeBuffer(new byte[bytes.length]);
            assertEquals(bytes.length, Hex.decode(ascii, 0, ascii.capacity(), back, 0));
            assertArrayEquals(bytes, back.byteArray());
        }
    }

    @Test
    void shouldRejectOddLengthsAndNonHexCharacters() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[8]);
        assertEquals(Hex.INVALID, Hex.decode(new UnsafeBuffer("abc".getBytes(StandardCharsets.US_ASCII)), 0, 3, out, 0));
        assertEquals(Hex.INVALID, Hex.decode(new UnsafeBuffer("zz".getBytes(StandardCharsets.US_ASCII)), 0, 2, out, 0));
        assertEquals(Hex.INVALID, Hex.decode(new UnsafeBuffer(new byte[] {(byte)0xC3, (byte)0xA9}), 0, 2, out, 0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Hex.fromHex("0x123")).getMessage().contains("odd"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Hex.fromHex("12g4")).getMessage().contains("index 2"));
    }

    @Test
    void shouldDisplayBitcoinHashesByteReversed() {
        // The genesis block header hashes to 000000000019d6...8ce26f in display order.
        final byte[] header = Hex.fromHex("0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e"
            + "67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c");
        final UnsafeBuffer digest = new UnsafeBuffer(new byte[32]);
        new Sha256().hashTwice(header, 0, header.length, digest, 0);
        assertEquals("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", Hex.toHexReversed(digest, 0, 32));
        final UnsafeBuffer ascii = new UnsafeBuffer(new byte[64]);
        Hex.encodeReversed(digest, 0, 32, ascii, 0);
        assertEquals("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
            new String(ascii.byteArray(), StandardCharsets.US_ASCII));
    }

    @Test
    void shouldHashTheFipsVectorsAndReuseTheDigest() {
        final Sha256 sha = new Sha256();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[32]);
        for (int round = 0; round < 3; round++) {
            sha.hash(new byte[0], 0, 0, out, 0);
            assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hex.toHex(out, 0, 32));
            final byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
            sha.hash(abc, 0, 3, out, 0);
            assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex.toHex(out, 0, 32));
        }
    }

    @Test
    void shouldCompareRangesOfEveryLengthAndAlignment() {
        final SplittableRandom rnd = new SplittableRandom(3);
        final byte[] a = new byte[100];
        rnd.nextBytes(a);
        final byte[] b = a.clone();
        final UnsafeBuffer ba = new UnsafeBuffer(a);
        final UnsafeBuffer bb = new UnsafeBuffer(b);
        for (int off = 0; off < 10; off++) {
            for (int len = 0; len < 80; len++) {
                assertTrue(Bytes.equal(ba, off, bb, off, len));
                if (len > 0) {
                    final int at = off + rnd.nextInt(len);
                    b[at] ^= 1;
                    assertFalse(Bytes.equal(ba, off, bb, off, len), "difference at " + at + " missed");
                    b[at] ^= 1;
                }
            }
        }
    }
}
