package io.finality.ethereum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.buffer.Hex;
import io.finality.core.test.TestScale;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

/**
 * The cursor's word-at-a-time fast paths against plain references, on seeded random input placed at
 * every alignment and right against the end of the input (so that word reads near the limit are
 * exercised), inside a larger buffer whose bytes around the wrapped range would change the result if
 * they were read: member keys read as two words (escapes, every length around 8 and 16), whitespace
 * runs (spaces, newlines, CR, tabs, and control bytes that must be refused) against Jackson, quantities
 * against {@link BigInteger} (upper and lower case, leading zeros, bad digits), hashes and addresses
 * against {@link Hex#decode}, and every truncation of each document: an error code and an offset inside
 * the input, never an exception. With assertions on (as the build runs tests), every raw read of the
 * cursor also asserts that it lies inside the wrapped range.
 */
class JsonCursorFastPathTest {
    private static final byte[] KEY_PIECES_PLAIN =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_".getBytes(StandardCharsets.US_ASCII);
    private static final String[] KEY_ESCAPES = {"\\\"", "\\\\", "\\n", "\\u0041"};
    private static final byte[] HEX_DIGITS = "0123456789abcdefABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_HEX = {'g', 'G', 'x', '/', ':', '@', '`', ' ', (byte)0xC3, '\\'};
    private static final String[] WHITESPACE = {" ", "\n", "\r", "\t", "  ", "\n    ", "\r\n\t\t", "        ", "\n                "};
    /** Bytes placed around the wrapped range: a read outside it would see a quote, a digit or a brace. */
    private static final byte[] GUARD = "\"0}\"1]".getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldRunWithAssertionsSoThatRawReadsAreRangeChecked() {
        boolean enabled = false;
        assert enabled = true;
        assertTrue(enabled, "tests must run with -ea: the cursor's raw reads assert their range");
    }

    @Test
    void shouldReadKeysAsTheirBytesAtEveryLengthAndAlignment() {
        final long seed = TestScale.seed(0x6B65_79L);
        final SplittableRandom random = new SplittableRandom(seed);
        final JsonCursor cursor = new JsonCursor();
        final int cases = TestScale.pick(4_000, 40_000);
        for (int n = 0; n < cases; n++) {
            final byte[] key = randomKey(random);
            final String ws = random.nextInt(3) == 0 ? WHITESPACE[random.nextInt(WHITESPACE.length)] : "";
            final byte[] doc = concat(bytes("{" + ws + "\""), key, bytes("\"" + ws + ":" + ws + "7}"));
            final int lead = random.nextInt(16);
            final UnsafeBuffer buffer = guarded(doc, lead, random.nextBoolean() ? 0 : random.nextInt(16));
            final String where = "seed=" + seed + " case=" + n + " " + new String(doc, StandardCharsets.ISO_8859_1);
            cursor.wrap(buffer, lead, doc.length);
            assertTrue(cursor.expect('{'), where);
            assertEquals(JsonCursor.MORE, cursor.nextMember(true), where);
            assertEquals(key.length, cursor.stringEnd() - cursor.stringStart(), where);
            final long[] words = referenceKeyWords(key);
            assertEquals(words[0], cursor.key0(), where);
            assertEquals(words[1], cursor.key1(), where);
            if (words[0] != 0 && key.length <= Long.BYTES) {
                assertTrue(cursor.keyIs(JsonCursor.keyWord(new String(key, StandardCharsets.US_ASCII), 0), 0), where);
            }
            assertTrue(cursor.skipValue(), where);
            assertEquals(JsonCursor.END, cursor.nextMember(false), where);
            assertTrue(cursor.atEnd(), where);
            for (int cut = 0; cut < doc.length; cut++) {
                cursor.wrap(buffer, lead, cut);
                final boolean ok = cursor.expect('{') && cursor.nextMember(true) == JsonCursor.MORE && cursor.skipValue()
                    && cursor.nextMember(false) == JsonCursor.END;
                assertFalse(ok, where + " cut " + cut);
                assertInside(cursor, lead, cut, where + " cut " + cut);
            }
        }
    }

