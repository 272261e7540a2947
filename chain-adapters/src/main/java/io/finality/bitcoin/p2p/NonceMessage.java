package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The {@code ping} and {@code pong} payload: one 64-bit nonce, echoed by the pong.
 *
 * <p>Stateless; safe from any thread.
 */
public final class NonceMessage {
    /** {@link #decode} result for a malformed payload; a real nonce of this value is treated the same (harmless). */
    public static final long MALFORMED = Long.MIN_VALUE;

    private NonceMessage() {
    }

    public static ByteBuf encode(final ByteBufAllocator alloc, final long nonce) {
        return alloc.buffer(8).writeLongLE(nonce);
    }

    /** The nonce, or {@link #MALFORMED} when the payload is not exactly 8 bytes. */
    public static long decode(final ByteBuf payload) {
        if (payload.readableBytes() != 8) {
            return MALFORMED;
        }
        return payload.getLongLE(payload.readerIndex());
    }
}
