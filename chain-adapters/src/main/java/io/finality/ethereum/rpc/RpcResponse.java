package io.finality.ethereum.rpc;

import io.finality.ethereum.RpcFrameReader;
import io.netty.buffer.ByteBuf;
import org.agrona.DirectBuffer;

/**
 * One response (or notification) as a handler sees it: a view of its bytes inside the received frame and
 * what {@link RpcFrameReader} found in its envelope. A flyweight the client re-points for every
 * response: valid only during the callback; {@link #retain()} keeps the bytes beyond it.
 *
 * <p>Thread rules: the client's event loop only.
 */
public final class RpcResponse {
    private final RpcFrameReader reader;
    private ByteBuf frame;
    private int frameBase;
    private DirectBuffer view;
    private int offset;
    private int length;

    RpcResponse(final RpcFrameReader reader) {
        this.reader = reader;
    }

    RpcResponse wrap(final ByteBuf buf, final int base, final DirectBuffer bytes, final int off, final int len) {
        frame = buf;
        frameBase = base;
        view = bytes;
        offset = off;
        length = len;
        return this;
    }

    /** The bytes; the response is {@code buffer()[offset(), offset() + length())}. */
    public DirectBuffer buffer() {
        return view;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** A retained slice of the response's bytes; the caller must release it. */
    public ByteBuf retain() {
        return frame.retainedSlice(frameBase + offset, length);
    }

    /** Whether the node answered with an error object. */
    public boolean isError() {
        return reader.isError();
    }

    public long errorCode() {
        return reader.errorCode();
    }

    /** The error message (allocates). */
    public String errorMessage() {
        return reader.errorMessage(view);
    }

    /** Whether the result is {@code null}. */
    public boolean resultNull() {
        return reader.resultNull();
    }

    /** The result as a non-negative quantity, or -1. */
    public long resultAsLong() {
        return reader.resultAsLong(view);
    }

    /** The result as a string (allocates), or null. */
    public String resultAsString() {
        return reader.resultAsString(view);
    }

    /** Absolute offset in {@link #buffer()} of the result value (or a notification's result), or -1. */
    public int resultOffset() {
        return reader.resultOffset();
    }

    public int resultLength() {
        return reader.resultLength();
    }

    /** A notification's subscription id (allocates). */
    public String subscription() {
        return view.getStringWithoutLengthAscii(reader.subscriptionOffset(), reader.subscriptionLength());
    }

    /** A short description for logs: the error, or a null result. */
    public String describe() {
        if (isError()) {
            return "error " + (errorCode() == RpcFrameReader.NO_CODE ? "" : errorCode() + " ") + errorMessage();
        }
        return resultNull() ? "null result" : "result of " + resultLength() + " bytes";
    }
}
