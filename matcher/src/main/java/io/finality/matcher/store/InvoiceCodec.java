package io.finality.matcher.store;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import io.finality.core.chain.ChainId;
import io.finality.matcher.index.WatchKeyIndex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Versioned binary form of an {@link InvoiceRecord}: the RocksDB value in the {@code invoices} column family
 * and the ring payload of {@code INVOICE_OPEN}. Little-endian. The watch key sits at a fixed offset so the
 * scan stage can index it in place ({@link #keyOffset}, {@link #keyLength}) without decoding the record.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |  version (1)  |    status     |          chain code           |  0
 *  +---------------+---------------+-------------------------------+
 *  |                          slot (int)                           |  4
 *  +-------------------------------+---------------+---------------+
 *  |       watch key length        |   decimals    | flags: bit 0  |  8
 *  |                               |               | = contract    |
 *  +-------------------------------+---------------+---------------+
 *  |                     watch key bytes                         ...  12
 *  +---------------------------------------------------------------+
 *  |   amount due hi, amount due lo, createdAtMs, expiresAtMs      |  4 x long
 *  +---------------------------------------------------------------+
 *  |              asset contract (20 bytes, if flag)             ...
 *  +---------------------------------------------------------------+
 *  |  invoiceId, address, policy, orderId, correlationId: each a   |
 *  |  u16 byte length (0xFFFF = null) then that many UTF-8 bytes ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Bad bytes never throw from {@link #validate} or the accessors: {@code validate} returns a negative
 * code ({@link #describe} says what it means). {@link #decode} is for the edges and throws
 * {@link IllegalArgumentException} with that description. Stateless; safe from any thread.
 */
public final class InvoiceCodec {
    /** Current layout version. */
    public static final int VERSION = 1;
    public static final int TRUNCATED = -1;
    public static final int BAD_VERSION = -2;
    public static final int BAD_STATUS = -3;
    public static final int BAD_CHAIN = -4;
    public static final int BAD_KEY_LENGTH = -5;
    public static final int BAD_FLAGS = -6;
    public static final int BAD_TEXT = -7;
    /** Longest UTF-8 form of a text field (256 chars of up to 3 bytes each, with room). */
    public static final int MAX_TEXT_BYTES = 1024;

    static final int VERSION_OFFSET = 0;
    static final int STATUS_OFFSET = 1;
    static final int CHAIN_OFFSET = 2;
    static final int SLOT_OFFSET = 4;
    static final int KEY_LENGTH_OFFSET = 8;
    static final int DECIMALS_OFFSET = 10;
    static final int FLAGS_OFFSET = 11;
    static final int KEY_OFFSET = 12;
    private static final int FIXED_AFTER_KEY = 4 * Long.BYTES;
    private static final int CONTRACT_LENGTH = 20;
    private static final int FLAG_CONTRACT = 1;
    private static final int NULL_TEXT = 0xFFFF;
    private static final int TEXT_FIELDS = 5;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private InvoiceCodec() {
    }

    /** Bytes {@link #encode} will write for {@code record}. */
    public static int encodedLength(final InvoiceRecord record) {
        return KEY_OFFSET + record.watchKeyLength() + FIXED_AFTER_KEY + (record.assetContract() == null ? 0 : CONTRACT_LENGTH)
            + textLength(record.invoiceId()) + textLength(record.address()) + textLength(record.policy())
            + textLength(record.orderId()) + textLength(record.correlationId());
    }

    /**
     * Writes {@code record} at {@code offset}; the buffer must have room for {@link #encodedLength} bytes (an
     * expandable buffer grows).
     *
     * @return the number of bytes written.
     */
    public static int encode(final InvoiceRecord record, final MutableDirectBuffer buffer, final int offset) {
        final byte[] key = record.watchKey();
        buffer.putByte(offset + VERSION_OFFSET, (byte) VERSION);
        buffer.putByte(offset + STATUS_OFFSET, (byte) record.status().code());
        buffer.putShort(offset + CHAIN_OFFSET, (short) record.chain().code(), ORDER);
        buffer.putInt(offset + SLOT_OFFSET, record.slot(), ORDER);
        buffer.putShort(offset + KEY_LENGTH_OFFSET, (short) key.length, ORDER);
        buffer.putByte(offset + DECIMALS_OFFSET, (byte) record.assetDecimals());
        buffer.putByte(offset + FLAGS_OFFSET, (byte) (record.assetContract() == null ? 0 : FLAG_CONTRACT));
        int at = offset + KEY_OFFSET;
        buffer.putBytes(at, key);
        at += key.length;
        buffer.putLong(at, record.amountDueHi(), ORDER);
        buffer.putLong(at + 8, record.amountDueLo(), ORDER);
        buffer.putLong(at + 16, record.createdAtMs(), ORDER);
        buffer.putLong(at + 24, record.expiresAtMs(), ORDER);
        at += FIXED_AFTER_KEY;
        if (record.assetContract() != null) {
            buffer.putBytes(at, java.util.HexFormat.of().parseHex(record.assetContract(), 2, 42));
            at += CONTRACT_LENGTH;
        }
        at = putText(buffer, at, record.invoiceId());
        at = putText(buffer, at, record.address());
        at = putText(buffer, at, record.policy());
        at = putText(buffer, at, record.orderId());
        at = putText(buffer, at, record.correlationId());
        return at - offset;
    }

    /**
     * Checks the structure of an encoded record in {@code buffer[offset, offset + length)} without allocating.
     *
     * @return the encoded length (which may be less than {@code length}), or a negative code.
     */
    public static int validate(final DirectBuffer buffer, final int offset, final int length) {
        if (length < KEY_OFFSET || offset < 0 || (long) offset + length > buffer.capacity()) {
            return TRUNCATED;
        }
        if (buffer.getByte(offset + VERSION_OFFSET) != VERSION) {
            return BAD_VERSION;
        }
        if (InvoiceStatus.fromCode(buffer.getByte(offset + STATUS_OFFSET)) == null) {
            return BAD_STATUS;
        }
        if (ChainId.fromCode(chainCode(buffer, offset)) == null) {
            return BAD_CHAIN;
        }
        final int keyLength = keyLength(buffer, offset);
        if (keyLength < 1 || keyLength > WatchKeyIndex.MAX_KEY_LENGTH) {
            return BAD_KEY_LENGTH;
        }
        final int flags = buffer.getByte(offset + FLAGS_OFFSET);
        if ((flags & ~FLAG_CONTRACT) != 0 || (buffer.getByte(offset + DECIMALS_OFFSET) & 0xFF) > 38) {
            return BAD_FLAGS;
        }
        final int end = offset + length;
        int at = offset + KEY_OFFSET + keyLength + FIXED_AFTER_KEY + ((flags & FLAG_CONTRACT) != 0 ? CONTRACT_LENGTH : 0);
        for (int i = 0; i < TEXT_FIELDS; i++) {
            if (at + 2 > end) {
                return TRUNCATED;
            }
            final int textLength = buffer.getShort(at, ORDER) & 0xFFFF;
            at += 2;
            if (textLength == NULL_TEXT) {
                continue;
            }
            if (textLength > MAX_TEXT_BYTES) {
                return BAD_TEXT;
            }
            at += textLength;
        }
        return at > end ? TRUNCATED : at - offset;
    }

    /** What a negative {@link #validate} code means. */
    public static String describe(final int code) {
        return switch (code) {
            case TRUNCATED -> "truncated record";
            case BAD_VERSION -> "unknown layout version";
            case BAD_STATUS -> "unknown status code";
            case BAD_CHAIN -> "unknown chain code";
            case BAD_KEY_LENGTH -> "watch key length out of range";
            case BAD_FLAGS -> "bad flags or decimals";
            case BAD_TEXT -> "text field too long";
            default -> code >= 0 ? "valid" : "unknown error " + code;
        };
    }

    /**
     * Decodes a record (edge use: allocates).
     *
     * @throws IllegalArgumentException saying what is wrong with the bytes.
     */
    public static InvoiceRecord decode(final DirectBuffer buffer, final int offset, final int length) {
        final int valid = validate(buffer, offset, length);
        if (valid < 0) {
            throw new IllegalArgumentException(describe(valid));
        }
        final int keyLength = keyLength(buffer, offset);
        final byte[] key = new byte[keyLength];
        buffer.getBytes(offset + KEY_OFFSET, key);
        int at = offset + KEY_OFFSET + keyLength;
        final long amountHi = buffer.getLong(at, ORDER);
        final long amountLo = buffer.getLong(at + 8, ORDER);
        final long createdAtMs = buffer.getLong(at + 16, ORDER);
        final long expiresAtMs = buffer.getLong(at + 24, ORDER);
        at += FIXED_AFTER_KEY;
        String contract = null;
        if ((buffer.getByte(offset + FLAGS_OFFSET) & FLAG_CONTRACT) != 0) {
            final byte[] raw = new byte[CONTRACT_LENGTH];
            buffer.getBytes(at, raw);
            contract = "0x" + java.util.HexFormat.of().formatHex(raw);
            at += CONTRACT_LENGTH;
        }
        final String[] text = new String[TEXT_FIELDS];
        for (int i = 0; i < TEXT_FIELDS; i++) {
            final int textLength = buffer.getShort(at, ORDER) & 0xFFFF;
            at += 2;
            if (textLength != NULL_TEXT) {
                final byte[] raw = new byte[textLength];
                buffer.getBytes(at, raw);
                text[i] = new String(raw, StandardCharsets.UTF_8);
                at += textLength;
            }
        }
        return new InvoiceRecord(text[0], slot(buffer, offset), ChainId.fromCode(chainCode(buffer, offset)), contract,
            buffer.getByte(offset + DECIMALS_OFFSET) & 0xFF, key, text[1], amountHi, amountLo, createdAtMs, expiresAtMs, text[2],
            text[3], text[4], InvoiceStatus.fromCode(buffer.getByte(offset + STATUS_OFFSET)));
    }

    /** Chain code of a record that passed {@link #validate}. */
    public static int chainCode(final DirectBuffer buffer, final int offset) {
        return buffer.getShort(offset + CHAIN_OFFSET, ORDER) & 0xFFFF;
    }

    /** Invoice slot of a validated record. */
    public static int slot(final DirectBuffer buffer, final int offset) {
        return buffer.getInt(offset + SLOT_OFFSET, ORDER);
    }

    /** Status code of a validated record ({@link InvoiceStatus#code()}). */
    public static int statusCode(final DirectBuffer buffer, final int offset) {
        return buffer.getByte(offset + STATUS_OFFSET);
    }

    /** Where the watch key starts: the index can be given {@code buffer, keyOffset, keyLength} directly. */
    public static int keyOffset(final int offset) {
        return offset + KEY_OFFSET;
    }

    /** Length of the watch key of a validated record. */
    public static int keyLength(final DirectBuffer buffer, final int offset) {
        return buffer.getShort(offset + KEY_LENGTH_OFFSET, ORDER) & 0xFFFF;
    }

    private static int textLength(final String text) {
        return 2 + (text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length);
    }

    private static int putText(final MutableDirectBuffer buffer, final int at, final String text) {
        if (text == null) {
            buffer.putShort(at, (short) NULL_TEXT, ORDER);
            return at + 2;
        }
        final byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        buffer.putShort(at, (short) raw.length, ORDER);
        buffer.putBytes(at + 2, raw);
        return at + 2 + raw.length;
    }
}
