package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;

/**
 * Little-endian and compact-size writes onto a {@link ByteBuf}: the counterpart of {@link WireReader}.
 *
 * <p>Stateless; safe from any thread.
 */
public final class WireWriter {
    private WireWriter() {
    }

    /** Append a compact-size integer. */
    public static void varInt(final ByteBuf out, final long v) {
        if (v < 0xfd && v >= 0) {
            out.writeByte((int)v);
        } else if (v >= 0 && v <= 0xffff) {
            out.writeByte(0xfd);
            out.writeShortLE((int)v);
        } else if (v >= 0 && v <= 0xffff_ffffL) {
            out.writeByte(0xfe);
            out.writeIntLE((int)v);
        } else {
            out.writeByte(0xff);
            out.writeLongLE(v);
        }
    }

    /** Length of {@code v} as a compact-size integer. */
    public static int varIntLength(final long v) {
        if (v < 0xfd && v >= 0) {
            return 1;
        }
        if (v >= 0 && v <= 0xffff) {
            return 3;
        }
        return v >= 0 && v <= 0xffff_ffffL ? 5 : 9;
    }
}