    @Test
    void shouldSkipWhitespaceAndRefuseControlBytesAsJackson() {
        final long seed = TestScale.seed(0x5EAL);
        final SplittableRandom random = new SplittableRandom(seed);
        final JsonCursor cursor = new JsonCursor();
        final int cases = TestScale.pick(20_000, 200_000);
        int rejected = 0;
        for (int n = 0; n < cases; n++) {
            final StringBuilder sb = new StringBuilder();
            final String[] tokens = {"{", "\"a\"", ":", "\"0x1\"", ",", "\"bb\"", ":", "[", "1", ",", "true", "]", "}"};
            for (String token : tokens) {
                sb.append(gap(random)).append(token);
            }
            // trailing bytes: whitespace only (what follows the value is the caller's business)
            sb.append(random.nextBoolean() ? "" : WHITESPACE[random.nextInt(WHITESPACE.length)]);
            final byte[] doc = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            final int lead = random.nextInt(9);
            final UnsafeBuffer buffer = guarded(doc, lead, random.nextInt(3));
            cursor.wrap(buffer, lead, doc.length);
            final boolean ours = cursor.skipValue() && cursor.atEnd();
            final String where = "seed=" + seed + " case=" + n + " " + Arrays.toString(doc);
            assertEquals(jacksonAccepts(doc), ours, where);
            if (!ours) {
                rejected++;
                assertInside(cursor, lead, doc.length, where);
            }
            cursor.wrap(buffer, lead, doc.length);
            final boolean members = cursor.expect('{') && cursor.nextMember(true) == JsonCursor.MORE
                && cursor.keyIs(JsonCursor.keyWord("a", 0), 0) && cursor.readQuantity() && cursor.word0() == 1
                && cursor.nextMember(false) == JsonCursor.MORE && cursor.keyIs(JsonCursor.keyWord("bb", 0), 0)
                && cursor.skipValue() && cursor.nextMember(false) == JsonCursor.END && cursor.atEnd();
            assertEquals(ours, members, where);
        }
        assertTrue(rejected > cases / 20 && rejected < cases - cases / 20, "both outcomes must occur: rejected " + rejected);
    }

    @Test
    void shouldParseQuantitiesAsBigIntegerDoes() {
        final long seed = TestScale.seed(0x9A17L);
        final SplittableRandom random = new SplittableRandom(seed);
        final JsonCursor cursor = new JsonCursor();
        final int cases = TestScale.pick(40_000, 400_000);
        int rejected = 0;
        for (int n = 0; n < cases; n++) {
            final int zeros = random.nextInt(8) == 0 ? random.nextInt(12) : 0;
            final int significant = 1 + random.nextInt(random.nextBoolean() ? 16 : 66);
            final byte[] digits = new byte[zeros + significant];
            Arrays.fill(digits, 0, zeros, (byte)'0');
            for (int i = zeros; i < digits.length; i++) {
                digits[i] = HEX_DIGITS[random.nextInt(HEX_DIGITS.length)];
            }
            final boolean bad = random.nextInt(6) == 0;
            if (bad) {
                digits[random.nextInt(digits.length)] = NOT_HEX[random.nextInt(NOT_HEX.length - 1)];
            }
            final String prefix = random.nextInt(8) == 0 ? "0X" : "0x";
            final boolean bare = random.nextInt(4) == 0;
            final byte[] doc = bare
                ? concat(bytes("\"" + prefix), digits, bytes("\""))
                : concat(bytes("{\"v\":\"" + prefix), digits, bytes("\"}"));
            final int lead = random.nextInt(12);
            final UnsafeBuffer buffer = guarded(doc, lead, random.nextBoolean() ? 0 : random.nextInt(12));
            final String where = "seed=" + seed + " case=" + n + " " + new String(doc, StandardCharsets.ISO_8859_1);
            cursor.wrap(buffer, lead, doc.length);
            final boolean ok = (bare || cursor.expect('{') && cursor.nextMember(true) == JsonCursor.MORE) && cursor.readQuantity();
            final BigInteger reference = bad ? null : new BigInteger(new String(digits, StandardCharsets.US_ASCII), 16);
            final boolean refOk = reference != null && reference.bitLength() <= 256 && significantDigits(digits) <= 64;
            assertEquals(refOk, ok, where);
            if (ok) {
                assertEquals(reference, EthFixtures.u256(cursor.word3(), cursor.word2(), cursor.word1(), cursor.word0()), where);
            } else {
                rejected++;
                assertEquals(JsonError.BAD_QUANTITY, cursor.error(), where);
                assertInside(cursor, lead, doc.length, where);
            }
            for (int cut = 0; cut < doc.length; cut += 1 + random.nextInt(3)) {
                cursor.wrap(buffer, lead, cut);
                final boolean cutOk = (bare || cursor.expect('{') && cursor.nextMember(true) == JsonCursor.MORE) && cursor.readQuantity()
                    && (bare || cursor.nextMember(false) == JsonCursor.END);
                assertFalse(cutOk, where + " cut " + cut);
                assertInside(cursor, lead, cut, where + " cut " + cut);
            }
        }
        assertTrue(rejected > cases / 20, "rejections " + rejected);
    }

