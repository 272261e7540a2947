package io.finality.core.buffer;

import org.agrona.DirectBuffer;

/**
 * Range comparisons between buffers (Agrona compares whole buffers only). Reads eight bytes at a
 * time; allocates nothing. Stateless; safe from any thread.
 */
public final class Bytes {
    private Bytes() {
    }

    /** True if {@code a[aOffset, aOffset + length)} equals {@code b[bOffset, bOffset + length)}. */
    public static boolean equal(final DirectBuffer a, final int aOffset, final DirectBuffer b, final int bOffset, final int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (a.getLong(aOffset + i) != b.getLong(bOffset + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (a.getByte(aOffset + i) != b.getByte(bOffset + i)) {
                return false;
            }
        }
        return true;
    }
}
