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
import static io.finality.core.event.PaymentEventLayout.VAR_FIELD_COUNT;
import static io.finality.core.event.PaymentEventLayout.VAR_LENGTH_PREFIX;
import static io.finality.core.event.PaymentEventLayout.maxVarLength;

import io.finality.core.amount.U128;
import io.finality.core.chain.ChainId;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes one version-1 PAYMENT_EVENT record (layout: {@link PaymentEventLayout}) in place into a
 * {@link MutableDirectBuffer}, allocating nothing. {@link #wrap} writes the header and a valid record with
 * defaults (zeros; height and output index -1; no previous status; empty strings); each setter then
 * overwrites its field, so the record is complete after any call and {@link #encodedLength()} is its size.
 *
 * <p>Variable-length fields are written in layout order (invoice id, order id, correlation id, reason);
 * skipping one leaves it empty, setting an earlier one after a later one returns
 * {@link EventRecord#OUT_OF_ORDER}. Their setters return {@link EventRecord} result codes rather than throw,
 * because their content comes from outside (API input, chain data): too long is
 * {@link EventRecord#FIELD_TOO_LONG} and leaves the field as it was. Text given as pre-encoded UTF-8 bytes
 * is copied in bulk; the {@code CharSequence} setters check and copy per character, which roughly doubles
 * the cost of a record with long text (EventEncodeBenchmark), so the engine should keep invoice
 * references as bytes.
 *
 * <p>Single-threaded: one instance per writer thread (the state engine), reused for every record.
 */
public final class PaymentEventEncoder {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;
    /** Index of the next variable-length field that may be set. */
    private int nextVar;
    /** Where the length prefix of {@link #nextVar} is. */
    private int varPosition;

    /**
     * Start a record at {@code offset}. The buffer must be expandable or have room for
     * {@link PaymentEventLayout#MAX_LENGTH} bytes to be sure every field fits.
     *
     * @throws IllegalArgumentException if a fixed-size buffer cannot hold even an empty record (a sizing bug).
     */
    public PaymentEventEncoder wrap(final MutableDirectBuffer buffer, final int offset) {
        if (!buffer.isExpandable() && (offset < 0 || offset > buffer.capacity() - MIN_LENGTH)) {
            throw new IllegalArgumentException("buffer capacity " + buffer.capacity() + " cannot hold a payment event at offset " + offset);
        }
        this.buffer = buffer;
        this.offset = offset;
        buffer.putByte(offset + EventRecord.MAGIC_OFFSET, (byte)EventRecord.MAGIC);
        buffer.putByte(offset + EventRecord.VERSION_OFFSET, (byte)EventRecord.CURRENT_VERSION);
        buffer.putByte(offset + EventRecord.TYPE_OFFSET, (byte)EventRecord.TYPE_PAYMENT_EVENT);
        buffer.putByte(offset + EventRecord.FLAGS_OFFSET, (byte)0);
        buffer.setMemory(offset + EventRecord.HEADER_LENGTH, FIXED_LENGTH - EventRecord.HEADER_LENGTH, (byte)0);
        buffer.putLong(offset + HEIGHT_OFFSET, -1L, LE);
        buffer.putInt(offset + OUTPUT_INDEX_OFFSET, -1, LE);
        nextVar = 0;
        varPosition = offset + FIXED_LENGTH;
        closeVarFields(varPosition, 0);
        return this;
    }

    /** The buffer being written. */
    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** Where the record starts. */
    public int offset() {
        return offset;
    }

    /** The record's total length so far (it is always a complete record). */
    public int encodedLength() {
        return (int)EventRecord.recordLength(buffer, offset);
    }

    /** Gap-free journal sequence, from 1. */
    public PaymentEventEncoder sequence(final long sequence) {
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, LE);
        return this;
    }

    /** Copy the 16-byte stable event id produced by the engine. */
    public PaymentEventEncoder eventId(final DirectBuffer src, final int srcOffset) {
        buffer.putBytes(offset + EVENT_ID_OFFSET, src, srcOffset, EVENT_ID_LENGTH);
        return this;
    }

    /** The step's time input, epoch milliseconds. */
    public PaymentEventEncoder timestampMs(final long timestampMs) {
        buffer.putLong(offset + TIMESTAMP_OFFSET, timestampMs, LE);
        return this;
    }

    public PaymentEventEncoder chain(final ChainId chain) {
        buffer.putShort(offset + CHAIN_OFFSET, (short)chain.code(), LE);
        return this;
    }

    public PaymentEventEncoder eventType(final PaymentEventType type) {
        buffer.putByte(offset + EVENT_TYPE_OFFSET, (byte)type.code());
        return this;
    }

    /** The status the event leaves the invoice in. */
    public PaymentEventEncoder status(final InvoiceStatus status) {
        buffer.putByte(offset + STATUS_OFFSET, (byte)status.code());
        return this;
    }

    /** The status before the event, or {@code null} for none (the invoice's first event). */
    public PaymentEventEncoder previousStatus(final InvoiceStatus status) {
        buffer.putByte(offset + PREVIOUS_STATUS_OFFSET, (byte)(status == null ? 0 : status.code()));
        return this;
    }

    /** Block height of the payment, -1 if none (mempool, invoice-level events). */
    public PaymentEventEncoder height(final long height) {
        buffer.putLong(offset + HEIGHT_OFFSET, height, LE);
        return this;
    }

    public PaymentEventEncoder confirmations(final int confirmations) {
        buffer.putInt(offset + CONFIRMATIONS_OFFSET, confirmations, LE);
        return this;
    }

    /** Bitcoin output index (vout) or EVM log index, -1 if none. */
    public PaymentEventEncoder outputIndex(final int outputIndex) {
        buffer.putInt(offset + OUTPUT_INDEX_OFFSET, outputIndex, LE);
        return this;
    }

    /** {@link PaymentFlags} bits. */
    public PaymentEventEncoder paymentFlags(final int flags) {
        buffer.putInt(offset + PAYMENT_FLAGS_OFFSET, flags, LE);
        return this;
    }

    /** Copy the 32-byte block hash in internal (wire) byte order. */
    public PaymentEventEncoder blockHash(final DirectBuffer src, final int srcOffset) {
        buffer.putBytes(offset + BLOCK_HASH_OFFSET, src, srcOffset, HASH_LENGTH);
        return this;
    }

    /** Copy the 32-byte transaction id in internal (wire) byte order. */
    public PaymentEventEncoder txid(final DirectBuffer src, final int srcOffset) {
        buffer.putBytes(offset + PaymentEventLayout.TXID_OFFSET, src, srcOffset, HASH_LENGTH);
        return this;
    }

    /** Copy the 20-byte token contract address; leave it unset (zero) for the native coin. */
    public PaymentEventEncoder assetContract(final DirectBuffer src, final int srcOffset) {
        buffer.putBytes(offset + ASSET_CONTRACT_OFFSET, src, srcOffset, ASSET_CONTRACT_LENGTH);
        return this;
    }

    /** Amount of the payment this event is about, base units. */
    public PaymentEventEncoder paymentAmount(final long hi, final long lo) {
        return putU128(PAYMENT_AMOUNT_OFFSET, hi, lo);
    }

    public PaymentEventEncoder paymentAmount(final U128 amount) {
        return putU128(PAYMENT_AMOUNT_OFFSET, amount.hi(), amount.lo());
    }

    /** The invoice's amount due, base units. */
    public PaymentEventEncoder amountDue(final long hi, final long lo) {
        return putU128(AMOUNT_DUE_OFFSET, hi, lo);
    }

    public PaymentEventEncoder amountDue(final U128 amount) {
        return putU128(AMOUNT_DUE_OFFSET, amount.hi(), amount.lo());
    }

    /** Sum of the invoice's counted payments (in blocks, not reverted, not invalidated), base units. */
    public PaymentEventEncoder receivedTotal(final long hi, final long lo) {
        return putU128(RECEIVED_TOTAL_OFFSET, hi, lo);
    }

    public PaymentEventEncoder receivedTotal(final U128 amount) {
        return putU128(RECEIVED_TOTAL_OFFSET, amount.hi(), amount.lo());
    }

    /** Sum of the invoice's payments that meet the confirmation policy, base units. */
    public PaymentEventEncoder confirmedTotal(final long hi, final long lo) {
        return putU128(CONFIRMED_TOTAL_OFFSET, hi, lo);
    }

    public PaymentEventEncoder confirmedTotal(final U128 amount) {
        return putU128(CONFIRMED_TOTAL_OFFSET, amount.hi(), amount.lo());
    }

    private PaymentEventEncoder putU128(final int fieldOffset, final long hi, final long lo) {
        buffer.putLong(offset + fieldOffset, lo, LE);
        buffer.putLong(offset + fieldOffset + 8, hi, LE);
        return this;
    }

    /** Set the invoice id from UTF-8 bytes; returns an {@link EventRecord} result code. */
    public int invoiceId(final DirectBuffer src, final int srcOffset, final int length) {
        return putVar(INVOICE_ID, src, srcOffset, length);
    }

    /** Set the invoice id from US-ASCII characters; returns an {@link EventRecord} result code. */
    public int invoiceId(final CharSequence ascii) {
        return putVar(INVOICE_ID, ascii);
    }

    public int orderId(final DirectBuffer src, final int srcOffset, final int length) {
        return putVar(ORDER_ID, src, srcOffset, length);
    }

    public int orderId(final CharSequence ascii) {
        return putVar(ORDER_ID, ascii);
    }

    public int correlationId(final DirectBuffer src, final int srcOffset, final int length) {
        return putVar(CORRELATION_ID, src, srcOffset, length);
    }

    public int correlationId(final CharSequence ascii) {
        return putVar(CORRELATION_ID, ascii);
    }

    /** Set the free-text reason from UTF-8 bytes (e.g. pre-encoded once at startup for fixed phrases). */
    public int reason(final DirectBuffer src, final int srcOffset, final int length) {
        return putVar(REASON, src, srcOffset, length);
    }

    public int reason(final CharSequence ascii) {
        return putVar(REASON, ascii);
    }

    private int checkVar(final int index, final int length) {
        if (index < nextVar) {
            return EventRecord.OUT_OF_ORDER;
        }
        if (length < 0 || length > maxVarLength(index)) {
            return EventRecord.FIELD_TOO_LONG;
        }
        final int position = varPosition + (index - nextVar) * VAR_LENGTH_PREFIX;
        final int end = position + VAR_LENGTH_PREFIX + length + (VAR_FIELD_COUNT - 1 - index) * VAR_LENGTH_PREFIX;
        if (!buffer.isExpandable() && end > buffer.capacity()) {
            return EventRecord.INSUFFICIENT_CAPACITY;
        }
        return EventRecord.OK;
    }

    private int putVar(final int index, final DirectBuffer src, final int srcOffset, final int length) {
        final int code = checkVar(index, length);
        if (code != EventRecord.OK) {
            return code;
        }
        final int position = skipTo(index);
        buffer.putShort(position, (short)length, LE);
        buffer.putBytes(position + VAR_LENGTH_PREFIX, src, srcOffset, length);
        finishVar(index, position + VAR_LENGTH_PREFIX + length);
        return EventRecord.OK;
    }

    private int putVar(final int index, final CharSequence ascii) {
        final int length = ascii.length();
        final int code = checkVar(index, length);
        if (code != EventRecord.OK) {
            return code;
        }
        for (int i = 0; i < length; i++) {
            if (ascii.charAt(i) > 0x7F) {
                return EventRecord.NOT_ASCII;
            }
        }
        final int position = skipTo(index);
        buffer.putShort(position, (short)length, LE);
        // One bounds check for the whole run; the characters were proven ASCII above, so nothing is replaced.
        final int start = position + VAR_LENGTH_PREFIX;
        buffer.putStringWithoutLengthAscii(start, ascii);
        finishVar(index, start + length);
        return EventRecord.OK;
    }

    /** Leave the fields before {@code index} empty (their zero prefixes are already written); return its prefix position. */
    private int skipTo(final int index) {
        return varPosition + (index - nextVar) * VAR_LENGTH_PREFIX;
    }

    private void finishVar(final int index, final int end) {
        nextVar = index + 1;
        varPosition = end;
        closeVarFields(end, nextVar);
    }

    /** Write empty prefixes for fields {@code from..3} at {@code position} and set the header's total length. */
    private void closeVarFields(final int position, final int from) {
        int p = position;
        for (int i = from; i < VAR_FIELD_COUNT; i++) {
            buffer.putShort(p, (short)0, LE);
            p += VAR_LENGTH_PREFIX;
        }
        buffer.putInt(offset + EventRecord.LENGTH_OFFSET, p - offset, LE);
    }
}
