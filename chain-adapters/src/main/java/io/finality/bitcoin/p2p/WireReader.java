package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;

/**
 * A bounds-checked cursor over a payload that never throws: a read past the end (or a count above its
 * cap) clears {@link #ok()} and returns zero, so a payload codec reads straight through and checks
 * once at the end. This keeps malformed peer input a return value, not an exception.
 *
 * <p>Not thread-safe; reusable via {@link #wrap}.
 */
public final class WireReader {
    private ByteBuf buf;
    private int pos;
    private int end;
    private boolean ok;

    /** Read {@code buf}'s readable bytes (its indexes are not moved). */
    public WireReader wrap(final ByteBuf buf) {
        this.buf = buf;
        this.pos = buf.readerIndex();
        this.end = buf.writerIndex();
        this.ok = true;
        return this;
    }

    /** False once any read ran past the end or a count exceeded its cap. */
    public boolean ok() {
        return ok;
    }

    /** Bytes left. */
    public int remaining() {
        return end - pos;
    }

    /** True when every byte was consumed and no read failed: what a well-formed payload leaves. */
    public boolean done() {
        return ok && pos == end;
    }

    /** Absolute index of the next byte in the wrapped buffer. */
    public int position() {
        return pos;
    }

    private boolean need(final int n) {
        if (!ok || end - pos < n) {
            ok = false;
            return false;
        }
        return true;
    }

    public int u8() {
        if (!need(1)) {
            return 0;
        }
        return buf.getUnsignedByte(pos++);
    }

    public int int32() {
        if (!need(4)) {
            return 0;
        }
        final int v = buf.getIntLE(pos);
        pos += 4;
        return v;
    }

    public long int64() {
        if (!need(8)) {
            return 0;
        }
        final long v = buf.getLongLE(pos);
        pos += 8;
        return v;
    }

    /** Compact-size integer; values above {@code max} clear {@link #ok()} (so no caller allocates a lying count). */
    public long varInt(final long max) {
        final int first = u8();
        final long v;
        if (first < 0xfd) {
            v = first;
        } else if (first == 0xfd) {
            v = need(2) ? buf.getUnsignedShortLE(pos) : 0;
            pos += ok ? 2 : 0;
        } else if (first == 0xfe) {
            v = need(4) ? buf.getUnsignedIntLE(pos) : 0;
            pos += ok ? 4 : 0;
        } else {
            v = need(8) ? buf.getLongLE(pos) : 0;
            pos += ok ? 8 : 0;
        }
        if (v < 0 || v > max) {
            ok = false;
            return 0;
        }
        return v;
    }

    /** Copy {@code n} bytes into a new array (empty array when short). */
    public byte[] bytes(final int n) {
        if (!need(n)) {
            return new byte[0];
        }
        final byte[] out = new byte[n];
        buf.getBytes(pos, out);
        pos += n;
        return out;
    }

    /** Skip {@code n} bytes. */
    public void skip(final int n) {
        if (need(n)) {
            pos += n;
        }
    }
}
