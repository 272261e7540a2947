package io.finality.ethereum;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.agrona.DirectBuffer;

/**
 * Reads the envelope of a JSON-RPC frame from the node in place: whether it is a response (and its
 * {@code id}), a subscription notification (and the range of its {@code result}), or a batch (and the
 * range of each element), plus a response's {@code result} range or {@code error} code. The client routes
 * frames with it; the payload itself is decoded later by the block and receipts decoders, so the
 * {@code result} value is only skipped here, with a structural check.
 *
 * <p>Ids are the client's own: non-negative integers. A response whose id is absent, {@code null}, a
 * string or a fraction reads as {@link #NO_ID} (a node answers a request it could not parse that way).
 *
 * <p>Thread rules: one instance per thread (the connection's event loop), reused for every frame.
 */
public final class RpcFrameReader {
    /** A response: {@link #id()}, and either {@link #resultOffset()} or {@link #errorCode()}. */
    public static final int RESPONSE = 1;
    /** An {@code eth_subscription} notification: {@link #subscriptionOffset()} and {@link #resultOffset()}. */
    public static final int NOTIFICATION = 2;
    /** A batch response: {@link #elementCount()} elements, each a response. */
    public static final int BATCH = 3;
    /** Not a JSON-RPC frame we understand: {@link #error()} and {@link #errorOffset()} say why and where. */
    public static final int MALFORMED = -1;

    /** {@link #id()} of a response without a usable id. */
    public static final long NO_ID = -1;
    /** {@link #errorCode()} when the error object has no integer code. */
    public static final long NO_CODE = Long.MIN_VALUE;

    private static final long ID = JsonCursor.keyWord("id", 0);
    private static final long RESULT = JsonCursor.keyWord("result", 0);
    private static final long ERROR = JsonCursor.keyWord("error", 0);
    private static final long METHOD = JsonCursor.keyWord("method", 0);
    private static final long PARAMS = JsonCursor.keyWord("params", 0);
    private static final long CODE = JsonCursor.keyWord("code", 0);
    private static final long MESSAGE = JsonCursor.keyWord("message", 0);
    private static final long SUBSCRIPTION_0 = JsonCursor.keyWord("subscription", 0);
    private static final long SUBSCRIPTION_1 = JsonCursor.keyWord("subscription", Long.BYTES);
    private static final byte[] ETH_SUBSCRIPTION = "eth_subscription".getBytes(StandardCharsets.US_ASCII);

    private final JsonCursor cursor = new JsonCursor();
    private int[] elementOffsets = new int[16];
    private int[] elementLengths = new int[16];
    private int elementCount;
    private long id;
    private int resultOffset;
    private int resultLength;
    private boolean resultNull;
    private long errorCode;
    private int errorMessageOffset;
    private int errorMessageLength;
    private int subscriptionOffset;
    private int subscriptionLength;
    private int frameEnd;
    private long integer;

    /**
     * Read the frame in {@code src[offset, offset + length)}.
     *
     * @return {@link #RESPONSE}, {@link #NOTIFICATION}, {@link #BATCH} or {@link #MALFORMED}.
     */
    public int read(final DirectBuffer src, final int offset, final int length) {
        final JsonCursor c = cursor;
        c.wrap(src, offset, length);
        frameEnd = offset + length;
        elementCount = 0;
        final int first = c.peek();
        final int kind;
        if (first == '[') {
            kind = readBatch(c);
        } else if (first == '{') {
            kind = readObject(c);
        } else {
            c.fail(first < 0 ? JsonError.TRUNCATED : JsonError.WRONG_TYPE, c.position());
            return MALFORMED;
        }
        if (kind == MALFORMED) {
            return MALFORMED;
        }
        if (!c.atEnd()) {
            c.fail(JsonError.TRAILING_BYTES, c.position());
            return MALFORMED;
        }
        return kind;
    }

    /**
     * Read one element of the last batch, as {@link #read} would read it alone.
     *
     * @return {@link #RESPONSE} or {@link #MALFORMED}.
     */
    public int readElement(final DirectBuffer src, final int index) {
        if (index < 0 || index >= elementCount) {
            throw new IndexOutOfBoundsException("element " + index + " of " + elementCount);
        }
        final int off = elementOffsets[index];
        final int len = elementLengths[index];
        final int count = elementCount;
        final int kind = read(src, off, len);
        elementCount = count;
        return kind == RESPONSE ? RESPONSE : MALFORMED;
    }

