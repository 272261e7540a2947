package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code getheaders} / {@code getblocks} payload: "send what follows the first of these hashes you
 * have on your best chain, up to the stop hash".
 *
 * <pre>
 *   version u32 | count varint (&le; {@value Command#MAX_LOCATOR}) | hash (32) * count | stop hash (32)
 * </pre>
 *
 * <p>Hashes are in internal byte order (as hashed, not as displayed). Immutable once built; safe from any
 * thread if the arrays are not mutated.
 *
 * @param version protocol version of the sender
 * @param locator block hashes, newest first
 * @param stop last hash wanted, or 32 zero bytes for "as many as allowed"
 */
public record LocatorMessage(int version, List<byte[]> locator, byte[] stop) {
    public ByteBuf encode(final ByteBufAllocator alloc) {
        final ByteBuf out = alloc.buffer(4 + 9 + 32 * locator.size() + 32);
        out.writeIntLE(version);
        WireWriter.varInt(out, locator.size());
        for (byte[] h : locator) {
            out.writeBytes(h, 0, 32);
        }
        out.writeBytes(stop, 0, 32);
        return out;
    }

    /** Parse a payload, or {@code null} when it is malformed. */
    public static LocatorMessage decode(final ByteBuf payload) {
        final WireReader r = new WireReader().wrap(payload);
        final int version = r.int32();
        final int count = (int)r.varInt(Command.MAX_LOCATOR);
        if (!r.ok() || r.remaining() != 32L * count + 32) {
            return null;
        }
        final List<byte[]> locator = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            locator.add(r.bytes(32));
        }
        final byte[] stop = r.bytes(32);
        return r.done() ? new LocatorMessage(version, locator, stop) : null;
    }
}
