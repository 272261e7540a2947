package io.finality.ethereum;

import io.finality.core.buffer.Hex;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

/**
 * A forward-only JSON reader over UTF-8 bytes in a {@link DirectBuffer}, reading tokens in place: strings
 * are reported as byte ranges (never copied or unescaped), hex fields are decoded straight into caller
 * buffers or into four 64-bit words, and unwanted values are skipped without recursion.
 *
 * <p>Bounds: {@link #wrap} checks once that the whole range lies inside the buffer; after that every read
 * goes straight to memory ({@link UnsafeApi}) and is preceded by this class's own check against the limit
 * (word reads check that all eight bytes are inside), so malformed or truncated input can never read out
 * of bounds. The per-read checks of {@link DirectBuffer} were a large part of the decode time and only
 * repeated ours; with assertions on (tests), every raw read asserts that it lies in the wrapped range. The
 * first failure is latched as {@link #error()} with {@link #errorOffset()}; every later call then fails
 * too, which lets callers chain reads and test once.
 *
 * <p>Member keys are read as two little-endian words ({@link #key0()}, {@link #key1()}: the first sixteen
 * bytes, zero-padded; both zero for a longer key) so that the decoders dispatch on one or two
 * {@code long} compares instead of byte-by-byte string compares. A key never contains a zero byte (control
 * bytes are refused in strings), so the padded words identify keys of up to sixteen bytes exactly.
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
    /** Longest key that {@link #key0()}/{@link #key1()} identify. */
    static final int MAX_KEY_WORDS_LENGTH = 2 * Long.BYTES;

    /** {@link #nextMember}/{@link #nextElement}: a member or element follows. */
    static final int MORE = 1;
    /** {@link #nextMember}/{@link #nextElement}: the object or array was closed. */
    static final int END = 0;
    /** {@link #nextMember}/{@link #nextElement}: the input is malformed ({@link #error()} says why). */
    static final int FAILED = -1;

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final long SPACES = ONES * ' ';
    private static final long ZERO_DIGITS = ONES * '0';
    private static final long BACKSLASHES = ONES * '\\';

    private DirectBuffer buffer;
    private byte[] array;
    private long address;
    private int origin;
    private int pos;
    private int limit;
    private int error;
    private int errorOffset;
    private int stringStart;
    private int stringEnd;
    private long key0;
    private long key1;

    private long word0;
    private long word1;
    private long word2;
    private long word3;

    /**
     * Read {@code src[offset, offset + length)}.
     *
     * @throws IndexOutOfBoundsException when the range is not inside {@code src}: a caller's bug, not bad input.
     */
    void wrap(final DirectBuffer src, final int offset, final int length) {
        src.boundsCheck(offset, length);
        buffer = src;
        array = src.byteArray();
        address = src.addressOffset();
        origin = offset;
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

    /** Bytes 0-7 of the last member key, little-endian, zero-padded; 0 for a key longer than sixteen bytes. */
    long key0() {
        return key0;
    }

    /** Bytes 8-15 of the last member key, little-endian, zero-padded; 0 for a key of eight bytes or less, or longer than sixteen. */
    long key1() {
        return key1;
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

    /** The little-endian key word of {@code key} from byte {@code from} (as {@link #key0()}/{@link #key1()} would read it). */
    static long keyWord(final String key, final int from) {
        if (key.length() > MAX_KEY_WORDS_LENGTH) {
            throw new IllegalArgumentException("key longer than " + MAX_KEY_WORDS_LENGTH + ": " + key);
        }
        long w = 0;
        for (int i = Math.min(key.length(), from + Long.BYTES) - 1; i >= from; i--) {
            final char ch = key.charAt(i);
            if (ch == 0 || ch > 0x7F) {
                throw new IllegalArgumentException("not a plain ASCII key: " + key);
            }
            w = (w << 8) | ch;
        }
        return w;
    }

    boolean fail(final int code, final int at) {
        if (error == JsonError.OK) {
            error = code;
            errorOffset = at;
        }
        return false;
    }

    private byte at(final int p) {
        assert p >= origin && p < limit : p;
        return UnsafeApi.getByte(array, address + p);
    }

    /** Bytes [p, p + 8) as a little-endian word: the first byte is the lowest. */
    private long wordAt(final int p) {
        assert p >= origin && p <= limit - Long.BYTES : p;
        final long w = UnsafeApi.getLong(array, address + p);
        return LITTLE_ENDIAN ? w : Long.reverseBytes(w);
    }

    /** The next non-whitespace byte without consuming it, or -1 at the end of input. */
    int peek() {
        final int p = skipWhitespace(pos, limit);
        pos = p;
        return p < limit ? at(p) & 0xFF : -1;
    }

    /**
     * First index at or after {@code from} that is not JSON whitespace (or {@code end}). Compact JSON (what
     * nodes send) costs one byte compare per token. In pretty-printed JSON whitespace was the largest single
     * cost when read byte by byte: each whitespace byte found is followed by a test of the next eight bytes for
     * a run of spaces, so the space after a colon and a newline plus indentation take one step each.
     */
    private int skipWhitespace(final int from, final int end) {
        int p = from;
        while (p < end) {
            final byte c = at(p);
            if (c > ' ') {
                return p;
            }
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return p;
            }
            p++;
            if (p <= end - Long.BYTES) {
                final long notSpace = wordAt(p) ^ SPACES;
                p += notSpace == 0 ? Long.BYTES : Long.numberOfTrailingZeros(notSpace) >>> 3;
            }
        }
        return p;
    }

    /** True (and consumed) when the next token is {@code null}. */
    boolean tryNull() {
        if (peek() == 'n') {
            if (pos + 4 <= limit && at(pos + 1) == 'u' && at(pos + 2) == 'l' && at(pos + 3) == 'l') {
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
     * last string (and {@link #key0()}/{@link #key1()}) and the colon is consumed; on {@link #END} the
     * {@code '}'} is consumed.
     */
    int nextMember(final boolean first) {
        if (error != JsonError.OK) {
            return FAILED;
        }
        final int end = limit;
        int p = skipWhitespace(pos, end);
        if (p >= end) {
            fail(JsonError.TRUNCATED, p);
            return FAILED;
        }
        byte c = at(p);
        if (c == '}') {
            pos = p + 1;
            return END;
        }
        if (!first) {
            if (c != ',') {
                fail(JsonError.UNEXPECTED_CHAR, p);
                return FAILED;
            }
            p = skipWhitespace(p + 1, end);
            if (p >= end) {
                fail(JsonError.TRUNCATED, p);
                return FAILED;
            }
            c = at(p);
        }
        if (c != '"') {
            fail(JsonError.UNEXPECTED_CHAR, p);
            return FAILED;
        }
        final int close = readKey(p + 1, end);
        if (close < 0) {
            return FAILED;
        }
        stringStart = p + 1;
        stringEnd = close;
        p = close + 1;
        if (p >= end || at(p) != ':') {
            p = skipWhitespace(p, end);
            if (p >= end) {
                fail(JsonError.TRUNCATED, p);
                return FAILED;
            }
            if (at(p) != ':') {
                fail(JsonError.UNEXPECTED_CHAR, p);
                return FAILED;
            }
        }
        pos = p + 1;
        return MORE;
    }

    /**
     * The closing quote of a key starting at {@code s} (or -1 after latching the error), with {@link #key0}
     * and {@link #key1} set. A key of up to fifteen plain bytes is found and taken from the same one or two
     * word reads; anything else (escapes, longer keys, the end of the input near) goes the general way.
     */
    private int readKey(final int s, final int end) {
        if (s <= end - 2 * Long.BYTES) {
            final long w0 = wordAt(s);
            final long special0 = specialBytes(w0);
            if (special0 != 0) {
                final int n = Long.numberOfTrailingZeros(special0) >>> 3;
                if (at(s + n) == '"') {
                    key0 = w0 & lowBytes(n);
                    key1 = 0;
                    return s + n;
                }
            } else {
                final long w1 = wordAt(s + Long.BYTES);
                final long special1 = specialBytes(w1);
                final int n = Long.numberOfTrailingZeros(special1) >>> 3;
                if (special1 != 0 && at(s + Long.BYTES + n) == '"') {
                    key0 = w0;
                    key1 = w1 & lowBytes(n);
                    return s + Long.BYTES + n;
                }
            }
        }
        final int close = closingQuote(s, end);
        if (close >= 0) {
            keyWords(s, close);
        }
        return close;
    }

    /**
     * Key [s, e) to {@link #key0}/{@link #key1}. The closing quote at {@code e} is inside the input, so
     * whole-word reads from {@code s} are safe whenever sixteen bytes remain; near the end, byte by byte.
     */
    private void keyWords(final int s, final int e) {
        final int n = e - s;
        if (n > MAX_KEY_WORDS_LENGTH) {
            key0 = 0;
            key1 = 0;
        } else if (s <= limit - MAX_KEY_WORDS_LENGTH) {
            key0 = wordAt(s) & lowBytes(n);
            key1 = n <= Long.BYTES ? 0 : wordAt(s + Long.BYTES) & lowBytes(n - Long.BYTES);
        } else {
            long w0 = 0;
            long w1 = 0;
            for (int i = n - 1; i >= 0; i--) {
                final long b = at(s + i) & 0xFF;
                if (i >= Long.BYTES) {
                    w1 = (w1 << 8) | b;
                } else {
                    w0 = (w0 << 8) | b;
                }
            }
            key0 = w0;
            key1 = w1;
        }
    }

    /** A mask of the low {@code n} bytes of a word ({@code n} from 0 to 8 or more). */
    private static long lowBytes(final int n) {
        return n >= Long.BYTES ? -1L : (1L << (n << 3)) - 1;
    }

    /** Step to the next element of an array whose {@code '['} was consumed; {@link #END} consumes the {@code ']'}. */
    int nextElement(final boolean first) {
        if (error != JsonError.OK) {
            return FAILED;
        }
        final int end = limit;
        int p = skipWhitespace(pos, end);
        if (p >= end) {
            fail(JsonError.TRUNCATED, p);
            return FAILED;
        }
        final byte c = at(p);
        if (c == ']') {
            pos = p + 1;
            return END;
        }
        if (!first) {
            if (c != ',') {
                fail(JsonError.UNEXPECTED_CHAR, p);
                return FAILED;
            }
            p = skipWhitespace(p + 1, end);
            if (p >= end) {
                fail(JsonError.TRUNCATED, p);
                return FAILED;
            }
        }
        pos = p;
        return MORE;
    }

    /** True when the last member key is the one whose {@link #keyWord} words are {@code k0}, {@code k1}. */
    boolean keyIs(final long k0, final long k1) {
        return key0 == k0 && key1 == k1;
    }

    /** True when the last string read (a value) is exactly the ASCII bytes of {@code text}: an edge check, not for keys. */
    boolean stringIs(final byte[] text) {
        if (stringEnd - stringStart != text.length) {
            return false;
        }
        for (int i = 0; i < text.length; i++) {
            if (buffer.getByte(stringStart + i) != text[i]) {
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
        final int p = pos + 1;
        final int close = closingQuote(p, limit);
        if (close < 0) {
            return false;
        }
        stringStart = p;
        stringEnd = close;
        pos = close + 1;
        return true;
    }

    /**
     * Index of the quote closing a string whose content starts at {@code from}, or -1 after latching the
     * error; escapes are honoured and control bytes refused. Sixteen, then eight bytes at a time while
     * none can be a quote, a backslash or a control byte (most of a block's bytes are long hex strings, and
     * this loop was over half of the decode time); the lowest byte flagged by {@link #specialBytes} is always
     * a true hit, so the scan jumps straight to it.
     */
    private int closingQuote(final int from, final int end) {
        int p = from;
        while (true) {
            long w;
            long special;
            if (p <= end - 2 * Long.BYTES) {
                w = wordAt(p);
                special = specialBytes(w);
                if (special == 0) {
                    w = wordAt(p + Long.BYTES);
                    special = specialBytes(w);
                    if (special == 0) {
                        p += 2 * Long.BYTES;
                        continue;
                    }
                    p += Long.BYTES;
                }
            } else if (p <= end - Long.BYTES) {
                w = wordAt(p);
                special = specialBytes(w);
                if (special == 0) {
                    p += Long.BYTES;
                    continue;
                }
            } else {
                // the last bytes of the input, one at a time
                if (p >= end) {
                    fail(JsonError.TRUNCATED, end);
                    return -1;
                }
                w = at(p) & 0xFFL;
                special = specialBytes(w) & 0xFF;
                if (special == 0) {
                    p++;
                    continue;
                }
            }
            // the flagged byte is taken from the word already loaded
            final int shift = Long.numberOfTrailingZeros(special) & ~7;
            p += shift >>> 3;
            final int c = (int)(w >>> shift) & 0xFF;
            if (c == '"') {
                return p;
            }
            if (c != '\\') {
                fail(JsonError.UNEXPECTED_CHAR, p);
                return -1;
            }
            p += 2;
        }
    }

    /**
     * The high bit of each byte that may be a quote, a backslash or below 0x20. A test can fire falsely only
     * in a byte above a true hit (a borrow runs upwards), so the lowest flagged byte is always a true hit,
     * and a zero result means none of the eight is.
     */
    private static long specialBytes(final long w) {
        return special(w) & HIGHS;
    }

    /**
     * {@link #specialBytes} before masking the high bits. {@code x ^ 0x02} is below 0x21 exactly when
     * {@code x} is a control byte or a quote, so one borrow test covers both; a second finds backslashes.
     */
    private static long special(final long w) {
        final long quoteOrControl = w ^ (ONES * 0x02);
        final long backslash = w ^ BACKSLASHES;
        return ((quoteOrControl - ONES * 0x21) & ~quoteOrControl) | ((backslash - ONES) & ~backslash);
    }

    /**
     * Read {@code "0x" + 2 * length} hex digits into {@code dst[dstOffset, dstOffset + length)}. The common
     * case is checked in one pass: the quote where the string must end, then the digits eight at a time (a
     * hex digit is never a quote, backslash or control byte, so no separate closing-quote search is needed).
     * Anything else takes the general path, which finds the string's end and reports the exact error.
     */
    boolean readHexBytes(final MutableDirectBuffer dst, final int dstOffset, final int length) {
        final int end = limit;
        final int at = pos;
        final int p = skipWhitespace(at, end);
        final int digits = p + 3;
        final int close = digits + 2 * length;
        if (close < end && at(p) == '"' && at(p + 1) == '0' && (at(p + 2) | 0x20) == 'x' && at(close) == '"'
            && decodeHex(array, address + digits, dst, dstOffset, length)) {
            stringStart = p + 1;
            stringEnd = close;
            pos = close + 1;
            return true;
        }
        return readHexBytesChecked(at, dst, dstOffset, length);
    }

    private boolean readHexBytesChecked(final int at, final MutableDirectBuffer dst, final int dstOffset, final int length) {
        if (!readString()) {
            return false;
        }
        final int s = stringStart;
        if (stringEnd - s != 2 + 2 * length || at(s) != '0' || (at(s + 1) | 0x20) != 'x') {
            return fail(JsonError.BAD_HEX, at);
        }
        return decodeHex(array, address + s + 2, dst, dstOffset, length) || fail(JsonError.BAD_HEX, at);
    }

    /**
     * Hex digits to bytes, eight digits per step (SWAR): hashes and addresses are most of what the
     * decoders keep. False on a non-hex digit. Package-private for the differential test against
     * {@link Hex#decode}; checks that the digits are inside {@code src}.
     */
    static boolean decodeHex(
        final DirectBuffer src, final int srcOffset, final MutableDirectBuffer dst, final int dstOffset, final int length) {
        src.boundsCheck(srcOffset, 2 * length);
        return decodeHex(src.byteArray(), src.addressOffset() + srcOffset, dst, dstOffset, length);
    }

    /** As above on raw memory: the caller has checked that the {@code 2 * length} digits are inside its input. */
    private static boolean decodeHex(
        final byte[] base, final long address, final MutableDirectBuffer dst, final int dstOffset, final int length) {
        int i = 0;
        for (; i <= length - Integer.BYTES; i += Integer.BYTES) {
            final long raw = UnsafeApi.getLong(base, address + 2L * i);
            final long w = LITTLE_ENDIAN ? raw : Long.reverseBytes(raw);
            if (!isHexWord(w)) {
                return false;
            }
            dst.putInt(dstOffset + i, packNibbles(w), ByteOrder.LITTLE_ENDIAN);
        }
        int bad = 0;
        for (; i < length; i++) {
            final int hi = Hex.digit(UnsafeApi.getByte(base, address + 2L * i));
            final int lo = Hex.digit(UnsafeApi.getByte(base, address + 2L * i + 1));
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
        final int s = stringStart;
        final int e = stringEnd;
        if (e - s < 2 || at(s) != '0' || (at(s + 1) | 0x20) != 'x' || ((e - s) & 1) != 0) {
            return fail(JsonError.BAD_HEX, at);
        }
        if (checkDigits) {
            for (int p = s + 2; p < e; p++) {
                if (Hex.digit(at(p)) < 0) {
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

    /**
     * Parse the hex digits of {@code "0x..."} in [start, end) as an unsigned 256-bit quantity, eight digits
     * per step (SWAR, as {@link #decodeHex}), shifting the four words by 32 bits per step. The leading
     * {@code digits % 8} digits (all of a short quantity such as {@code gas}) are read as the word that ends
     * with them, its earlier bytes replaced by {@code '0'}s; one at a time only at the very start of the input.
     */
    boolean parseQuantity(final int start, final int end, final int at) {
        if (end - start < 3 || at(start) != '0' || (at(start + 1) | 0x20) != 'x') {
            return fail(JsonError.BAD_QUANTITY, at);
        }
        int p = start + 2;
        if (end - p > 64) {
            while (p < end - 1 && at(p) == '0') {
                p++;
            }
            if (end - p > 64) {
                return fail(JsonError.BAD_QUANTITY, at);
            }
        }
        long w0 = 0;
        long w1 = 0;
        long w2 = 0;
        long w3 = 0;
        final int head = p + ((end - p) & 7);
        if (head != p && head - Long.BYTES >= origin) {
            // the word ending at the last head digit: its low bytes (before the digits) become leading '0's
            final long filler = lowBytes(Long.BYTES - (head - p));
            final long w = (wordAt(head - Long.BYTES) & ~filler) | (ZERO_DIGITS & filler);
            if (!isHexWord(w)) {
                return fail(JsonError.BAD_QUANTITY, at);
            }
            w0 = Integer.toUnsignedLong(Integer.reverseBytes(packNibbles(w)));
            p = head;
        }
        for (; p < head; p++) {
            final int d = Hex.digit(at(p));
            if (d < 0) {
                return fail(JsonError.BAD_QUANTITY, at);
            }
            w0 = (w0 << 4) | d;
        }
        for (; p < end; p += Long.BYTES) {
            final long w = wordAt(p);
            if (!isHexWord(w)) {
                return fail(JsonError.BAD_QUANTITY, at);
            }
            final long chunk = Integer.toUnsignedLong(Integer.reverseBytes(packNibbles(w)));
            w3 = (w3 << 32) | (w2 >>> 32);
            w2 = (w2 << 32) | (w1 >>> 32);
            w1 = (w1 << 32) | (w0 >>> 32);
            w0 = (w0 << 32) | chunk;
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
        final int end = limit;
        int p = skipWhitespace(pos, end);
        if (p < end && at(p) == '"') {
            // most skipped values are strings: no container bookkeeping for them
            p = closingQuote(p + 1, end);
            if (p < 0) {
                return false;
            }
            pos = p + 1;
            return true;
        }
        long stack = 0;
        int depth = 0;
        while (true) {
            p = skipWhitespace(p, end);
            if (p >= end) {
                return fail(JsonError.TRUNCATED, p);
            }
            byte c = at(p);
            if (c == '"') {
                p = closingQuote(p + 1, end);
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
                p = skipWhitespace(p + 1, end);
                if (p >= end) {
                    return fail(JsonError.TRUNCATED, p);
                }
                c = at(p);
                if (c == (object ? '}' : ']')) {
                    p++;
                    stack >>>= 1;
                    depth--;
                } else {
                    if (object && (p = key(p, end)) < 0) {
                        return false;
                    }
                    continue;
                }
            } else {
                pos = p;
                if (!skipScalar()) {
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
                p = skipWhitespace(p, end);
                if (p >= end) {
                    return fail(JsonError.TRUNCATED, p);
                }
                c = at(p);
                final boolean object = (stack & 1) != 0;
                if (c == ',') {
                    p++;
                    if (object && (p = key(p, end)) < 0) {
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
    private int key(final int from, final int end) {
        int p = skipWhitespace(from, end);
        if (p >= end) {
            fail(JsonError.TRUNCATED, p);
            return -1;
        }
        if (at(p) != '"') {
            fail(JsonError.UNEXPECTED_CHAR, p);
            return -1;
        }
        p = closingQuote(p + 1, end);
        if (p < 0) {
            return -1;
        }
        p = skipWhitespace(p + 1, end);
        if (p >= end) {
            fail(JsonError.TRUNCATED, p);
            return -1;
        }
        if (at(p) != ':') {
            fail(JsonError.UNEXPECTED_CHAR, p);
            return -1;
        }
        return p + 1;
    }

    /** A number, {@code true}, {@code false} or {@code null} at {@link #position()}: a run of literal bytes, checked loosely. */
    private boolean skipScalar() {
        final int start = pos;
        final int c0 = at(start);
        if (c0 == 't' || c0 == 'f' || c0 == 'n') {
            final int n = c0 == 'f' ? 5 : 4;
            if (start + n > limit) {
                return fail(JsonError.TRUNCATED, start);
            }
            final boolean ok = c0 == 't' ? at(start + 1) == 'r' && at(start + 2) == 'u' && at(start + 3) == 'e'
                : c0 == 'f' ? at(start + 1) == 'a' && at(start + 2) == 'l' && at(start + 3) == 's' && at(start + 4) == 'e'
                : at(start + 1) == 'u' && at(start + 2) == 'l' && at(start + 3) == 'l';
            if (!ok) {
                return fail(JsonError.UNEXPECTED_CHAR, start);
            }
            pos = start + n;
            return true;
        }
        int p = start;
        while (p < limit) {
            final byte c = at(p);
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
