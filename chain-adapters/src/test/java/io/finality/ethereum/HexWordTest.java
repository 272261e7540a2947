package io.finality.ethereum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.buffer.Hex;
import io.finality.core.test.TestScale;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The cursor's eight-digits-at-a-time hex decoder against the kernel's byte-at-a-time {@link Hex#decode}
 * on seeded random digit strings of every length up to 40 bytes: upper and lower case, and now and then
 * one byte that is not a digit (including the neighbours of each digit range and bytes above 0x7F).
 */
class HexWordTest {
    private static final byte[] DIGITS = "0123456789abcdefABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEAR_MISSES = {'/', ':', '@', 'G', '`', 'g', ' ', '"', 0, (byte)0x80, (byte)0xB0, (byte)0xE6};

    @Test
    void shouldDecodeAndRejectExactlyAsTheByteAtATimeDecoder() {
        final long seed = TestScale.seed(0x4E8L);
        final SplittableRandom random = new SplittableRandom(seed);
        int rejected = 0;
        final int cases = TestScale.pick(200_000, 2_000_000);
        for (int n = 0; n < cases; n++) {
            final int length = random.nextInt(41);
            final byte[] text = new byte[2 * length + 3];
            for (int i = 0; i < text.length; i++) {
                text[i] = DIGITS[random.nextInt(DIGITS.length)];
            }
            if (length > 0 && random.nextInt(3) == 0) {
                text[1 + random.nextInt(2 * length)] = NEAR_MISSES[random.nextInt(NEAR_MISSES.length)];
            }
            final UnsafeBuffer src = new UnsafeBuffer(text);
            final byte[] ours = new byte[length];
            final byte[] reference = new byte[length];
            final boolean ok = JsonCursor.decodeHex(src, 1, new UnsafeBuffer(ours), 0, length);
            final boolean refOk = Hex.decode(src, 1, 2 * length, new UnsafeBuffer(reference), 0) == length;
            final int caseNo = n;
            assertEquals(refOk, ok, () -> "seed=" + seed + " case=" + caseNo + " " + new String(text, StandardCharsets.ISO_8859_1));
            if (ok) {
                assertArrayEquals(reference, ours, "seed=" + seed + " case=" + n);
            } else {
                rejected++;
            }
        }
        assertTrue(rejected > cases / 5, "rejections " + rejected);
    }
}
