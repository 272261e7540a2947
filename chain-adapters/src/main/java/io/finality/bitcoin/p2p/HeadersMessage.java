package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code headers} payload: block headers, each followed by a transaction count that must be zero.
 *
 * <pre>
 *   count varint (&le; {@value Command#MAX_HEADERS}) | (header (80) | tx count varint = 0) * count
 * </pre>
 *
 * <p>Immutable once built; safe from any thread if the arrays are not mutated.
 *
 * @param headers 80-byte serialized headers in wire order
 */
public record HeadersMessage(List<byte[]> headers) {
    public ByteBuf encode(final ByteBufAllocator alloc) {
        final ByteBuf out = alloc.buffer(9 + 81 * headers.size());
        WireWriter.varInt(out, headers.size());
        for (byte[] h : headers) {
            out.writeBytes(h, 0, BlockHeader.LENGTH);
            out.writeByte(0);
        }
        return out;
    }

    /** Parse a payload, or {@code null} when it is malformed (count over the cap, length mismatch, non-zero tx count). */
    public static HeadersMessage decode(final ByteBuf payload) {
        final WireReader r = new WireReader().wrap(payload);
        final int count = (int)r.varInt(Command.MAX_HEADERS);
        if (!r.ok() || r.remaining() != 81L * count) {
            return null;
        }
        final List<byte[]> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            headers.add(r.bytes(BlockHeader.LENGTH));
            if (r.u8() != 0) {
                return null;
            }
        }
        return r.done() ? new HeadersMessage(headers) : null;
    }
}
