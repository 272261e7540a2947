package io.finality.core.event;

import org.agrona.DirectBuffer;

/**
 * The journal record header shared by every record type, the record type codes, the format version, and
 * the result codes of the encoders and decoders. All values little-endian. docs/events.md is the
 * field-by-field reference; this diagram is the source of truth for the header:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |  magic 0xF1   |  version (1)  |  record type  | flags (0)     |  0
 *  +---------------+---------------+---------------+---------------+
 *  |              total length of the record, header included (u32) |  4
 *  +---------------------------------------------------------------+
 *  |                     type-specific body ...                   ...  8
 * </pre>
 *
 * <p>Versioning: {@link #CURRENT_VERSION} is written by this code. A reader refuses any other version with
 * {@link #UNKNOWN_VERSION} (never guesses at a newer layout); a change to any field, enum code or flag
 * bit is a new version. Header flags are reserved: written as 0, ignored by version-1 readers.
 *
 * <p>Constants and static helpers only; safe from any thread.
 */
public final class EventRecord {
    /** First byte of every record: catches a reader pointed at the wrong bytes. */
    public static final int MAGIC = 0xF1;
    /** The layout version this code writes and the only one it reads. */
    public static final int CURRENT_VERSION = 1;

    /** Record type: one payment event ({@link PaymentEventEncoder}). */
    public static final int TYPE_PAYMENT_EVENT = 1;
    /** Record type: the end of one engine step ({@link StepMarkerEncoder}). */
    public static final int TYPE_STEP_MARKER = 2;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 1;
    public static final int TYPE_OFFSET = 2;
    public static final int FLAGS_OFFSET = 3;
    public static final int LENGTH_OFFSET = 4;
    /** Bytes of the header. */
    public static final int HEADER_LENGTH = 8;

    /** Success. */
    public static final int OK = 0;
    /** The record claims more bytes than are available, or is shorter than its fixed block. */
    public static final int TRUNCATED = 1;
    /** The record's version is not {@link #CURRENT_VERSION} (typically written by a newer Finality). */
    public static final int UNKNOWN_VERSION = 2;
    /** The record type byte is not assigned in this version. */
    public static final int UNKNOWN_TYPE = 3;
    /** A variable-length field runs past the record, exceeds its limit, or the fields do not end at the record's end. */
    public static final int BAD_LENGTH = 4;
    /** The first byte is not {@link #MAGIC}: not a Finality event record. */
    public static final int BAD_MAGIC = 5;
    /** A chain, event type, status or flag value is not assigned in this version. */
    public static final int BAD_VALUE = 6;
    /** A well-formed record of another type than the decoder reads (dispatch on {@link #recordType}). */
    public static final int WRONG_TYPE = 7;
    /** Encoder: a variable-length field is longer than its documented limit. */
    public static final int FIELD_TOO_LONG = 8;
    /** Encoder: a character outside US-ASCII was given to a {@code CharSequence} setter. */
    public static final int NOT_ASCII = 9;
    /** Encoder: a variable-length field was set after a later one (they are written in layout order). */
    public static final int OUT_OF_ORDER = 10;
    /** Encoder: the target buffer cannot hold the field. */
    public static final int INSUFFICIENT_CAPACITY = 11;

    private EventRecord() {
    }

    /**
     * Check the header at {@code offset} without reading past {@code limit}: magic, version, known type and
     * that the claimed length fits. Body checks are the typed decoders' job.
     *
     * @return {@link #OK} or a result code for {@link #describe(int)}.
     */
    public static int checkHeader(final DirectBuffer buffer, final int offset, final int limit) {
        final int end = Math.min(limit, buffer.capacity());
        if (offset < 0 || end - offset < HEADER_LENGTH) {
            return TRUNCATED;
        }
        if ((buffer.getByte(offset + MAGIC_OFFSET) & 0xFF) != MAGIC) {
            return BAD_MAGIC;
        }
        if ((buffer.getByte(offset + VERSION_OFFSET) & 0xFF) != CURRENT_VERSION) {
            return UNKNOWN_VERSION;
        }
        final int type = buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
        if (type != TYPE_PAYMENT_EVENT && type != TYPE_STEP_MARKER) {
            return UNKNOWN_TYPE;
        }
        final long length = recordLength(buffer, offset);
        if (length > end - offset || length < HEADER_LENGTH) {
            return TRUNCATED;
        }
        return OK;
    }

    /** The record type byte (valid after {@link #checkHeader} returned OK). */
    public static int recordType(final DirectBuffer buffer, final int offset) {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    /** The version byte. */
    public static int version(final DirectBuffer buffer, final int offset) {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    /** The total record length (u32) as claimed by the header. */
    public static long recordLength(final DirectBuffer buffer, final int offset) {
        return buffer.getInt(offset + LENGTH_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }

    /** A clear message for a result code. */
    public static String describe(final int code) {
        switch (code) {
            case OK:
                return "ok";
            case TRUNCATED:
                return "truncated record: it claims more bytes than are available or is shorter than its fixed block";
            case UNKNOWN_VERSION:
                return "unknown record version: this reader understands version " + CURRENT_VERSION
                    + " only; upgrade the reader to read records written by a newer Finality";
            case UNKNOWN_TYPE:
                return "unknown record type: not a payment event (" + TYPE_PAYMENT_EVENT + ") or step marker (" + TYPE_STEP_MARKER + ")";
            case BAD_LENGTH:
                return "bad length: a variable-length field exceeds its limit or the record, or the fields do not fill the record";
            case BAD_MAGIC:
                return "bad magic: not a Finality event record (expected first byte 0xF1)";
            case BAD_VALUE:
                return "bad value: a chain, event type, status or flag code not assigned in version " + CURRENT_VERSION;
            case WRONG_TYPE:
                return "wrong record type for this decoder";
            case FIELD_TOO_LONG:
                return "field too long: exceeds its documented limit";
            case NOT_ASCII:
                return "field has a non-ASCII character: pass pre-encoded UTF-8 bytes instead";
            case OUT_OF_ORDER:
                return "variable-length fields are set once each, in layout order: invoiceId, orderId, correlationId, reason";
            case INSUFFICIENT_CAPACITY:
                return "insufficient buffer capacity for the record";
            default:
                return "unknown result code " + code;
        }
    }
}
