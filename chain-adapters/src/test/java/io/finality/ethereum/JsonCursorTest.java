package io.finality.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.test.TestScale;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

/**
 * The cursor's word-at-a-time string scan and its iterative skip against Jackson (the reference parser)
 * on seeded random documents: strings with quotes, escapes, control bytes and multi-byte UTF-8 at every
 * alignment; nested objects and arrays; and every truncation of a valid document.
 */
class JsonCursorTest {
    private static final String[] PIECES = {
        "a", "0", "x", "f", "\\\"", "\\\\", "\\n", "\\u0041", "\u00e9", "\u20ac", " ", "abcdefgh", "0123456789abcdef",
    };

    @Test
    void shouldAcceptAndRejectStringsExactlyAsJackson() {
        final long seed = TestScale.seed(0xC0FFEEL);
        final SplittableRandom random = new SplittableRandom(seed);
        final JsonCursor cursor = new JsonCursor();
        final int cases = TestScale.pick(20_000, 200_000);
        int rejected = 0;
        for (int n = 0; n < cases; n++) {
            final ByteArrayOutputStream doc = new ByteArrayOutputStream();
            final int pad = random.nextInt(8);
            doc.writeBytes("{\"pad\":\"".getBytes(StandardCharsets.UTF_8));
            doc.writeBytes("p".repeat(pad).getBytes(StandardCharsets.UTF_8));
            doc.writeBytes("\",\"s\":\"".getBytes(StandardCharsets.UTF_8));
            final int parts = random.nextInt(12);
            for (int i = 0; i < parts; i++) {
                final int r = random.nextInt(40);
                if (r == 0) {
                    doc.write(random.nextInt(0x20));
                } else if (r == 1) {
                    doc.write('"');
                } else {
                    doc.writeBytes(PIECES[random.nextInt(PIECES.length)].getBytes(StandardCharsets.UTF_8));
                }
            }
            doc.writeBytes("\",\"n\":[1,{\"a\":null,\"b\":[true,false]}]}  ".getBytes(StandardCharsets.UTF_8));
            final byte[] bytes = doc.toByteArray();
            final boolean jackson = jacksonAccepts(bytes);
            cursor.wrap(new UnsafeBuffer(bytes), 0, bytes.length);
            final boolean ours = cursor.skipValue() && cursor.atEnd();
            assertEquals(jackson, ours, () -> "seed=" + seed + " doc=" + new String(bytes, StandardCharsets.UTF_8));
            if (!ours) {
                rejected++;
                assertTrue(cursor.errorOffset() >= 0 && cursor.errorOffset() <= bytes.length);
            }
        }
        assertTrue(rejected > cases / 20 && rejected < cases - cases / 20, "both outcomes must occur: rejected " + rejected);
    }

    @Test
    void shouldSkipNestedDocumentsAndRejectEveryTruncation() {
        final long seed = TestScale.seed(0xBEEFL);
        final SplittableRandom random = new SplittableRandom(seed);
        final JsonCursor cursor = new JsonCursor();
        for (int n = 0; n < TestScale.pick(300, 3_000); n++) {
            final StringBuilder sb = new StringBuilder();
            value(sb, random, 0);
            final byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            assertTrue(jacksonAccepts(bytes), sb::toString);
            cursor.wrap(new UnsafeBuffer(bytes), 0, bytes.length);
            assertTrue(cursor.skipValue() && cursor.atEnd(), () -> "seed=" + seed + " " + sb);
            for (int cut = 0; cut < bytes.length; cut++) {
                cursor.wrap(new UnsafeBuffer(bytes), 0, cut);
                final boolean ok = cursor.skipValue() && cursor.atEnd();
                final boolean scalarPrefix = cut > 0 && Character.isDigit(bytes[cut - 1]) && bytes[0] != '{' && bytes[0] != '[';
                if (!scalarPrefix) {
                    assertFalse(ok, "seed=" + seed + " cut " + cut + " of " + sb);
                }
            }
        }
    }

    private static void value(final StringBuilder sb, final SplittableRandom random, final int depth) {
        final int kind = depth > 5 ? 3 + random.nextInt(3) : random.nextInt(6);
        switch (kind) {
            case 0, 1 -> {
                sb.append('{');
                final int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",").append(random.nextBoolean() ? " " : "").append("\"k").append(i).append("\" : ");
                    value(sb, random, depth + 1);
                }
                sb.append('}');
            }
            case 2 -> {
                sb.append('[');
                final int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",\n ");
                    value(sb, random, depth + 1);
                }
                sb.append(']');
            }
            case 3 -> sb.append("\"0x").append(Long.toHexString(random.nextLong())).append("\\\"q\"");
            case 4 -> sb.append(random.nextInt(1000));
            default -> sb.append(random.nextBoolean() ? "null" : "true");
        }
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
