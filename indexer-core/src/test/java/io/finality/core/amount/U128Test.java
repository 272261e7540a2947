package io.finality.core.amount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.test.TestScale;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Differential tests of {@link U128} against {@link BigInteger} on seeded random values mixed with the
 * edges; every failure message carries the seed ({@code -Dfinality.seed=...} replays it).
 */
class U128Test {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    private static final BigInteger[] EDGES = {
        BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, BigInteger.TEN,
        BigInteger.ONE.shiftLeft(63), TWO_64.subtract(BigInteger.ONE), TWO_64, TWO_64.add(BigInteger.ONE),
        BigInteger.ONE.shiftLeft(127), MAX.subtract(BigInteger.ONE), MAX,
        BigInteger.TEN.pow(18), BigInteger.TEN.pow(38), BigInteger.TEN.pow(38).subtract(BigInteger.ONE),
    };
    private static final int[] DECIMALS = {0, 6, 8, 18, 38};

    private final long seed = TestScale.seed(0xF1_2026_1121L);
    private final int cases = TestScale.pick(100_000, 5_000_000);

    private Supplier<String> ctx(final int i, final Object... inputs) {
        return () -> "seed=" + seed + " case=" + i + " inputs=" + java.util.Arrays.toString(inputs);
    }

    /** Random values biased to the interesting places: edges, near edges, all bit lengths. */
    private static BigInteger randomValue(final SplittableRandom rnd) {
        switch (rnd.nextInt(6)) {
            case 0:
                return EDGES[rnd.nextInt(EDGES.length)];
            case 1:
                return EDGES[rnd.nextInt(EDGES.length)].add(BigInteger.valueOf(rnd.nextInt(5) - 2)).max(BigInteger.ZERO).min(MAX);
            case 2:
                return BigInteger.valueOf(rnd.nextLong(1_000_000));
            case 3:
                return new BigInteger(1 + rnd.nextInt(128), new java.util.Random(rnd.nextLong()));
            case 4:
                return new BigInteger(Long.toUnsignedString(rnd.nextLong()));
            default:
                return new BigInteger(128, new java.util.Random(rnd.nextLong()));
        }
    }

    private static U128 u(final BigInteger v) {
        return U128.fromBigInteger(v);
    }

    @Test
    void shouldRoundTripBigIntegerAtEdges() {
        for (BigInteger edge : EDGES) {
            final U128 v = u(edge);
            assertEquals(edge, v.toBigInteger());
            assertEquals(edge.toString(), v.toString());
            assertEquals(edge.signum() == 0, v.isZero());
        }
        assertEquals(-1L, u(MAX).hi());
        assertEquals(-1L, u(MAX).lo());
        assertEquals(1L, u(TWO_64).hi());
        assertEquals(0L, u(TWO_64).lo());
        assertThrows(IllegalArgumentException.class, () -> u(MAX.add(BigInteger.ONE)));
        assertThrows(IllegalArgumentException.class, () -> u(BigInteger.ONE.negate()));
    }

