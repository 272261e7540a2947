package io.finality.ethereum;

import io.finality.core.buffer.Hex;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A forward-only JSON reader over UTF-8 bytes in a {@link DirectBuffer}, reading tokens in place: strings
 * are reported as byte ranges (never copied or unescaped), hex fields are decoded straight into caller
 * buffers or into four 64-bit words, and unwanted values are skipped without recursion.
 *
 * <p>Every read checks that it stays below the limit before touching a byte (word-at-a-time reads of
 * strings, whitespace and hex check that all eight bytes are inside), so malformed or truncated input
 * can never read out of bounds. The first failure is latched as {@link #error()} with {@link #errorOffset()};
 * every later call then fails too, which lets callers chain reads and test once.
 *
 * <p>Limits: nesting deeper than {@value #MAX_DEPTH} levels fails with {@link JsonError#TOO_DEEP} (the
 * skip stack is one {@code long} of bits). Escapes are honoured when skipping a string, but a string that
 * must be hex may not contain any.
 *
 * <p>Thread rules: not thread-safe; one instance per decoder, reused for every input. Allocates nothing.
 */
final class JsonCursor {
    /** Deepest nesting accepted when skipping a value. */
    static final int MAX_DEPTH = 64;

    /** {@link #nextMember}/{@link #nextElement}: a member or element follows. */
    static final int MORE = 1;
    /** {@link #nextMember}/{@link #nextElement}: the object or array was closed. */
    static final int END = 0;
    /** {@link #nextMember}/{@link #nextElement}: the input is malformed ({@link #error()} says why). */
    static final int FAILED = -1;

    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final long SPACES = ONES * ' ';

    private DirectBuffer buffer;
    private int pos;
    private int limit;
    private int error;
    private int errorOffset;
    private int stringStart;
    private int stringEnd;

    private long word0;
    private long word1;
    private long word2;
    private long word3;

    void wrap(final DirectBuffer src, final int offset, final int length) {
        buffer = src;
        pos = offset;
        limit = offset + length;
        error = JsonError.OK;
        errorOffset = 0;
    }

    int error() {
        return error;
    }

    int errorOffset() {
        return errorOffset;
    }

    int position() {
        return pos;
    }

    void position(final int value) {
        pos = value;
    }

    DirectBuffer buffer() {
        return buffer;
    }

    /** Start of the last string read, after its opening quote. */
    int stringStart() {
        return stringStart;
    }

    /** End (exclusive) of the last string read, at its closing quote. */
    int stringEnd() {
        return stringEnd;
    }

    /** Least significant 64 bits of the last quantity read. */
    long word0() {
        return word0;
    }

    long word1() {
        return word1;
    }

    long word2() {
        return word2;
    }

    /** Most significant 64 bits of the last quantity read (a U256). */
    long word3() {
        return word3;
    }

    boolean fail(final int code, final int at) {
        if (error == JsonError.OK) {
            error = code;
            errorOffset = at;
        }
        return false;
    }

    /** The next non-whitespace byte without consuming it, or -1 at the end of input. */
    int peek() {
        final int p = skipWhitespace(buffer, pos, limit);
        pos = p;
        return p < limit ? buffer.getByte(p) & 0xFF : -1;
    }

    /**
     * First index at or after {@code from} that is not JSON whitespace (or {@code end}). Runs of spaces
     * (pretty-printed indentation) are measured eight bytes at a time: the profile of a pretty-printed
     * block showed whitespace as the largest single cost when read byte by byte.
     */
    private static int skipWhitespace(final DirectBuffer b, final int from, final int end) {
        int p = from;
        while (p < end) {
            final byte c = b.getByte(p);
            if (c > ' ') {
                return p;
            }
            if (c == ' ') {
                if (p <= end - Long.BYTES) {
                    final long notSpace = b.getLong(p, ByteOrder.LITTLE_ENDIAN) ^ SPACES;
                    p += notSpace == 0 ? Long.BYTES : Long.numberOfTrailingZeros(notSpace) >>> 3;
                } else {
                    p++;
                }
            } else if (c == '\n' || c == '\r' || c == '\t') {
                p++;
            } else {
                return p;
            }
        }
        return p;
    }

    /** True (and consumed) when the next token is {@code null}. */
    boolean tryNull() {
        if (peek() == 'n') {
            if (pos + 4 <= limit && buffer.getByte(pos + 1) == 'u' && buffer.getByte(pos + 2) == 'l' && buffer.getByte(pos + 3) == 'l') {
                pos += 4;
                return true;
            }
            return fail(pos + 4 <= limit ? JsonError.UNEXPECTED_CHAR : JsonError.TRUNCATED, pos);
        }
        return false;
    }

    boolean expect(final char c) {
        final int next = peek();
        if (next == c) {
            pos++;
            return true;
        }
        return fail(next < 0 ? JsonError.TRUNCATED : JsonError.UNEXPECTED_CHAR, pos);
    }

    /** True when nothing but whitespace is left. */
    boolean atEnd() {
        return error == JsonError.OK && peek() < 0;
    }

    /**
     * Step to the next member of an object whose {@code '{'} was consumed: on {@link #MORE} the key is the
     * last string and the colon is consumed; on {@link #END} the {@code '}'} is consumed.
     */
    int nextMember(final boolean first) {
        if (error != JsonError.OK) {
            return FAILED;
        }
        final DirectBuffer b = buffer;
        final int end = limit;
        int p = skipWhitespace(b, pos, end);
        if (p >= end) {
            fail(JsonError.TRUNCATED, p);
            return FAILED;
        }
        byte c = b.getByte(p);
        if (c == '}') {
            pos = p + 1;
            return END;
        }
        if (!first) {
            if (c != ',') {
                fail(JsonError.UNEXPECTED_CHAR, p);
                return FAILED;
            }
            p = skipWhitespace(b, p + 1, end);
            if (p >= end) {
                fail(JsonError.TRUNCATED, p);
                return FAILED;
            }
            c = b.getByte(p);
        }
        if (c != '"') {
            fail(JsonError.UNEXPECTED_CHAR, p);
            return FAILED;
        }
        final int close = closingQuote(b, p + 1, end);
        if (close < 0) {
            return FAILED;
        }
        stringStart = p + 1;
        stringEnd = close;
        p = skipWhitespace(b, close + 1, end);
        if (p >= end) {
            fail(JsonError.TRUNCATED, p);
            return FAILED;
        }
        if (b.getByte(p) != ':') {
            fail(JsonError.UNEXPECTED_CHAR, p);
            return FAILED;
        }
        pos = p + 1;
        return MORE;
    }

    /** Step to the next element of an array whose {@code '['} was consumed; {@link #END} consumes the {@code ']'}. */
    int nextElement(final boolean first) {
        if (error != JsonError.OK) {
            return FAILED;
        }
        final int c = peek();
        if (c == ']') {
            pos++;
            return END;
        }
        if (!first) {
            if (c != ',') {
                fail(c < 0 ? JsonError.TRUNCATED : JsonError.UNEXPECTED_CHAR, pos);
                return FAILED;
            }
            pos++;
        }
        if (peek() < 0) {
            fail(JsonError.TRUNCATED, pos);
            return FAILED;
        }
        return MORE;
    }

    /** True when the last string read equals the ASCII bytes of {@code key}. */
    boolean stringEquals(final byte[] key) {
        final int n = stringEnd - stringStart;
        if (n != key.length) {
            return false;
        }
        final DirectBuffer b = buffer;
        final int s = stringStart;
        for (int i = 0; i < n; i++) {
            if (b.getByte(s + i) != key[i]) {
                return false;
            }
        }
        return true;
    }

    /** Read a string value (the next token must be a string); its bytes are [{@link #stringStart()}, {@link #stringEnd()}). */
    boolean readString() {
        final int c = peek();
        if (c != '"') {
            return fail(c < 0 ? JsonError.TRUNCATED : JsonError.WRONG_TYPE, pos);
        }
        pos++;
        return scanString();
    }

    /**
     * After an opening quote: find the closing one, honouring escapes; control bytes are refused. Eight
     * bytes at a time while none of them can be a quote, a backslash or a control byte (SWAR tests that
     * may fire falsely but never miss), since most of a block's bytes are long hex strings.
     */
    private boolean scanString() {
        final int p = pos;
        final int close = closingQuote(buffer, p, limit);
        if (close < 0) {
            return false;
        }
        stringStart = p;
        stringEnd = close;
        pos = close + 1;
        return true;
    }

    /** Index of the quote closing a string whose content starts at {@code from}, or -1 after latching the error. */
    private int closingQuote(final DirectBuffer b, final int from, final int end) {
        int p = from;
        while (true) {
            while (p <= end - Long.BYTES && !mayEndString(b.getLong(p))) {
                p += Long.BYTES;
            }
            final int stop = Math.min(p + Long.BYTES, end);
            while (p < stop) {
                final byte c = b.getByte(p);
                if (c == '"') {
                    return p;
                }
                if (c == '\\') {
                    p += 2;
                } else if (c >= 0 && c < 0x20) {
                    fail(JsonError.UNEXPECTED_CHAR, p);
                    return -1;
                } else {
                    p++;
                }
            }
            if (p >= end) {
                fail(JsonError.TRUNCATED, end);
                return -1;
            }
        }
    }

    /** True when one of the eight bytes may be a quote, a backslash or below 0x20. */
    private static boolean mayEndString(final long w) {
        final long quote = w ^ (ONES * '"');
        final long backslash = w ^ (ONES * '\\');
        return ((((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((w - ONES * 0x20) & ~w)) & HIGHS) != 0;
    }

    /**
     * Read {@code "0x" + 2 * length} hex digits into {@code dst[dstOffset, dstOffset + length)}.
     */
    boolean readHexBytes(final MutableDirectBuffer dst, final int dstOffset, final int length) {
        final int at = pos;
        if (!readString()) {
            return false;
        }
        final int s = stringStart;
        if (stringEnd - s != 2 + 2 * length || buffer.getByte(s) != '0' || (buffer.getByte(s + 1) | 0x20) != 'x') {
            return fail(JsonError.BAD_HEX, at);
        }
        return decodeHex(buffer, s + 2, dst, dstOffset, length) || fail(JsonError.BAD_HEX, at);
    }

    /**
     * Hex digits to bytes, eight digits per step (SWAR): hashes and addresses are most of what the
     * decoders keep. False on a non-hex digit. Package-private for the differential test against
     * {@link Hex#decode}.
     */
    static boolean decodeHex(
        final DirectBuffer src, final int srcOffset, final MutableDirectBuffer dst, final int dstOffset, final int length) {
        int i = 0;
        for (; i <= length - Integer.BYTES; i += Integer.BYTES) {
            final long w = src.getLong(srcOffset + 2 * i, ByteOrder.LITTLE_ENDIAN);
            if (!isHexWord(w)) {
                return false;
            }
            dst.putInt(dstOffset + i, packNibbles(w), ByteOrder.LITTLE_ENDIAN);
        }
        int bad = 0;
        for (; i < length; i++) {
            final int hi = Hex.digit(src.getByte(srcOffset + 2 * i));
            final int lo = Hex.digit(src.getByte(srcOffset + 2 * i + 1));
            bad |= hi | lo;
            dst.putByte(dstOffset + i, (byte)((hi << 4) | (lo & 0xF)));
        }
        return bad >= 0;
    }

    /**
     * True when all eight ASCII bytes are hex digits. Per byte (all below 0x80, so no carry crosses a
     * byte): {@code x + (0x80 - lo)} has its top bit set iff {@code x >= lo}, {@code x + (0x7F - hi)} iff
     * {@code x > hi}; letters are tested case-folded.
     */
    private static boolean isHexWord(final long w) {
        if ((w & HIGHS) != 0) {
            return false;
        }
        final long digit = (w + ONES * (0x80 - '0')) & ~(w + ONES * (0x7F - '9'));
        final long folded = w | (ONES * 0x20);
        final long letter = (folded + ONES * (0x80 - 'a')) & ~(folded + ONES * (0x7F - 'f'));
        return ((digit | letter) & HIGHS) == HIGHS;
    }

    /** Eight hex digits (first digit in the low byte) to four bytes, first byte in the low byte. */
    private static int packNibbles(final long w) {
        final long nibbles = (w & (ONES * 0x0F)) + ((w >>> 6) & ONES) * 9;
        final long pairs = ((nibbles << 4) | (nibbles >>> 8)) & 0x00FF_00FF_00FF_00FFL;
        final long quads = (pairs | (pairs >>> 8)) & 0x0000_FFFF_0000_FFFFL;
        return (int)(quads | (quads >>> 16));
    }

    /**
     * Read variable-length hex data: a string of {@code "0x"} and an even number of bytes, the digits being
     * [{@link #stringStart()} + 2, {@link #stringEnd()}). The digits themselves are checked only when
     * {@code checkDigits}: calldata and log data can be long and the scanner never reads most of them;
     * whoever decodes them later goes through {@link Hex#decode}, which refuses a bad digit.
     */
    boolean readHexData(final boolean checkDigits) {
        final int at = pos;
        if (!readString()) {
            return false;
        }
        final DirectBuffer b = buffer;
        final int s = stringStart;
        final int e = stringEnd;
        if (e - s < 2 || b.getByte(s) != '0' || (b.getByte(s + 1) | 0x20) != 'x' || ((e - s) & 1) != 0) {
            return fail(JsonError.BAD_HEX, at);
        }
        if (checkDigits) {
            for (int p = s + 2; p < e; p++) {
                if (Hex.digit(b.getByte(p)) < 0) {
                    return fail(JsonError.BAD_HEX, at);
                }
            }
        }
        return true;
    }

    /**
     * Read a quantity {@code "0x" + 1..64 hex digits} (leading zeros beyond 64 digits are tolerated) into
     * {@link #word0()}..{@link #word3()}.
     */
    boolean readQuantity() {
        final int at = pos;
        if (!readString()) {
            return false;
        }
        return parseQuantity(stringStart, stringEnd, at);
    }

    /** Parse the hex digits of {@code "0x..."} in [start, end) as an unsigned 256-bit quantity. */
    boolean parseQuantity(final int start, final int end, final int at) {
        final DirectBuffer b = buffer;
        if (end - start < 3 || b.getByte(start) != '0' || (b.getByte(start + 1) | 0x20) != 'x') {
            return fail(JsonError.BAD_QUANTITY, at);
        }
        int p = start + 2;
        while (p < end - 1 && b.getByte(p) == '0') {
            p++;
        }
        if (end - p > 64) {
            return fail(JsonError.BAD_QUANTITY, at);
        }
        long w0 = 0;
        long w1 = 0;
        long w2 = 0;
        long w3 = 0;
        for (; p < end; p++) {
            final int d = Hex.digit(b.getByte(p));
            if (d < 0) {
                return fail(JsonError.BAD_QUANTITY, at);
            }
            w3 = (w3 << 4) | (w2 >>> 60);
            w2 = (w2 << 4) | (w1 >>> 60);
            w1 = (w1 << 4) | (w0 >>> 60);
            w0 = (w0 << 4) | d;
        }
        word0 = w0;
        word1 = w1;
        word2 = w2;
        word3 = w3;
        return true;
    }

    /** Read a quantity that must fit a non-negative {@code long}; it is then {@link #word0()}. */
    boolean readLongQuantity() {
        final int at = pos;
        if (!readQuantity()) {
            return false;
        }
        if ((word1 | word2 | word3) != 0 || word0 < 0) {
            return fail(JsonError.BAD_QUANTITY, at);
        }
        return true;
    }

    /** Skip one value of any type, iteratively, validating its structure. */
    boolean skipValue() {
        if (error != JsonError.OK) {
            return false;
        }
        final DirectBuffer b = buffer;
        final int end = limit;
        int p = pos;
        long stack = 0;
        int depth = 0;
        while (true) {
            p = skipWhitespace(b, p, end);
            if (p >= end) {
                return fail(JsonError.TRUNCATED, p);
            }
            byte c = b.getByte(p);
            if (c == '"') {
                p = closingQuote(b, p + 1, end);
                if (p < 0) {
                    return false;
                }
                p++;
            } else if (c == '{' || c == '[') {
                if (depth == MAX_DEPTH) {
                    return fail(JsonError.TOO_DEEP, p);
                }
                final boolean object = c == '{';
                stack = (stack << 1) | (object ? 1L : 0L);
                depth++;
                p = skipWhitespace(b, p + 1, end);
                if (p >= end) {
                    return fail(JsonError.TRUNCATED, p);
                }
                c = b.getByte(p);
                if (c == (object ? '}' : ']')) {
                    p++;
                    stack >>>= 1;
                    depth--;
                } else {
                    if (object && (p = key(b, p, end)) < 0) {
                        return false;
                    }
                    continue;
                }
            } else {
                pos = p;
                if (!skipScalar(b)) {
                    return false;
                }
                p = pos;
            }
            // after a value: close containers or step to the next element or member
            while (true) {
                if (depth == 0) {
                    pos = p;
                    return true;
                }
                p = skipWhitespace(b, p, end);
                if (p >= end) {
                    return fail(JsonError.TRUNCATED, p);
                }
                c = b.getByte(p);
                final boolean object = (stack & 1) != 0;
                if (c == ',') {
                    p++;
                    if (object && (p = key(b, p, end)) < 0) {
                        return false;
                    }
                    break;
                }
                if (c != (object ? '}' : ']')) {
                    return fail(JsonError.UNEXPECTED_CHAR, p);
                }
                p++;
                stack >>>= 1;
                depth--;
            }
        }
    }

    /** A member's key and colon from {@code from}: the index after the colon, or -1 after latching the error. */
    private int key(final DirectBuffer b, final int from, final int end) {
        int p = skipWhitespace(b, from, end);
        if (p >= end) {
            fail(JsonError.TRUNCATED, p);
            return -1;
        }
        if (b.getByte(p) != '"') {
            fail(JsonError.UNEXPECTED_CHAR, p);
            return -1;
        }
        p = closingQuote(b, p + 1, end);
        if (p < 0) {
            return -1;
        }
        p = skipWhitespace(b, p + 1, end);
        if (p >= end) {
            fail(JsonError.TRUNCATED, p);
            return -1;
        }
        if (b.getByte(p) != ':') {
            fail(JsonError.UNEXPECTED_CHAR, p);
            return -1;
        }
        return p + 1;
    }

    /** A number, {@code true}, {@code false} or {@code null}: a run of literal bytes, checked loosely. */
    private boolean skipScalar(final DirectBuffer b) {
        final int start = pos;
        final int c0 = b.getByte(start);
        if (c0 == 't' || c0 == 'f' || c0 == 'n') {
            final int n = c0 == 'f' ? 5 : 4;
            if (start + n > limit) {
                return fail(JsonError.TRUNCATED, start);
            }
            final boolean ok = c0 == 't' ? b.getByte(start + 1) == 'r' && b.getByte(start + 2) == 'u' && b.getByte(start + 3) == 'e'
                : c0 == 'f' ? b.getByte(start + 1) == 'a' && b.getByte(start + 2) == 'l' && b.getByte(start + 3) == 's'
                    && b.getByte(start + 4) == 'e'
                : b.getByte(start + 1) == 'u' && b.getByte(start + 2) == 'l' && b.getByte(start + 3) == 'l';
            if (!ok) {
                return fail(JsonError.UNEXPECTED_CHAR, start);
            }
            pos = start + n;
            return true;
        }
        int p = start;
        while (p < limit) {
            final byte c = b.getByte(p);
            if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
                p++;
            } else {
                break;
            }
        }
        if (p == start) {
            return fail(JsonError.UNEXPECTED_CHAR, start);
        }
        pos = p;
        return true;
    }
}