    @Test
    void shouldDecodeHashesAndAddressesAsHexDecodeDoes() {
        final long seed = TestScale.seed(0x4A54L);
        final SplittableRandom random = new SplittableRandom(seed);
        final JsonCursor cursor = new JsonCursor();
        final int cases = TestScale.pick(20_000, 200_000);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[32]);
        final UnsafeBuffer ref = new UnsafeBuffer(new byte[32]);
        int rejected = 0;
        for (int n = 0; n < cases; n++) {
            final int length = random.nextBoolean() ? 20 : 32;
            final int variant = random.nextInt(10);
            byte[] digits = new byte[2 * length];
            for (int i = 0; i < digits.length; i++) {
                digits[i] = HEX_DIGITS[random.nextInt(HEX_DIGITS.length)];
            }
            if (variant == 0) {
                digits = Arrays.copyOf(digits, digits.length + (random.nextBoolean() ? 1 : -1));
            } else if (variant == 1) {
                digits[random.nextInt(digits.length)] = NOT_HEX[random.nextInt(NOT_HEX.length)];
            } else if (variant == 2) {
                // an escaped quote inside: the right length, but not hex digits
                final int at = random.nextInt(digits.length - 1);
                digits[at] = '\\';
                digits[at + 1] = '"';
            }
            final String ws = random.nextBoolean() ? "" : WHITESPACE[random.nextInt(WHITESPACE.length)];
            final byte[] doc = concat(bytes("{\"h\":" + ws + "\"0x"), digits, bytes("\"}"));
            final int lead = random.nextInt(12);
            final UnsafeBuffer buffer = guarded(doc, lead, random.nextBoolean() ? 0 : random.nextInt(12));
            final String where = "seed=" + seed + " case=" + n + " " + new String(doc, StandardCharsets.ISO_8859_1);
            cursor.wrap(buffer, lead, doc.length);
            final boolean ok = cursor.expect('{') && cursor.nextMember(true) == JsonCursor.MORE && cursor.readHexBytes(out, 0, length)
                && cursor.nextMember(false) == JsonCursor.END && cursor.atEnd();
            final UnsafeBuffer digitBuffer = new UnsafeBuffer(digits);
            final boolean refOk = digits.length == 2 * length && Hex.decode(digitBuffer, 0, digits.length, ref, 0) == length;
            assertEquals(refOk, ok, where);
            if (ok) {
                assertArrayEquals(Arrays.copyOf(ref.byteArray(), length), Arrays.copyOf(out.byteArray(), length), where);
            } else {
                rejected++;
                assertInside(cursor, lead, doc.length, where);
            }
            for (int cut = 0; cut < doc.length; cut += 1 + random.nextInt(4)) {
                cursor.wrap(buffer, lead, cut);
                final boolean cutOk = cursor.expect('{') && cursor.nextMember(true) == JsonCursor.MORE
                    && cursor.readHexBytes(out, 0, length) && cursor.nextMember(false) == JsonCursor.END;
                assertFalse(cutOk, where + " cut " + cut);
                assertInside(cursor, lead, cut, where + " cut " + cut);
            }
        }
        assertTrue(rejected > cases / 10, "rejections " + rejected);
    }

    @Test
    void shouldDecodeEveryRealBlockTheSameWhateverItsWhitespace() {
        final BlockJsonDecoder decoder = new BlockJsonDecoder();
        int compared = 0;
        for (String file : EthFixtures.blockFiles()) {
            final byte[] json = EthFixtures.rpc(file);
            final int[] status = new int[1];
            final List<EthFixtures.Tx> original = EthFixtures.ourTransactions(decoder, json, status);
            final int originalStatus = status[0];
            final byte[] compact = EthFixtures.MAPPER.writeValueAsBytes(EthFixtures.MAPPER.readTree(json));
            final byte[] loose = new String(EthFixtures.MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(EthFixtures.MAPPER.readTree(json)), StandardCharsets.UTF_8)
                .replace("\n", "\r\n\t").replace(" : ", "\t:\n ").getBytes(StandardCharsets.UTF_8);
            for (byte[] variant : List.of(compact, loose)) {
                assertEquals(original, EthFixtures.ourTransactions(decoder, variant, status), file);
                assertEquals(originalStatus, status[0], file);
            }
            compared++;
        }
        assertTrue(compared >= 10, "block files " + compared);
    }

    private static String gap(final SplittableRandom random) {
        final int r = random.nextInt(10);
        if (r < 5) {
            return "";
        }
        if (r < 9) {
            return WHITESPACE[random.nextInt(WHITESPACE.length)];
        }
        // now and then a control byte (or DEL, or a Latin-1 byte) where only whitespace may be
        final char[] odd = {'\u0000', '\u0001', '\u000b', '\u000c', '\u001f', '\u007f', '\u00a0'};
        final String ws = WHITESPACE[random.nextInt(WHITESPACE.length)];
        final int at = random.nextInt(ws.length() + 1);
        return ws.substring(0, at) + odd[random.nextInt(odd.length)] + ws.substring(at);
    }

    private static byte[] randomKey(final SplittableRandom random) {
        final int target = random.nextInt(4) == 0 ? random.nextInt(25) : 6 + random.nextInt(12);
        final StringBuilder sb = new StringBuilder();
        while (sb.length() < target) {
            if (random.nextInt(12) == 0) {
                sb.append(KEY_ESCAPES[random.nextInt(KEY_ESCAPES.length)]);
            } else {
                sb.append((char)KEY_PIECES_PLAIN[random.nextInt(KEY_PIECES_PLAIN.length)]);
            }
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The key's raw bytes as two little-endian words, both zero beyond sixteen bytes. */
    private static long[] referenceKeyWords(final byte[] key) {
        final long[] words = new long[2];
        if (key.length <= 2 * Long.BYTES) {
            for (int i = 0; i < key.length; i++) {
                words[i / Long.BYTES] |= (key[i] & 0xFFL) << (8 * (i % Long.BYTES));
            }
        }
        return words;
    }

    private static int significantDigits(final byte[] digits) {
        int i = 0;
        while (i < digits.length - 1 && digits[i] == '0') {
            i++;
        }
        return digits.length - i;
    }

    /** {@code doc} at offset {@code lead} of a buffer whose other bytes are {@link #GUARD} bytes. */
    private static UnsafeBuffer guarded(final byte[] doc, final int lead, final int trail) {
        final byte[] all = new byte[lead + doc.length + trail];
        for (int i = 0; i < all.length; i++) {
            all[i] = GUARD[i % GUARD.length];
        }
        System.arraycopy(doc, 0, all, lead, doc.length);
        return new UnsafeBuffer(all);
    }

    private static void assertInside(final JsonCursor cursor, final int offset, final int length, final String where) {
        assertTrue(cursor.error() != JsonError.OK, where);
        assertTrue(JsonError.name(cursor.error()).indexOf("UNKNOWN") < 0, where);
        assertTrue(cursor.errorOffset() >= offset && cursor.errorOffset() <= offset + length,
            where + ": error offset " + cursor.errorOffset() + " outside [" + offset + ", " + (offset + length) + "]");
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(final byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        final byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static boolean jacksonAccepts(final byte[] bytes) {
        try {
            EthFixtures.MAPPER.readTree(bytes);
            return true;
        } catch (JacksonException e) {
            return false;
        }
    }
}
