package io.finality.core.event;

import static io.finality.core.event.PaymentEventLayout.AMOUNT_DUE_OFFSET;
import static io.finality.core.event.PaymentEventLayout.ASSET_CONTRACT_LENGTH;
import static io.finality.core.event.PaymentEventLayout.ASSET_CONTRACT_OFFSET;
import static io.finality.core.event.PaymentEventLayout.BLOCK_HASH_OFFSET;
import static io.finality.core.event.PaymentEventLayout.CHAIN_OFFSET;
import static io.finality.core.event.PaymentEventLayout.CONFIRMATIONS_OFFSET;
import static io.finality.core.event.PaymentEventLayout.CONFIRMED_TOTAL_OFFSET;
import static io.finality.core.event.PaymentEventLayout.CORRELATION_ID;
import static io.finality.core.event.PaymentEventLayout.EVENT_ID_LENGTH;
import static io.finality.core.event.PaymentEventLayout.EVENT_ID_OFFSET;
import static io.finality.core.event.PaymentEventLayout.EVENT_TYPE_OFFSET;
import static io.finality.core.event.PaymentEventLayout.FIXED_LENGTH;
import static io.finality.core.event.PaymentEventLayout.HASH_LENGTH;
import static io.finality.core.event.PaymentEventLayout.HEIGHT_OFFSET;
import static io.finality.core.event.PaymentEventLayout.INVOICE_ID;
import static io.finality.core.event.PaymentEventLayout.MIN_LENGTH;
import static io.finality.core.event.PaymentEventLayout.ORDER_ID;
import static io.finality.core.event.PaymentEventLayout.OUTPUT_INDEX_OFFSET;
import static io.finality.core.event.PaymentEventLayout.PAYMENT_AMOUNT_OFFSET;
import static io.finality.core.event.PaymentEventLayout.PAYMENT_FLAGS_OFFSET;
import static io.finality.core.event.PaymentEventLayout.PREVIOUS_STATUS_OFFSET;
import static io.finality.core.event.PaymentEventLayout.REASON;
import static io.finality.core.event.PaymentEventLayout.RECEIVED_TOTAL_OFFSET;
import static io.finality.core.event.PaymentEventLayout.SEQUENCE_OFFSET;
import static io.finality.core.event.PaymentEventLayout.STATUS_OFFSET;
import static io.finality.core.event.PaymentEventLayout.TIMESTAMP_OFFSET;
import static io.finality.core.event.PaymentEventLayout.TXID_OFFSET;
import static io.finality.core.event.PaymentEventLayout.VAR_FIELD_COUNT;
import static io.finality.core.event.PaymentEventLayout.VAR_LENGTH_PREFIX;
import static io.finality.core.event.PaymentEventLayout.maxVarLength;

