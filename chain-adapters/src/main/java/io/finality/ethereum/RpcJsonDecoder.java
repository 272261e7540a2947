package io.finality.ethereum;

import org.agrona.DirectBuffer;

/**
 * Shared front of the JSON-RPC response decoders: accepts either a whole response object
 * ({@code {"jsonrpc":"2.0","id":..,"result":..}}, members in any order) or the bare result value, turns
 * an {@code "error"} member or a {@code null} result into an error code, and refuses trailing bytes.
 *
 * <p>Thread rules: not thread-safe; subclasses are used by one thread at a time and allocate nothing.
 */
abstract class RpcJsonDecoder {
    private static final long JSONRPC = JsonCursor.keyWord("jsonrpc", 0);
    private static final long ID = JsonCursor.keyWord("id", 0);
    private static final long RESULT = JsonCursor.keyWord("result", 0);
    private static final long ERROR = JsonCursor.keyWord("error", 0);

    protected final JsonCursor cursor = new JsonCursor();

    /**
     * Decode {@code src[offset, offset + length)}.
     *
     * @return {@link JsonError#OK} or an error code; {@link #errorOffset()} tells where.
     */
    protected final int decodeResponse(final DirectBuffer src, final int offset, final int length) {
        final JsonCursor c = cursor;
        c.wrap(src, offset, length);
        if (c.peek() == '{' && isEnvelope(c)) {
            c.expect('{');
            boolean first = true;
            boolean sawResult = false;
            int step;
            while ((step = c.nextMember(first)) == JsonCursor.MORE) {
                first = false;
                if (c.keyIs(RESULT, 0)) {
                    final int at = c.position();
                    if (c.tryNull()) {
                        return done(c.fail(JsonError.NULL_RESULT, at));
                    }
                    if (!decodeResult()) {
                        return done(false);
                    }
                    sawResult = true;
                } else if (c.keyIs(ERROR, 0)) {
                    return done(c.fail(JsonError.RPC_ERROR, c.position()));
                } else if (!c.skipValue()) {
                    return done(false);
                }
            }
            if (step == JsonCursor.FAILED) {
                return done(false);
            }
            if (!sawResult) {
                return done(c.fail(JsonError.MISSING_FIELD, offset));
            }
        } else {
            if (c.error() != JsonError.OK) {
                return done(false);
            }
            if (c.tryNull()) {
                return done(c.fail(JsonError.NULL_RESULT, offset));
            }
            if (!decodeResult()) {
                return done(false);
            }
        }
        if (!c.atEnd()) {
            c.fail(JsonError.TRAILING_BYTES, c.position());
        }
        return done(false);
    }

    /** Where the last decode failed (absolute offset in the source buffer). */
    public final int errorOffset() {
        return cursor.errorOffset();
    }

    /** The last decode's status. */
    public final int decodeStatus() {
        return cursor.error();
    }

    private int done(final boolean ignored) {
        return cursor.error();
    }

    /** Peek at the first key: a response envelope starts with one of its own members, never a block's. */
    private static boolean isEnvelope(final JsonCursor c) {
        final int start = c.position();
        c.expect('{');
        final boolean envelope = c.nextMember(true) == JsonCursor.MORE
            && (c.keyIs(JSONRPC, 0) || c.keyIs(ID, 0) || c.keyIs(RESULT, 0) || c.keyIs(ERROR, 0));
        c.position(start);
        return envelope;
    }

    /** Decode the result value at the cursor; false after latching an error in the cursor. */
    protected abstract boolean decodeResult();
}