    @Test
    void shouldAddLikeBigIntegerAndRefuseOverflow() {
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < cases + EDGES.length * EDGES.length; i++) {
            final BigInteger a = i < EDGES.length * EDGES.length ? EDGES[i / EDGES.length] : randomValue(rnd);
            final BigInteger b = i < EDGES.length * EDGES.length ? EDGES[i % EDGES.length] : randomValue(rnd);
            final BigInteger expected = a.add(b);
            final U128 v = u(a);
            final boolean ok = v.add(u(b));
            if (expected.compareTo(MAX) > 0) {
                assertFalse(ok, ctx(i, a, b));
                assertEquals(a, v.toBigInteger(), ctx(i, a, b));
            } else {
                assertTrue(ok, ctx(i, a, b));
                assertEquals(expected, v.toBigInteger(), ctx(i, a, b));
            }
        }
    }

    @Test
    void shouldSubtractLikeBigIntegerAndRefuseUnderflow() {
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < cases + EDGES.length * EDGES.length; i++) {
            final BigInteger a = i < EDGES.length * EDGES.length ? EDGES[i / EDGES.length] : randomValue(rnd);
            final BigInteger b = i < EDGES.length * EDGES.length ? EDGES[i % EDGES.length] : randomValue(rnd);
            final BigInteger expected = a.subtract(b);
            final U128 v = u(a);
            final boolean ok = v.sub(u(b));
            if (expected.signum() < 0) {
                assertFalse(ok, ctx(i, a, b));
                assertEquals(a, v.toBigInteger(), ctx(i, a, b));
            } else {
                assertTrue(ok, ctx(i, a, b));
                assertEquals(expected, v.toBigInteger(), ctx(i, a, b));
            }
        }
    }

    @Test
    void shouldCompareUnsignedLikeBigInteger() {
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < cases + EDGES.length * EDGES.length; i++) {
            final BigInteger a = i < EDGES.length * EDGES.length ? EDGES[i / EDGES.length] : randomValue(rnd);
            final BigInteger b = i < EDGES.length * EDGES.length ? EDGES[i % EDGES.length] : randomValue(rnd);
            final U128 ua = u(a);
            final U128 ub = u(b);
            assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(ua.compareTo(ub)), ctx(i, a, b));
            assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(U128.compare(ua.hi(), ua.lo(), ub.hi(), ub.lo())), ctx(i, a, b));
            assertEquals(a.equals(b), ua.equals(ub), ctx(i, a, b));
            assertEquals(a.signum() == 0, ua.isZero(), ctx(i, a, b));
        }
    }

    @Test
    void shouldMulDivBasisPointsExactlyWithFloor() {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final int[] bpsEdges = {0, 1, 9950, 9999, 10_000, 10_001, 20_000, Integer.MAX_VALUE};
        final BigInteger tenThousand = BigInteger.valueOf(U128.BASIS_POINTS);
        for (int i = 0; i < cases; i++) {
            final BigInteger a = i < EDGES.length * bpsEdges.length ? EDGES[i % EDGES.length] : randomValue(rnd);
            final int bps = i < EDGES.length * bpsEdges.length ? bpsEdges[i / EDGES.length]
                : rnd.nextInt(4) == 0 ? rnd.nextInt(Integer.MAX_VALUE) : rnd.nextInt(20_001);
            final BigInteger expected = a.multiply(BigInteger.valueOf(bps)).divide(tenThousand);
            final U128 v = u(a);
            final boolean ok = v.mulDivBasisPoints(bps);
            if (expected.compareTo(MAX) > 0) {
                assertFalse(ok, ctx(i, a, bps));
                assertEquals(a, v.toBigInteger(), ctx(i, a, bps));
            } else {
                assertTrue(ok, ctx(i, a, bps));
                assertEquals(expected, v.toBigInteger(), ctx(i, a, bps));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new U128(0, 1).mulDivBasisPoints(-1));
    }

    @Test
    void shouldFormatLikeBigDecimalAndParseBack() {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final byte[] out = new byte[U128.MAX_FORMATTED_LENGTH + 8];
        final UnsafeBuffer outBuffer = new UnsafeBuffer(out);
        final U128 parsed = new U128();
        for (int i = 0; i < cases; i++) {
            final BigInteger a = randomValue(rnd);
            final int decimals = rnd.nextBoolean() ? DECIMALS[rnd.nextInt(DECIMALS.length)] : rnd.nextInt(U128.MAX_DECIMALS + 1);
            final String expected = new BigDecimal(a, decimals).stripTrailingZeros().toPlainString();
            final U128 v = u(a);
            final int len = v.format(decimals, outBuffer, 3);
            assertEquals(expected, new String(out, 3, len, StandardCharsets.US_ASCII), ctx(i, a, decimals));
            assertEquals(U128.OK, parsed.parse(outBuffer, 3, len, decimals), ctx(i, a, decimals));
            assertEquals(a, parsed.toBigInteger(), ctx(i, a, decimals));
            // The zero-padded form ("1.500" with 3+ decimals) parses to the same value as long as it is not too precise.
            final String padded = new BigDecimal(a, decimals).toPlainString();
            assertEquals(U128.OK, parsed.zero().parse(padded, decimals), ctx(i, a, decimals, padded));
            assertEquals(a, parsed.toBigInteger(), ctx(i, a, decimals, padded));
        }
    }

    @Test
    void shouldFormatKnownAmounts() {
        assertEquals("1.5", new U128(0, 1_500_000_000_000_000_000L).toDecimalString(18));
        assertEquals("0", new U128().toDecimalString(18));
        assertEquals("0.00000001", new U128(0, 1).toDecimalString(8));
        assertEquals("340282366920938463463374607431768211455", u(MAX).toDecimalString(0));
        assertEquals("3.40282366920938463463374607431768211455", u(MAX).toDecimalString(38));
        assertEquals("1500000000000000000", U128.parseDecimal("1.5", 18).toString());
    }

    /**
     * Reference parser: the first error in reading order, with BigInteger arithmetic. The accepted grammar is
     * checked independently against a regular expression and BigDecimal in the random test.
     */
    private static int referenceParse(final String s, final int decimals, final BigInteger[] value) {
        if (s.isEmpty()) {
            return U128.EMPTY;
        }
        if (s.charAt(0) == '-') {
            return U128.NEGATIVE;
        }
        BigInteger v = BigInteger.ZERO;
        int intDigits = 0;
        int frac = 0;
        boolean point = false;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '.') {
                if (point || intDigits == 0) {
                    return U128.INVALID;
                }
                point = true;
                continue;
            }
            if (c < '0' || c > '9') {
                return U128.INVALID;
            }
            if (point) {
                if (++frac > decimals) {
                    return U128.TOO_PRECISE;
                }
            } else {
                intDigits++;
            }
            v = v.multiply(BigInteger.TEN).add(BigInteger.valueOf(c - '0'));
            if (v.compareTo(MAX) > 0) {
                return U128.OVERFLOW;
            }
        }
        if (point && frac == 0) {
            return U128.INVALID;
        }
        v = v.multiply(BigInteger.TEN.pow(decimals - frac));
        if (v.compareTo(MAX) > 0) {
            return U128.OVERFLOW;
        }
        value[0] = v;
        return U128.OK;
    }

    @Test
    void shouldParseRandomTextLikeReference() {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final String alphabet = "0123456789012345678901234567890123456789.-+ ex";
        final BigInteger[] ref = new BigInteger[1];
        final U128 v = new U128();
        for (int i = 0; i < cases; i++) {
            final int decimals = DECIMALS[rnd.nextInt(DECIMALS.length)];
            final StringBuilder sb = new StringBuilder();
            final int len = rnd.nextInt(4) == 0 ? rnd.nextInt(8) : rnd.nextInt(60);
            final boolean clean = rnd.nextBoolean();
            for (int k = 0; k < len; k++) {
                sb.append(clean && rnd.nextInt(20) != 0 ? (char)('0' + rnd.nextInt(10)) : alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            final String s = sb.toString();
            final int expected = referenceParse(s, decimals, ref);
            v.set(0x5A5AL, 0xA5A5L);
            final int code = v.parse(s, decimals);
            assertEquals(expected, code, ctx(i, s, decimals));
            final boolean grammar = s.matches("[0-9]+(\\.[0-9]{1," + Math.max(1, decimals) + "})?")
                && (decimals > 0 || s.indexOf('.') < 0);
            final boolean fits = grammar && new BigDecimal(s).movePointRight(decimals).toBigIntegerExact().compareTo(MAX) <= 0;
            assertEquals(fits, code == U128.OK, ctx(i, s, decimals));
            if (code == U128.OK) {
                assertEquals(ref[0], v.toBigInteger(), ctx(i, s, decimals));
                assertEquals(new BigDecimal(s).movePointRight(decimals).toBigIntegerExact(), v.toBigInteger(), ctx(i, s, decimals));
            } else {
                assertEquals(new U128(0x5A5AL, 0xA5A5L), v, ctx(i, s, decimals));
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(("##" + s).getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(expected, new U128().parse(buffer, 2, s.length(), decimals), ctx(i, s, decimals));
        }
    }

    @Test
    void shouldRejectBadInputWithClearCodesAndMessages() {
        final U128 v = new U128();
        assertEquals(U128.EMPTY, v.parse("", 18));
        assertEquals(U128.NEGATIVE, v.parse("-1", 18));
        assertEquals(U128.INVALID, v.parse("1e18", 18));
        assertEquals(U128.INVALID, v.parse(".5", 18));
        assertEquals(U128.INVALID, v.parse("5.", 18));
        assertEquals(U128.INVALID, v.parse("1.2.3", 18));
        assertEquals(U128.INVALID, v.parse(" 1", 18));
        assertEquals(U128.INVALID, v.parse("+1", 18));
        assertEquals(U128.TOO_PRECISE, v.parse("0.1234567", 6));
        assertEquals(U128.TOO_PRECISE, v.parse("1.0", 0));
        assertEquals(U128.OK, v.parse("340282366920938463463374607431768211455", 0));
        assertEquals(MAX, v.toBigInteger());
        assertEquals(U128.OVERFLOW, v.parse("340282366920938463463374607431768211456", 0));
        assertEquals(U128.OVERFLOW, v.parse("3.5", 38));
        assertEquals(U128.OK, v.parse("3.4", 38));
        assertEquals(U128.BAD_DECIMALS, v.parse("1", 39));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> U128.parseDecimal("1.1234567", 6));
        assertEquals("cannot parse amount '1.1234567' with 6 decimals: too precise (more fraction digits than the asset's decimals)",
            ex.getMessage());
        assertTrue(U128.describe(U128.OVERFLOW).contains("2^128-1"));
    }

    @Test
    void shouldNotAllocateOnArithmeticParseOrFormat() {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final UnsafeBuffer text = new UnsafeBuffer("123456789.123456789012345678".getBytes(StandardCharsets.US_ASCII));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final U128 a = new U128();
        final U128 b = new U128(0, 12345);
        long sink = 0;
        for (int round = 0; round < 2; round++) {
            final long before = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
            for (int i = 0; i < 20_000; i++) {
                sink += a.parse(text, 0, text.capacity(), 18);
                sink += a.add(b) ? 1 : 0;
                sink += a.sub(b) ? 1 : 0;
                sink += a.mulDivBasisPoints(9950) ? 1 : 0;
                sink += a.format(18, out, 0);
                sink += a.compareTo(b);
            }
            final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
            if (round == 1) {
                // A few hundred bytes of slack for the MXBean call itself; one allocation per iteration would be >= 320 KB.
                assertTrue(allocated < 4096, "allocated " + allocated + " bytes in 20,000 iterations (sink " + sink + ")");
            }
        }
    }
}