    private int readBatch(final JsonCursor c) {
        c.expect('[');
        boolean first = true;
        int step;
        while ((step = c.nextElement(first)) == JsonCursor.MORE) {
            first = false;
            final int start = c.position();
            if (c.peek() != '{' || !c.skipValue()) {
                c.fail(JsonError.WRONG_TYPE, start);
                return MALFORMED;
            }
            addElement(start, c.position() - start);
        }
        return step == JsonCursor.END ? BATCH : MALFORMED;
    }

    private void addElement(final int offset, final int length) {
        if (elementCount == elementOffsets.length) {
            elementOffsets = Arrays.copyOf(elementOffsets, elementCount * 2);
            elementLengths = Arrays.copyOf(elementLengths, elementCount * 2);
        }
        elementOffsets[elementCount] = offset;
        elementLengths[elementCount] = length;
        elementCount++;
    }

    private int readObject(final JsonCursor c) {
        id = NO_ID;
        resultOffset = -1;
        resultLength = 0;
        resultNull = false;
        errorCode = NO_CODE;
        errorMessageOffset = -1;
        errorMessageLength = 0;
        subscriptionOffset = -1;
        subscriptionLength = 0;
        boolean hasError = false;
        boolean notification = false;
        boolean hasParams = false;
        c.expect('{');
        boolean first = true;
        int step;
        while ((step = c.nextMember(first)) == JsonCursor.MORE) {
            first = false;
            final boolean ok;
            if (c.keyIs(ID, 0)) {
                ok = readId(c);
            } else if (c.keyIs(RESULT, 0)) {
                ok = readResult(c);
            } else if (c.keyIs(ERROR, 0)) {
                hasError = true;
                ok = readError(c);
            } else if (c.keyIs(METHOD, 0)) {
                ok = c.readString();
                notification = ok && c.stringIs(ETH_SUBSCRIPTION);
            } else if (c.keyIs(PARAMS, 0)) {
                hasParams = true;
                ok = readParams(c);
            } else {
                ok = c.skipValue();
            }
            if (!ok) {
                return MALFORMED;
            }
        }
        if (step == JsonCursor.FAILED) {
            return MALFORMED;
        }
        if (notification) {
            if (!hasParams || subscriptionOffset < 0 || resultOffset < 0) {
                c.fail(JsonError.MISSING_FIELD, c.position());
                return MALFORMED;
            }
            return NOTIFICATION;
        }
        if (resultOffset < 0 && !hasError) {
            c.fail(JsonError.MISSING_FIELD, c.position());
            return MALFORMED;
        }
        return RESPONSE;
    }

    /** A non-negative integer id; anything else (null, string, fraction, negative) is {@link #NO_ID}. */
    private boolean readId(final JsonCursor c) {
        if (readSmallInteger(c)) {
            id = integer >= 0 ? integer : NO_ID;
            return true;
        }
        id = NO_ID;
        return c.skipValue();
    }

    /**
     * Read a JSON integer of at most 18 digits (optionally negative) at the cursor into {@link #integer}; false,
     * leaving the cursor where it was, for anything else (the caller then skips the value).
     */
    private boolean readSmallInteger(final JsonCursor c) {
        final DirectBuffer b = c.buffer();
        c.peek();
        final int start = c.position();
        final int end = frameEnd;
        int p = start;
        final boolean negative = p < end && b.getByte(p) == '-';
        if (negative) {
            p++;
        }
        final int digits = p;
        long value = 0;
        while (p < end && p - digits < 18) {
            final int d = b.getByte(p) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            value = value * 10 + d;
            p++;
        }
        if (p > digits && (p >= end || isDelimiter(b.getByte(p)))) {
            integer = negative ? -value : value;
            c.position(p);
            return true;
        }
        return false;
    }

