package io.finality.core.amount;

import java.math.BigInteger;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A mutable unsigned 128-bit integer for wei and token base units (an ERC-20 {@code uint256} amount that
 * does not fit is reported as {@link #OVERFLOW}, never truncated).
 *
 * <p>Why mutable: the hot path (scanner, state engine, codec) keeps one instance per field and reuses it,
 * so arithmetic, comparison, {@link #parse(DirectBuffer, int, int, int) parsing} and
 * {@link #format(int, MutableDirectBuffer, int) formatting} allocate nothing. Overflow and underflow are
 * detected and reported by a {@code false} return; the target is then left unchanged. The static
 * methods work on raw {@code (hi, lo)} pairs, e.g. straight from a decoder's fields.
 *
 * <p>Not thread-safe: an instance belongs to the thread that uses it (typically one stage of the
 * pipeline). The static methods are stateless and safe from any thread. {@link BigInteger} appears only
 * in the edge methods {@link #toBigInteger()} and {@link #set(BigInteger)}.
 */
public final class U128 implements Comparable<U128> {
    /** Parse succeeded. */
    public static final int OK = 0;
    /** Parse input was empty. */
    public static final int EMPTY = 1;
    /** Parse input started with a minus sign: amounts are unsigned. */
    public static final int NEGATIVE = 2;
    /** Parse input had a character other than digits and one decimal point, or a misplaced point. */
    public static final int INVALID = 3;
    /** Parse input had more fraction digits than the asset's decimals: it is not a whole number of base units. */
    public static final int TOO_PRECISE = 4;
    /** The value exceeds {@code 2^128 - 1}. */
    public static final int OVERFLOW = 5;
    /** The decimals argument was outside {@code 0..}{@value #MAX_DECIMALS}. */
    public static final int BAD_DECIMALS = 6;

    /** Largest supported number of decimals: {@code 10^38 < 2^128 < 10^39}. */
    public static final int MAX_DECIMALS = 38;
    /** Digits of {@code 2^128 - 1}: the longest base-unit decimal string. */
    public static final int MAX_DIGITS = 39;
    /** Longest output of {@link #format(int, MutableDirectBuffer, int)}: {@code "0."} plus 38 digits, or 39 digits and a point. */
    public static final int MAX_FORMATTED_LENGTH = MAX_DECIMALS + 2;
    /** The denominator of {@link #mulDivBasisPoints(int)}: 10,000 basis points are 100 %. */
    public static final int BASIS_POINTS = 10_000;

    private static final long MASK32 = 0xFFFF_FFFFL;
    private static final long CHUNK = 1_000_000_000L;
    private static final long MAX_HI_TIMES_10 = 0x1999_9999_9999_9999L;
    private static final BigInteger MAX_VALUE = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private long hi;
    private long lo;
    /** Reversed digits for {@link #format}: five chunks of nine, enough for 39 digits and the zero padding. */
    private final byte[] digits = new byte[45];

    /** Zero. */
    public U128() {
    }

    /** A value from its high and low 64 bits (both unsigned). */
    public U128(final long hi, final long lo) {
        this.hi = hi;
        this.lo = lo;
    }

    /** The high 64 bits, as an unsigned long. */
    public long hi() {
        return hi;
    }

    /** The low 64 bits, as an unsigned long. */
    public long lo() {
        return lo;
    }

    /** Set the value from its high and low 64 bits. */
    public U128 set(final long hi, final long lo) {
        this.hi = hi;
        this.lo = lo;
        return this;
    }

    /** Set the value to an unsigned 64-bit value (e.g. satoshis). */
    public U128 set(final long unsignedLo) {
        return set(0, unsignedLo);
    }

    /** Copy another value. */
    public U128 set(final U128 other) {
        return set(other.hi, other.lo);
    }

    /** Zero the value. */
    public U128 zero() {
        return set(0, 0);
    }

    public boolean isZero() {
        return (hi | lo) == 0;
    }

    /** Whether {@code (hi, lo)} is zero. */
    public static boolean isZero(final long hi, final long lo) {
        return (hi | lo) == 0;
    }

    /** Unsigned comparison of two {@code (hi, lo)} pairs: negative, zero or positive as {@code a <, ==, > b}. */
    public static int compare(final long aHi, final long aLo, final long bHi, final long bLo) {
        final int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }

    /** Unsigned comparison with {@code (hi, lo)}. */
    public int compareTo(final long otherHi, final long otherLo) {
        return compare(hi, lo, otherHi, otherLo);
    }

    @Override
    public int compareTo(final U128 other) {
        return compare(hi, lo, other.hi, other.lo);
    }

    /**
     * Add {@code (addHi, addLo)}.
     *
     * @return {@code false} if the sum exceeds {@code 2^128 - 1}; the value is then unchanged.
     */
    public boolean add(final long addHi, final long addLo) {
        final long sumLo = lo + addLo;
        final long carry = Long.compareUnsigned(sumLo, lo) < 0 ? 1 : 0;
        final long partHi = hi + addHi;
        final long sumHi = partHi + carry;
        if (Long.compareUnsigned(partHi, hi) < 0 || (carry != 0 && sumHi == 0)) {
            return false;
        }
        hi = sumHi;
        lo = sumLo;
        return true;
    }

    /** As {@link #add(long, long)}. */
    public boolean add(final U128 other) {
        return add(other.hi, other.lo);
    }

    /**
     * Subtract {@code (subHi, subLo)}.
     *
     * @return {@code false} if the subtrahend is larger (the result would be negative); the value is then unchanged.
     */
    public boolean sub(final long subHi, final long subLo) {
        if (compare(hi, lo, subHi, subLo) < 0) {
            return false;
        }
        final long borrow = Long.compareUnsigned(lo, subLo) < 0 ? 1 : 0;
        lo = lo - subLo;
        hi = hi - subHi - borrow;
        return true;
    }

    /** As {@link #sub(long, long)}. */
    public boolean sub(final U128 other) {
        return sub(other.hi, other.lo);
    }

    /**
     * Replace the value by {@code floor(value * bps / 10000)}, computed exactly: the product is held in
     * 160 bits, so no intermediate overflows. Used for tolerances, e.g. "accept 99.5 %" is 9950 bps.
     *
     * @param bps basis points, {@code >= 0}; above {@value #BASIS_POINTS} the result can exceed the input.
     * @return {@code false} if the result exceeds {@code 2^128 - 1} (only possible with bps &gt; 10000); value unchanged.
     * @throws IllegalArgumentException if bps is negative: a configuration bug, rejected where policies are loaded.
     */
    public boolean mulDivBasisPoints(final int bps) {
        if (bps < 0) {
            throw new IllegalArgumentException("basis points must be >= 0, was " + bps);
        }
        // 32-bit limbs: limb * bps < 2^63, so each partial product plus carry fits an unsigned long.
        long p = (lo & MASK32) * bps;
        final long r0 = p & MASK32;
        p = (lo >>> 32) * bps + (p >>> 32);
        final long r1 = p & MASK32;
        p = (hi & MASK32) * bps + (p >>> 32);
        final long r2 = p & MASK32;
        p = (hi >>> 32) * bps + (p >>> 32);
        final long r3 = p & MASK32;
        final long r4 = p >>> 32;

        // Long division by 10000 from the top limb: the remainder stays below 10000, so rem << 32 < 2^46.
        final long q4 = r4 / BASIS_POINTS;
        long rem = r4 % BASIS_POINTS;
        long cur = (rem << 32) | r3;
        final long q3 = cur / BASIS_POINTS;
        rem = cur % BASIS_POINTS;
        cur = (rem << 32) | r2;
        final long q2 = cur / BASIS_POINTS;
        rem = cur % BASIS_POINTS;
        cur = (rem << 32) | r1;
        final long q1 = cur / BASIS_POINTS;
        rem = cur % BASIS_POINTS;
        cur = (rem << 32) | r0;
        final long q0 = cur / BASIS_POINTS;
        if (q4 != 0) {
            return false;
        }
        hi = (q3 << 32) | q2;
        lo = (q1 << 32) | q0;
        return true;
    }

    /**
     * Parse a non-negative decimal amount in display units ({@code "1.5"}) into base units, given the
     * asset's decimals ({@code "1.5"} with 18 decimals is {@code 1500000000000000000}). Accepts digits with
     * at most one decimal point that has digits on both sides; rejects signs, exponents, spaces, and more
     * fraction digits than {@code decimals} (even zeros: the input is not a whole number of base units at
     * that scale). Allocation-free; never throws.
     *
     * @return {@link #OK} (the value is set) or an error code for {@link #describe(int)} (the value is unchanged).
     */
    public int parse(final DirectBuffer src, final int offset, final int length, final int decimals) {
        return parse(src, null, offset, length, decimals);
    }

    /** As {@link #parse(DirectBuffer, int, int, int)} over the whole of a character sequence. */
    public int parse(final CharSequence src, final int decimals) {
        return parse(null, src, 0, src.length(), decimals);
    }

    /**
     * Parse at the API edge: a new value, or an exception that says what is wrong.
     *
     * @throws IllegalArgumentException naming the input, the decimals and the reason.
     */
    public static U128 parseDecimal(final CharSequence text, final int decimals) {
        final U128 value = new U128();
        final int code = value.parse(text, decimals);
        if (code != OK) {
            throw new IllegalArgumentException(
                "cannot parse amount '" + text + "' with " + decimals + " decimals: " + describe(code));
        }
        return value;
    }

    private int parse(final DirectBuffer buf, final CharSequence chars, final int offset, final int length, final int decimals) {
        if (decimals < 0 || decimals > MAX_DECIMALS) {
            return BAD_DECIMALS;
        }
        if (length <= 0) {
            return EMPTY;
        }
        if (charAt(buf, chars, offset) == '-') {
            return NEGATIVE;
        }
        long h = 0;
        long l = 0;
        int intDigits = 0;
        int fracDigits = 0;
        boolean point = false;
        for (int i = offset, end = offset + length; i < end; i++) {
            final int c = charAt(buf, chars, i);
            if (c == '.') {
                if (point || intDigits == 0) {
                    return INVALID;
                }
                point = true;
                continue;
            }
            if (c < '0' || c > '9') {
                return INVALID;
            }
            if (point) {
                if (++fracDigits > decimals) {
                    return TOO_PRECISE;
                }
            } else {
                intDigits++;
            }
            // value = value * 10 + digit, refusing to wrap.
            if (Long.compareUnsigned(h, MAX_HI_TIMES_10) > 0) {
                return OVERFLOW;
            }
            final long h10 = h * 10;
            long nh = h10 + Math.unsignedMultiplyHigh(l, 10);
            if (Long.compareUnsigned(nh, h10) < 0) {
                return OVERFLOW;
            }
            final long l10 = l * 10;
            final long nl = l10 + (c - '0');
            if (Long.compareUnsigned(nl, l10) < 0) {
                if (nh == -1L) {
                    return OVERFLOW;
                }
                nh++;
            }
            h = nh;
            l = nl;
        }
        if (point && fracDigits == 0) {
            return INVALID;
        }
        for (int i = fracDigits; i < decimals; i++) {
            if (Long.compareUnsigned(h, MAX_HI_TIMES_10) > 0) {
                return OVERFLOW;
            }
            final long h10 = h * 10;
            final long nh = h10 + Math.unsignedMultiplyHigh(l, 10);
            if (Long.compareUnsigned(nh, h10) < 0) {
                return OVERFLOW;
            }
            h = nh;
            l = l * 10;
        }
        hi = h;
        lo = l;
        return OK;
    }

    private static int charAt(final DirectBuffer buf, final CharSequence chars, final int index) {
        return buf != null ? buf.getByte(index) & 0xFF : chars.charAt(index);
    }

    /**
     * Write the value as a decimal in display units with {@code decimals} decimals, trailing fraction zeros
     * trimmed and no point for whole values ({@code 1500000000000000000} with 18 decimals is {@code "1.5"},
     * zero is {@code "0"}). ASCII, no allocation; writes at most {@value #MAX_FORMATTED_LENGTH} bytes.
     *
     * @param decimals {@code 0..}{@value #MAX_DECIMALS}; values outside are clamped into that range.
     * @return the number of bytes written.
     */
    public int format(final int decimals, final MutableDirectBuffer dst, final int offset) {
        final int scale = Math.max(0, Math.min(MAX_DECIMALS, decimals));
        final byte[] rev = digits;
        int n = reversedDigits(rev);
        if (n == 0) {
            dst.putByte(offset, (byte)'0');
            return 1;
        }
        while (n <= scale) {
            rev[n++] = '0';
        }
        int trailing = 0;
        while (trailing < scale && rev[trailing] == '0') {
            trailing++;
        }
        int pos = offset;
        for (int i = n - 1; i >= scale; i--) {
            dst.putByte(pos++, rev[i]);
        }
        if (trailing < scale) {
            dst.putByte(pos++, (byte)'.');
            for (int i = scale - 1; i >= trailing; i--) {
                dst.putByte(pos++, rev[i]);
            }
        }
        return pos - offset;
    }

    /** Fill {@code rev} with the base-10 digits, least significant first, without leading zeros; return the count. */
    private int reversedDigits(final byte[] rev) {
        long a3 = hi >>> 32;
        long a2 = hi & MASK32;
        long a1 = lo >>> 32;
        long a0 = lo & MASK32;
        int n = 0;
        while ((a3 | a2 | a1 | a0) != 0) {
            // Divide the four 32-bit limbs by 10^9; the remainder (< 2^30) shifted by 32 still fits a long.
            long cur = a3;
            a3 = cur / CHUNK;
            cur = ((cur % CHUNK) << 32) | a2;
            a2 = cur / CHUNK;
            cur = ((cur % CHUNK) << 32) | a1;
            a1 = cur / CHUNK;
            cur = ((cur % CHUNK) << 32) | a0;
            a0 = cur / CHUNK;
            long chunk = cur % CHUNK;
            for (int k = 0; k < 9; k++) {
                rev[n++] = (byte)('0' + chunk % 10);
                chunk /= 10;
            }
        }
        while (n > 0 && rev[n - 1] == '0') {
            n--;
        }
        return n;
    }

    /** The display string (edge use: API, logs, JSON), as {@link #format(int, MutableDirectBuffer, int)}. */
    public String toDecimalString(final int decimals) {
        final byte[] out = new byte[MAX_FORMATTED_LENGTH];
        final int len = format(decimals, new UnsafeBuffer(out), 0);
        return new String(out, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The value in base units, in decimal. */
    @Override
    public String toString() {
        return toDecimalString(0);
    }

    /** Edge conversion, e.g. for tests against a reference. */
    public BigInteger toBigInteger() {
        final BigInteger high = new BigInteger(Long.toUnsignedString(hi));
        return high.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(lo)));
    }

    /**
     * Set from a {@link BigInteger} (edge use).
     *
     * @throws IllegalArgumentException if the value is negative or exceeds {@code 2^128 - 1}.
     */
    public U128 set(final BigInteger value) {
        if (value.signum() < 0 || value.compareTo(MAX_VALUE) > 0) {
            throw new IllegalArgumentException("not an unsigned 128-bit value: " + value);
        }
        return set(value.shiftRight(64).longValue(), value.longValue());
    }

    /** A new value from a {@link BigInteger} (edge use); see {@link #set(BigInteger)}. */
    public static U128 fromBigInteger(final BigInteger value) {
        return new U128().set(value);
    }

    /** A clear message for a parse result code. */
    public static String describe(final int code) {
        switch (code) {
            case OK:
                return "ok";
            case EMPTY:
                return "empty amount";
            case NEGATIVE:
                return "negative amount (amounts are unsigned)";
            case INVALID:
                return "not a decimal number (digits with at most one '.' between digits)";
            case TOO_PRECISE:
                return "too precise (more fraction digits than the asset's decimals)";
            case OVERFLOW:
                return "too large (exceeds 2^128-1 base units)";
            case BAD_DECIMALS:
                return "decimals must be 0.." + MAX_DECIMALS;
            default:
                return "unknown result code " + code;
        }
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof U128 other && other.hi == hi && other.lo == lo;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi) * 31 + Long.hashCode(lo);
    }
}
