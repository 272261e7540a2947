package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code inv} / {@code getdata} / {@code notfound} payload: a list of typed hashes.
 *
 * <pre>
 *   count varint (&le; {@value Command#MAX_INV}) | (type u32 | hash (32)) * count
 * </pre>
 *
 * <p>Immutable once built; safe from any thread if the arrays are not mutated.
 *
 * @param items the inventory vectors in wire order
 */
public record InventoryMessage(List<Item> items) {
    /** MSG_TX. */
    public static final int MSG_TX = 1;
    /** MSG_BLOCK. */
    public static final int MSG_BLOCK = 2;
    /** The BIP144 flag asking for witness serialization. */
    public static final int MSG_WITNESS_FLAG = 1 << 30;
    /** MSG_WITNESS_TX. */
    public static final int MSG_WITNESS_TX = MSG_TX | MSG_WITNESS_FLAG;
    /** MSG_WITNESS_BLOCK. */
    public static final int MSG_WITNESS_BLOCK = MSG_BLOCK | MSG_WITNESS_FLAG;
    /** MSG_WTX (BIP339: a wtxid). */
    public static final int MSG_WTX = 5;

    /**
     * One inventory vector.
     *
     * @param type MSG_* type
     * @param hash 32-byte hash, internal byte order
     */
    public record Item(int type, byte[] hash) {
        /** The type without the witness flag. */
        public int baseType() {
            return type & ~MSG_WITNESS_FLAG;
        }
    }

    public ByteBuf encode(final ByteBufAllocator alloc) {
        final ByteBuf out = alloc.buffer(9 + 36 * items.size());
        WireWriter.varInt(out, items.size());
        for (Item it : items) {
            out.writeIntLE(it.type());
            out.writeBytes(it.hash(), 0, 32);
        }
        return out;
    }

    /** Parse a payload, or {@code null} when it is malformed (count above the cap or not matching the length). */
    public static InventoryMessage decode(final ByteBuf payload) {
        final WireReader r = new WireReader().wrap(payload);
        final int count = (int)r.varInt(Command.MAX_INV);
        if (!r.ok() || r.remaining() != 36L * count) {
            return null;
        }
        final List<Item> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final int type = r.int32();
            items.add(new Item(type, r.bytes(32)));
        }
        return r.done() ? new InventoryMessage(items) : null;
    }
}
