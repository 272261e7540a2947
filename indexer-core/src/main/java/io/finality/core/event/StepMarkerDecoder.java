package io.finality.core.event;

import static io.finality.core.event.StepMarkerLayout.BLOCK_HASH_OFFSET;
import static io.finality.core.event.StepMarkerLayout.CHAIN_OFFSET;
import static io.finality.core.event.StepMarkerLayout.EVENT_KIND_OFFSET;
import static io.finality.core.event.StepMarkerLayout.HASH_LENGTH;
import static io.finality.core.event.StepMarkerLayout.HEIGHT_OFFSET;
import static io.finality.core.event.StepMarkerLayout.LAST_PAYMENT_SEQUENCE_OFFSET;
import static io.finality.core.event.StepMarkerLayout.LENGTH;
import static io.finality.core.event.StepMarkerLayout.PAYMENT_EVENT_COUNT_OFFSET;
import static io.finality.core.event.StepMarkerLayout.STEP_SEQUENCE_OFFSET;
import static io.finality.core.event.StepMarkerLayout.TIMESTAMP_OFFSET;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.EventKind;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Reads a version-1 STEP_MARKER record (layout: {@link StepMarkerLayout}) in place. {@link #wrap} validates
 * the header, the exact length and the codes, and reports bad input as an {@link EventRecord} result code.
 * Allocation-free.
 *
 * <p>Single-threaded: one instance per reader thread, reused for every record.
 */
public final class StepMarkerDecoder {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private int offset;

    /**
     * Validate and wrap the record at {@code offset}, reading nothing at or beyond {@code limit}.
     *
     * @return {@link EventRecord#OK} or a result code for {@link EventRecord#describe(int)}.
     */
    public int wrap(final DirectBuffer buffer, final int offset, final int limit) {
        this.buffer = null;
        final int header = EventRecord.checkHeader(buffer, offset, limit);
        if (header != EventRecord.OK) {
            return header;
        }
        if (EventRecord.recordType(buffer, offset) != EventRecord.TYPE_STEP_MARKER) {
            return EventRecord.WRONG_TYPE;
        }
        final long length = EventRecord.recordLength(buffer, offset);
        if (length < LENGTH) {
            return EventRecord.TRUNCATED;
        }
        if (length != LENGTH) {
            return EventRecord.BAD_LENGTH;
        }
        final int chain = buffer.getShort(offset + CHAIN_OFFSET, LE) & 0xFFFF;
        if ((chain != 0 && ChainId.fromCode(chain) == null)
            || EventKind.fromCode(buffer.getByte(offset + EVENT_KIND_OFFSET) & 0xFF) == null) {
            return EventRecord.BAD_VALUE;
        }
        this.buffer = buffer;
        this.offset = offset;
        return EventRecord.OK;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int encodedLength() {
        return LENGTH;
    }

    public long stepSequence() {
        return buffer.getLong(offset + STEP_SEQUENCE_OFFSET, LE);
    }

    public long timestampMs() {
        return buffer.getLong(offset + TIMESTAMP_OFFSET, LE);
    }

    public long height() {
        return buffer.getLong(offset + HEIGHT_OFFSET, LE);
    }

    /** The chain code, 0 for none. */
    public int chainCode() {
        return buffer.getShort(offset + CHAIN_OFFSET, LE) & 0xFFFF;
    }

    /** The chain, or {@code null} for none. */
    public ChainId chain() {
        return ChainId.fromCode(chainCode());
    }

    public EventKind eventKind() {
        return EventKind.fromCode(buffer.getByte(offset + EVENT_KIND_OFFSET) & 0xFF);
    }

    public int paymentEventCount() {
        return buffer.getInt(offset + PAYMENT_EVENT_COUNT_OFFSET, LE);
    }

    public long lastPaymentSequence() {
        return buffer.getLong(offset + LAST_PAYMENT_SEQUENCE_OFFSET, LE);
    }

    public int blockHashOffset() {
        return offset + BLOCK_HASH_OFFSET;
    }

    public void getBlockHash(final MutableDirectBuffer dst, final int dstOffset) {
        dst.putBytes(dstOffset, buffer, offset + BLOCK_HASH_OFFSET, HASH_LENGTH);
    }
}
