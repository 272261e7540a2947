package io.finality.engine.command;

import io.finality.core.chain.ChainId;
import io.finality.engine.model.InvoiceSpec;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The ring payload of {@code INVOICE_OPEN} and {@code INVOICE_CANCEL}: what the API publishes,
 * stage 1 reads (the watch key) and stage 2 reads (the invoice). Little-endian:
 *
 * <pre>
 *  OPEN:   version u8 (=1) | slot i32 | chain u16 | dueHi i64 | dueLo i64 | expiresAtMs i64
 *          | hasContract u8 | contract [20] | keyLength u16 | key [keyLength]
 *          | then four strings, each u16 length + UTF-8: invoiceId, policy, orderId, correlationId
 *  CANCEL: version u8 (=1) | slot i32
 * </pre>
 *
 * <p>Decoding checks every length against the payload, so a corrupt slot yields null / -1, never
 * an out-of-bounds read. Stateless; safe from any thread. Encoding and decoding allocate (the
 * strings): invoice commands are rare next to blocks.
 */
public final class InvoiceCommandCodec {
    public static final int VERSION = 1;
    public static final int MAX_KEY_LENGTH = 10_000;
    public static final int MAX_STRING_BYTES = 256;
    private static final int KEY_LENGTH_OFFSET = 1 + 4 + 2 + 8 + 8 + 8 + 1 + 20;

    private InvoiceCommandCodec() {
    }

    /** Bytes an OPEN payload needs. */
    public static int openLength(final InvoiceSpec spec, final int keyLength) {
        return KEY_LENGTH_OFFSET + 2 + keyLength + str(spec.invoiceId()).length + str(spec.policyName()).length
            + str(spec.orderId()).length + str(spec.correlationId()).length + 8;
    }

    /** Encode an OPEN payload; returns its length. */
    public static int encodeOpen(
        final InvoiceSpec spec, final byte[] watchKey, final MutableDirectBuffer out, final int offset) {
        if (watchKey.length == 0 || watchKey.length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("watch key must be 1.." + MAX_KEY_LENGTH + " bytes, was " + watchKey.length);
        }
        int p = offset;
        out.putByte(p, (byte)VERSION);
        out.putInt(p + 1, spec.slot());
        out.putShort(p + 5, (short)spec.chain().code());
        out.putLong(p + 7, spec.dueHi());
        out.putLong(p + 15, spec.dueLo());
        out.putLong(p + 23, spec.expiresAtMs());
        out.putByte(p + 31, (byte)(spec.contract() == null ? 0 : 1));
        if (spec.contract() != null) {
            out.putBytes(p + 32, spec.contract(), 0, 20);
        } else {
            out.setMemory(p + 32, 20, (byte)0);
        }
        p += KEY_LENGTH_OFFSET;
        out.putShort(p, (short)watchKey.length);
        out.putBytes(p + 2, watchKey);
        p += 2 + watchKey.length;
        p = putString(out, p, spec.invoiceId());
        p = putString(out, p, spec.policyName());
        p = putString(out, p, spec.orderId());
        p = putString(out, p, spec.correlationId());
        return p - offset;
    }

    /** Encode a CANCEL payload; returns its length. */
    public static int encodeCancel(final int slot, final MutableDirectBuffer out, final int offset) {
        out.putByte(offset, (byte)VERSION);
        out.putInt(offset + 1, slot);
        return 5;
    }

    /** Slot of a CANCEL payload, or -1 if malformed. */
    public static int cancelSlot(final DirectBuffer in, final int offset, final int length) {
        if (length < 5 || in.getByte(offset) != VERSION) {
            return -1;
        }
        return in.getInt(offset + 1);
    }

    /** Offset of the watch key in an OPEN payload, or -1 if malformed. */
    public static int keyOffset(final DirectBuffer in, final int offset, final int length) {
        final int keyLength = keyLength(in, offset, length);
        return keyLength < 0 ? -1 : offset + KEY_LENGTH_OFFSET + 2;
    }

    /** Length of the watch key in an OPEN payload, or -1 if malformed. */
    public static int keyLength(final DirectBuffer in, final int offset, final int length) {
        if (length < KEY_LENGTH_OFFSET + 2 || in.getByte(offset) != VERSION) {
            return -1;
        }
        final int n = in.getShort(offset + KEY_LENGTH_OFFSET) & 0xFFFF;
        return n == 0 || KEY_LENGTH_OFFSET + 2 + n > length ? -1 : n;
    }

    /** Chain code of an OPEN payload (valid only if {@link #keyLength} is not -1). */
    public static int chainCode(final DirectBuffer in, final int offset) {
        return in.getShort(offset + 5) & 0xFFFF;
    }

    /** Slot of an OPEN payload (valid only if {@link #keyLength} is not -1). */
    public static int openSlot(final DirectBuffer in, final int offset) {
        return in.getInt(offset + 1);
    }

    /** Decode an OPEN payload, or null if it is malformed. */
    public static InvoiceSpec decodeOpen(final DirectBuffer in, final int offset, final int length) {
        final int keyLength = keyLength(in, offset, length);
        if (keyLength < 0) {
            return null;
        }
        final ChainId chain = ChainId.fromCode(chainCode(in, offset));
        if (chain == null) {
            return null;
        }
        byte[] contract = null;
        if (in.getByte(offset + 31) == 1) {
            contract = new byte[20];
            in.getBytes(offset + 32, contract);
        }
        final int[] cursor = {offset + KEY_LENGTH_OFFSET + 2 + keyLength};
        final int limit = offset + length;
        final String id = getString(in, cursor, limit);
        final String policy = getString(in, cursor, limit);
        final String order = getString(in, cursor, limit);
        final String corr = getString(in, cursor, limit);
        if (id == null || policy == null || order == null || corr == null) {
            return null;
        }
        return new InvoiceSpec(openSlot(in, offset), id, chain, contract, in.getLong(offset + 7), in.getLong(offset + 15),
            in.getLong(offset + 23), policy, order, corr);
    }

    private static byte[] str(final String s) {
        final byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("field longer than " + MAX_STRING_BYTES + " bytes");
        }
        return b;
    }

    private static int putString(final MutableDirectBuffer out, final int p, final String s) {
        final byte[] b = str(s);
        out.putShort(p, (short)b.length);
        out.putBytes(p + 2, b);
        return p + 2 + b.length;
    }

    private static String getString(final DirectBuffer in, final int[] cursor, final int limit) {
        final int p = cursor[0];
        if (p + 2 > limit) {
            return null;
        }
        final int n = in.getShort(p) & 0xFFFF;
        if (n > MAX_STRING_BYTES || p + 2 + n > limit) {
            return null;
        }
        final byte[] b = new byte[n];
        in.getBytes(p + 2, b);
        cursor[0] = p + 2 + n;
        return new String(b, StandardCharsets.UTF_8);
    }
}