    private static boolean isDelimiter(final byte b) {
        return b == ',' || b == '}' || b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private boolean readResult(final JsonCursor c) {
        c.peek();
        resultOffset = c.position();
        if (c.tryNull()) {
            resultNull = true;
            resultLength = c.position() - resultOffset;
            return true;
        }
        if (!c.skipValue()) {
            return false;
        }
        resultLength = c.position() - resultOffset;
        return true;
    }

    private boolean readError(final JsonCursor c) {
        if (c.tryNull()) {
            return true;
        }
        if (c.peek() != '{') {
            return c.skipValue();
        }
        c.expect('{');
        boolean first = true;
        int step;
        while ((step = c.nextMember(first)) == JsonCursor.MORE) {
            first = false;
            final boolean ok;
            if (c.keyIs(CODE, 0)) {
                ok = readCode(c);
            } else if (c.keyIs(MESSAGE, 0) && c.peek() == '"') {
                ok = c.readString();
                errorMessageOffset = c.stringStart();
                errorMessageLength = c.stringEnd() - c.stringStart();
            } else {
                ok = c.skipValue();
            }
            if (!ok) {
                return false;
            }
        }
        return step == JsonCursor.END;
    }

    private boolean readCode(final JsonCursor c) {
        if (readSmallInteger(c)) {
            errorCode = integer;
            return true;
        }
        return c.skipValue();
    }

    private boolean readParams(final JsonCursor c) {
        if (c.peek() != '{') {
            return c.skipValue();
        }
        c.expect('{');
        boolean first = true;
        int step;
        while ((step = c.nextMember(first)) == JsonCursor.MORE) {
            first = false;
            final boolean ok;
            if (c.keyIs(SUBSCRIPTION_0, SUBSCRIPTION_1)) {
                ok = c.readString();
                subscriptionOffset = c.stringStart();
                subscriptionLength = c.stringEnd() - c.stringStart();
            } else if (c.keyIs(RESULT, 0)) {
                ok = readResult(c);
            } else {
                ok = c.skipValue();
            }
            if (!ok) {
                return false;
            }
        }
        return step == JsonCursor.END;
    }

    /** The response's id, or {@link #NO_ID}. */
    public long id() {
        return id;
    }

    /** Whether the response (or the notification) has a {@code result} member. */
    public boolean hasResult() {
        return resultOffset >= 0;
    }

    /** Absolute offset of the {@code result} value, or -1 (an error response). */
    public int resultOffset() {
        return resultOffset;
    }

    public int resultLength() {
        return resultLength;
    }

    /** Whether the result is JSON {@code null} (a block or receipt the node does not have). */
    public boolean resultNull() {
        return resultNull;
    }

    /** Whether the response carries an {@code error} (then there is normally no result). */
    public boolean isError() {
        return resultOffset < 0;
    }

    /** The error's integer code, or {@link #NO_CODE}. */
    public long errorCode() {
        return errorCode;
    }

    /** The error's message (allocates; for logs), or an empty string. */
    public String errorMessage(final DirectBuffer src) {
        return errorMessageOffset < 0 ? "" : src.getStringWithoutLengthUtf8(errorMessageOffset, errorMessageLength);
    }

    /** Absolute offset of a notification's subscription id (the string's content, without quotes). */
    public int subscriptionOffset() {
        return subscriptionOffset;
    }

    public int subscriptionLength() {
        return subscriptionLength;
    }

    /** Elements of the last batch. */
    public int elementCount() {
        return elementCount;
    }

    public int elementOffset(final int index) {
        return elementOffsets[index];
    }

    public int elementLength(final int index) {
        return elementLengths[index];
    }

    /** Why the last frame was {@link #MALFORMED} (a {@link JsonError} code). */
    public int error() {
        return cursor.error();
    }

    public int errorOffset() {
        return cursor.errorOffset();
    }

    /**
     * Parse the last result as a quantity string that fits a non-negative long ({@code eth_blockNumber}).
     *
     * @return the value, or -1 if the result is not such a quantity.
     */
    public long resultAsLong(final DirectBuffer src) {
        if (resultOffset < 0 || resultNull) {
            return -1;
        }
        final JsonCursor c = cursor;
        c.wrap(src, resultOffset, resultLength);
        return c.readLongQuantity() && c.atEnd() ? c.word0() : -1;
    }

    /** The last result as a string's content (allocates; for subscription ids), or null if not a string. */
    public String resultAsString(final DirectBuffer src) {
        if (resultOffset < 0 || resultNull) {
            return null;
        }
        final JsonCursor c = cursor;
        c.wrap(src, resultOffset, resultLength);
        if (!c.readString() || !c.atEnd()) {
            return null;
        }
        return src.getStringWithoutLengthUtf8(c.stringStart(), c.stringEnd() - c.stringStart());
    }
}
