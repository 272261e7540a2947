package io.finality.core.event;

/**
 * Offsets and limits of a version-1 {@link EventRecord#TYPE_PAYMENT_EVENT PAYMENT_EVENT} record, shared by
 * {@link PaymentEventEncoder} and {@link PaymentEventDecoder}. Little-endian; offsets from the record start;
 * multi-byte fixed fields are naturally aligned when the record starts on an 8-byte boundary.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |  magic 0xF1   |  version (1)  |  type (1)     | flags (0)     |    0
 *  +---------------+---------------+---------------+---------------+
 *  |                     total length (u32)                        |    4
 *  +---------------------------------------------------------------+
 *  |                   sequence (i64, gap-free from 1)             |    8
 *  +---------------------------------------------------------------+
 *  |                   event id (16 bytes, from the engine)        |   16
 *  +---------------------------------------------------------------+
 *  |                   timestamp ms (i64, the step's time input)   |   32
 *  +-------------------------------+---------------+---------------+
 *  |        chain code (u16)       |  event type   |  status       |   40
 *  +---------------+---------------+---------------+---------------+
 *  |  prev status  |           reserved (0)                        |   44
 *  +---------------+-----------------------------------------------+
 *  |                   height (i64, -1 = none)                     |   48
 *  +---------------------------------------------------------------+
 *  |                   confirmations (i32)                         |   56
 *  +---------------------------------------------------------------+
 *  |                   output index (i32, -1 = none)               |   60
 *  +---------------------------------------------------------------+
 *  |                   payment flags (u32, {@link PaymentFlags})   |   64
 *  +---------------------------------------------------------------+
 *  |                   reserved (0)                                |   68
 *  +---------------------------------------------------------------+
 *  |                   block hash (32, internal byte order)        |   72
 *  +---------------------------------------------------------------+
 *  |                   txid (32, internal byte order)              |  104
 *  +---------------------------------------------------------------+
 *  |                   asset contract (20, zero = native coin)     |  136
 *  +---------------------------------------------------------------+
 *  |                   reserved (0)                                |  156
 *  +---------------------------------------------------------------+
 *  |                   payment amount (u128: lo i64, hi i64)       |  160
 *  +---------------------------------------------------------------+
 *  |                   amount due (u128)                           |  176
 *  +---------------------------------------------------------------+
 *  |                   received total (u128, counted payments)     |  192
 *  +---------------------------------------------------------------+
 *  |                   confirmed total (u128)                      |  208
 *  +-------------------------------+-------------------------------+
 *  |  invoice id length (u16)      |  invoice id (UTF-8)          ...  224
 *  +-------------------------------+-------------------------------+
 *  |  order id length (u16)        |  order id (UTF-8)            ...
 *  +-------------------------------+-------------------------------+
 *  |  correlation id length (u16)  |  correlation id (UTF-8)      ...
 *  +-------------------------------+-------------------------------+
 *  |  reason length (u16)          |  reason (UTF-8)              ...
 *  +-------------------------------+-------------------------------+
 * </pre>
 *
 * <p>Status codes are {@link InvoiceStatus#code()}; prev status 0 means none (the invoice's first event).
 * A u128 is stored low half first, so the 16 bytes are one little-endian 128-bit integer.
 *
 * <table>
 *   <caption>Variable-length field limits (bytes of UTF-8)</caption>
 *   <tr><th>field</th><th>limit</th></tr>
 *   <tr><td>invoice id</td><td>{@value #MAX_INVOICE_ID_LENGTH}</td></tr>
 *   <tr><td>order id</td><td>{@value #MAX_ORDER_ID_LENGTH}</td></tr>
 *   <tr><td>correlation id</td><td>{@value #MAX_CORRELATION_ID_LENGTH}</td></tr>
 *   <tr><td>reason</td><td>{@value #MAX_REASON_LENGTH}</td></tr>
 * </table>
 *
 * <p>Constants only; safe from any thread.
 */
public final class PaymentEventLayout {
    public static final int SEQUENCE_OFFSET = 8;
    public static final int EVENT_ID_OFFSET = 16;
    public static final int EVENT_ID_LENGTH = 16;
    public static final int TIMESTAMP_OFFSET = 32;
    public static final int CHAIN_OFFSET = 40;
    public static final int EVENT_TYPE_OFFSET = 42;
    public static final int STATUS_OFFSET = 43;
    public static final int PREVIOUS_STATUS_OFFSET = 44;
    public static final int HEIGHT_OFFSET = 48;
    public static final int CONFIRMATIONS_OFFSET = 56;
    public static final int OUTPUT_INDEX_OFFSET = 60;
    public static final int PAYMENT_FLAGS_OFFSET = 64;
    public static final int BLOCK_HASH_OFFSET = 72;
    public static final int HASH_LENGTH = 32;
    public static final int TXID_OFFSET = 104;
    public static final int ASSET_CONTRACT_OFFSET = 136;
    public static final int ASSET_CONTRACT_LENGTH = 20;
    public static final int PAYMENT_AMOUNT_OFFSET = 160;
    public static final int AMOUNT_DUE_OFFSET = 176;
    public static final int RECEIVED_TOTAL_OFFSET = 192;
    public static final int CONFIRMED_TOTAL_OFFSET = 208;
    /** Bytes of a u128 field. */
    public static final int U128_LENGTH = 16;
    /** End of the fixed block: the first variable-length field's u16 length starts here. */
    public static final int FIXED_LENGTH = 224;

    /** Index of the invoice id among the variable-length fields (their layout order). */
    public static final int INVOICE_ID = 0;
    public static final int ORDER_ID = 1;
    public static final int CORRELATION_ID = 2;
    public static final int REASON = 3;
    /** Number of variable-length fields. */
    public static final int VAR_FIELD_COUNT = 4;
    /** Bytes of each variable-length field's length prefix (u16). */
    public static final int VAR_LENGTH_PREFIX = 2;

    /** Limit of the invoice id: ids are chosen by the merchant's system, typically a UUID or a short key. */
    public static final int MAX_INVOICE_ID_LENGTH = 128;
    /** Limit of the opaque order id echoed back to the gateway. */
    public static final int MAX_ORDER_ID_LENGTH = 128;
    /** Limit of the opaque correlation id echoed back to the gateway. */
    public static final int MAX_CORRELATION_ID_LENGTH = 128;
    /** Limit of the free-text reason, e.g. {@code "replaced by <64 hex txid>"}. */
    public static final int MAX_REASON_LENGTH = 256;

    /** A record with all four variable-length fields empty. */
    public static final int MIN_LENGTH = FIXED_LENGTH + VAR_FIELD_COUNT * VAR_LENGTH_PREFIX;
    /** The longest record: size encode buffers with this. */
    public static final int MAX_LENGTH =
        MIN_LENGTH + MAX_INVOICE_ID_LENGTH + MAX_ORDER_ID_LENGTH + MAX_CORRELATION_ID_LENGTH + MAX_REASON_LENGTH;

    private static final int[] MAX_VAR_LENGTH = {MAX_INVOICE_ID_LENGTH, MAX_ORDER_ID_LENGTH, MAX_CORRELATION_ID_LENGTH, MAX_REASON_LENGTH};

    private PaymentEventLayout() {
    }

    /** The limit of variable-length field {@code index} ({@link #INVOICE_ID} .. {@link #REASON}). */
    public static int maxVarLength(final int index) {
        return MAX_VAR_LENGTH[index];
    }
}