import io.finality.core.amount.U128;
import io.finality.core.chain.ChainId;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Reads a version-1 PAYMENT_EVENT record (layout: {@link PaymentEventLayout}) in place. {@link #wrap}
 * validates the whole record once (header, length, every variable-length field, every enum code and flag)
 * and reports bad input as an {@link EventRecord} result code; after it returns {@link EventRecord#OK} the
 * accessors read fixed offsets and never go out of bounds or return {@code null} (except
 * {@link #previousStatus()} for "none"). Accessors other than the {@code String} ones allocate nothing.
 *
 * <p>Single-threaded: one instance per reader thread (a tailer), reused for every record.
 */
public final class PaymentEventDecoder {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private int offset;
    private int length;
    private final int[] varOffsets = new int[VAR_FIELD_COUNT];
    private final int[] varLengths = new int[VAR_FIELD_COUNT];

    /**
     * Validate and wrap the record at {@code offset}, reading no byte at or beyond {@code limit} (nor beyond
     * the buffer's capacity).
     *
     * @return {@link EventRecord#OK}, or {@link EventRecord#TRUNCATED}, {@link EventRecord#UNKNOWN_VERSION},
     *     {@link EventRecord#UNKNOWN_TYPE}, {@link EventRecord#BAD_LENGTH}, {@link EventRecord#BAD_MAGIC},
     *     {@link EventRecord#BAD_VALUE} or {@link EventRecord#WRONG_TYPE}; see {@link EventRecord#describe(int)}.
     *     On error the decoder is not usable until the next successful wrap.
     */
    public int wrap(final DirectBuffer buffer, final int offset, final int limit) {
        this.buffer = null;
        final int header = EventRecord.checkHeader(buffer, offset, limit);
        if (header != EventRecord.OK) {
            return header;
        }
        if (EventRecord.recordType(buffer, offset) != EventRecord.TYPE_PAYMENT_EVENT) {
            return EventRecord.WRONG_TYPE;
        }
        // checkHeader proved the length fits in the available bytes, so it fits an int.
        final int recordLength = (int)EventRecord.recordLength(buffer, offset);
        if (recordLength < MIN_LENGTH) {
            return EventRecord.TRUNCATED;
        }
        final int end = offset + recordLength;
        int position = offset + FIXED_LENGTH;
        for (int i = 0; i < VAR_FIELD_COUNT; i++) {
            if (end - position < VAR_LENGTH_PREFIX) {
                return EventRecord.BAD_LENGTH;
            }
            final int fieldLength = buffer.getShort(position, LE) & 0xFFFF;
            position += VAR_LENGTH_PREFIX;
            if (fieldLength > maxVarLength(i) || fieldLength > end - position) {
                return EventRecord.BAD_LENGTH;
            }
            varOffsets[i] = position;
            varLengths[i] = fieldLength;
            position += fieldLength;
        }
        if (position != end) {
            return EventRecord.BAD_LENGTH;
        }
        final int previous = buffer.getByte(offset + PREVIOUS_STATUS_OFFSET) & 0xFF;
        if (ChainId.fromCode(buffer.getShort(offset + CHAIN_OFFSET, LE) & 0xFFFF) == null
            || PaymentEventType.fromCode(buffer.getByte(offset + EVENT_TYPE_OFFSET) & 0xFF) == null
            || InvoiceStatus.fromCode(buffer.getByte(offset + STATUS_OFFSET) & 0xFF) == null
            || (previous != 0 && InvoiceStatus.fromCode(previous) == null)
            || (buffer.getInt(offset + PAYMENT_FLAGS_OFFSET, LE) & ~PaymentFlags.ALL) != 0) {
            return EventRecord.BAD_VALUE;
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = recordLength;
        return EventRecord.OK;
    }

    /** A clear message for a {@link #wrap} result code (same as {@link EventRecord#describe(int)}). */
    public static String describe(final int code) {
        return EventRecord.describe(code);
    }

    /** The wrapped buffer, for in-place reads at the {@code *Offset()} positions. */
    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /** Total record length; the next record starts at {@code offset() + encodedLength()}. */
    public int encodedLength() {
        return length;
    }

    public long sequence() {
        return buffer.getLong(offset + SEQUENCE_OFFSET, LE);
    }

    /** Absolute offset of the 16-byte event id. */
    public int eventIdOffset() {
        return offset + EVENT_ID_OFFSET;
    }

    public void getEventId(final MutableDirectBuffer dst, final int dstOffset) {
        dst.putBytes(dstOffset, buffer, offset + EVENT_ID_OFFSET, EVENT_ID_LENGTH);
    }

    public long timestampMs() {
        return buffer.getLong(offset + TIMESTAMP_OFFSET, LE);
    }

    public int chainCode() {
        return buffer.getShort(offset + CHAIN_OFFSET, LE) & 0xFFFF;
    }

    public ChainId chain() {
        return ChainId.fromCode(chainCode());
    }

    public PaymentEventType eventType() {
        return PaymentEventType.fromCode(buffer.getByte(offset + EVENT_TYPE_OFFSET) & 0xFF);
    }

    /** The status the event leaves the invoice in. */
    public InvoiceStatus status() {
        return InvoiceStatus.fromCode(buffer.getByte(offset + STATUS_OFFSET) & 0xFF);
    }

    /** The status before the event, or {@code null} for the invoice's first event. */
    public InvoiceStatus previousStatus() {
        return InvoiceStatus.fromCode(buffer.getByte(offset + PREVIOUS_STATUS_OFFSET) & 0xFF);
    }

    /** Whether a gateway may fulfil on this event (see {@link PaymentEventType#isFulfilSafe()}). */
    public boolean isFulfilSafe() {
        return eventType().isFulfilSafe();
    }

    /** Whether this event is an alarm (see {@link PaymentEventType#isAlarm(InvoiceStatus)}). */
    public boolean isAlarm() {
        return eventType().isAlarm(previousStatus());
    }

    /** Block height, -1 if none. */
    public long height() {
        return buffer.getLong(offset + HEIGHT_OFFSET, LE);
    }

    public int confirmations() {
        return buffer.getInt(offset + CONFIRMATIONS_OFFSET, LE);
    }

    /** Output index (vout) or log index, -1 if none. */
    public int outputIndex() {
        return buffer.getInt(offset + OUTPUT_INDEX_OFFSET, LE);
    }

    /** {@link PaymentFlags} bits. */
    public int paymentFlags() {
        return buffer.getInt(offset + PAYMENT_FLAGS_OFFSET, LE);
    }

    /** Absolute offset of the 32-byte block hash (internal byte order). */
    public int blockHashOffset() {
        return offset + BLOCK_HASH_OFFSET;
    }

    public void getBlockHash(final MutableDirectBuffer dst, final int dstOffset) {
        dst.putBytes(dstOffset, buffer, offset + BLOCK_HASH_OFFSET, HASH_LENGTH);
    }

    /** Absolute offset of the 32-byte txid (internal byte order). */
    public int txidOffset() {
        return offset + TXID_OFFSET;
    }

    public void getTxid(final MutableDirectBuffer dst, final int dstOffset) {
        dst.putBytes(dstOffset, buffer, offset + TXID_OFFSET, HASH_LENGTH);
    }

    /** Absolute offset of the 20-byte asset contract. */
    public int assetContractOffset() {
        return offset + ASSET_CONTRACT_OFFSET;
    }

    public void getAssetContract(final MutableDirectBuffer dst, final int dstOffset) {
        dst.putBytes(dstOffset, buffer, offset + ASSET_CONTRACT_OFFSET, ASSET_CONTRACT_LENGTH);
    }

    /** Whether the asset is the chain's native coin (contract all zero). */
    public boolean isNativeAsset() {
        return isZero(offset + ASSET_CONTRACT_OFFSET, ASSET_CONTRACT_LENGTH);
    }

    /** Whether {@code length} bytes at absolute {@code position} are all zero (e.g. an unset hash). */
    public boolean isZero(final int position, final int length) {
        for (int i = 0; i < length; i++) {
            if (buffer.getByte(position + i) != 0) {
                return false;
            }
        }
        return true;
    }

    public long paymentAmountHi() {
        return buffer.getLong(offset + PAYMENT_AMOUNT_OFFSET + 8, LE);
    }

    public long paymentAmountLo() {
        return buffer.getLong(offset + PAYMENT_AMOUNT_OFFSET, LE);
    }

    /** Copy the payment amount into {@code dst} and return it. */
    public U128 paymentAmount(final U128 dst) {
        return getU128(PAYMENT_AMOUNT_OFFSET, dst);
    }

    public long amountDueHi() {
        return buffer.getLong(offset + AMOUNT_DUE_OFFSET + 8, LE);
    }

    public long amountDueLo() {
        return buffer.getLong(offset + AMOUNT_DUE_OFFSET, LE);
    }

    public U128 amountDue(final U128 dst) {
        return getU128(AMOUNT_DUE_OFFSET, dst);
    }

    public long receivedTotalHi() {
        return buffer.getLong(offset + RECEIVED_TOTAL_OFFSET + 8, LE);
    }

    public long receivedTotalLo() {
        return buffer.getLong(offset + RECEIVED_TOTAL_OFFSET, LE);
    }

    public U128 receivedTotal(final U128 dst) {
        return getU128(RECEIVED_TOTAL_OFFSET, dst);
    }

    public long confirmedTotalHi() {
        return buffer.getLong(offset + CONFIRMED_TOTAL_OFFSET + 8, LE);
    }

    public long confirmedTotalLo() {
        return buffer.getLong(offset + CONFIRMED_TOTAL_OFFSET, LE);
    }

    public U128 confirmedTotal(final U128 dst) {
        return getU128(CONFIRMED_TOTAL_OFFSET, dst);
    }

    private U128 getU128(final int fieldOffset, final U128 dst) {
        return dst.set(buffer.getLong(offset + fieldOffset + 8, LE), buffer.getLong(offset + fieldOffset, LE));
    }

    /** Absolute offset of the invoice id's UTF-8 bytes. */
    public int invoiceIdOffset() {
        return varOffsets[INVOICE_ID];
    }

    public int invoiceIdLength() {
        return varLengths[INVOICE_ID];
    }

    /** The invoice id (edge use: allocates). */
    public String invoiceId() {
        return varString(INVOICE_ID);
    }

    public int orderIdOffset() {
        return varOffsets[ORDER_ID];
    }

    public int orderIdLength() {
        return varLengths[ORDER_ID];
    }

    public String orderId() {
        return varString(ORDER_ID);
    }

    public int correlationIdOffset() {
        return varOffsets[CORRELATION_ID];
    }

    public int correlationIdLength() {
        return varLengths[CORRELATION_ID];
    }

    public String correlationId() {
        return varString(CORRELATION_ID);
    }

    public int reasonOffset() {
        return varOffsets[REASON];
    }

    public int reasonLength() {
        return varLengths[REASON];
    }

    public String reason() {
        return varString(REASON);
    }

    private String varString(final int index) {
        return buffer.getStringWithoutLengthUtf8(varOffsets[index], varLengths[index]);
    }
}
