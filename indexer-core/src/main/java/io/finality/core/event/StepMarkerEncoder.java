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
 * Writes one version-1 STEP_MARKER record (layout: {@link StepMarkerLayout}) in place, allocating nothing.
 * {@link #wrap} writes the header and defaults (zeros; height -1; no chain); setters overwrite fields.
 *
 * <p>Single-threaded: one instance per writer thread (the state engine), reused for every step.
 */
public final class StepMarkerEncoder {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * Start a record at {@code offset}.
     *
     * @throws IllegalArgumentException if a fixed-size buffer cannot hold {@value StepMarkerLayout#LENGTH} bytes there.
     */
    public StepMarkerEncoder wrap(final MutableDirectBuffer buffer, final int offset) {
        if (!buffer.isExpandable() && (offset < 0 || offset > buffer.capacity() - LENGTH)) {
            throw new IllegalArgumentException("buffer capacity " + buffer.capacity() + " cannot hold a step marker at offset " + offset);
        }
        this.buffer = buffer;
        this.offset = offset;
        buffer.putByte(offset + EventRecord.MAGIC_OFFSET, (byte)EventRecord.MAGIC);
        buffer.putByte(offset + EventRecord.VERSION_OFFSET, (byte)EventRecord.CURRENT_VERSION);
        buffer.putByte(offset + EventRecord.TYPE_OFFSET, (byte)EventRecord.TYPE_STEP_MARKER);
        buffer.putByte(offset + EventRecord.FLAGS_OFFSET, (byte)0);
        buffer.putInt(offset + EventRecord.LENGTH_OFFSET, LENGTH, LE);
        buffer.setMemory(offset + EventRecord.HEADER_LENGTH, LENGTH - EventRecord.HEADER_LENGTH, (byte)0);
        buffer.putLong(offset + HEIGHT_OFFSET, -1L, LE);
        return this;
    }

    /** Always {@value StepMarkerLayout#LENGTH} in version 1. */
    public int encodedLength() {
        return LENGTH;
    }

    /** The engine's step counter (one per ring slot applied), from 1. */
    public StepMarkerEncoder stepSequence(final long sequence) {
        buffer.putLong(offset + STEP_SEQUENCE_OFFSET, sequence, LE);
        return this;
    }

    public StepMarkerEncoder timestampMs(final long timestampMs) {
        buffer.putLong(offset + TIMESTAMP_OFFSET, timestampMs, LE);
        return this;
    }

    /** Height of the block the step applied, -1 if none. */
    public StepMarkerEncoder height(final long height) {
        buffer.putLong(offset + HEIGHT_OFFSET, height, LE);
        return this;
    }

    /** The chain of the step's input, or {@code null} for none (e.g. a tick). */
    public StepMarkerEncoder chain(final ChainId chain) {
        buffer.putShort(offset + CHAIN_OFFSET, (short)(chain == null ? 0 : chain.code()), LE);
        return this;
    }

    /** The kind of ring event the step applied. */
    public StepMarkerEncoder eventKind(final EventKind kind) {
        buffer.putByte(offset + EVENT_KIND_OFFSET, (byte)kind.code());
        return this;
    }

    public StepMarkerEncoder paymentEventCount(final int count) {
        buffer.putInt(offset + PAYMENT_EVENT_COUNT_OFFSET, count, LE);
        return this;
    }

    /** The sequence of the last payment event written so far (this step or earlier), 0 if none. */
    public StepMarkerEncoder lastPaymentSequence(final long sequence) {
        buffer.putLong(offset + LAST_PAYMENT_SEQUENCE_OFFSET, sequence, LE);
        return this;
    }

    /** Copy the 32-byte block hash in internal byte order (leave zero if none). */
    public StepMarkerEncoder blockHash(final DirectBuffer src, final int srcOffset) {
        buffer.putBytes(offset + BLOCK_HASH_OFFSET, src, srcOffset, HASH_LENGTH);
        return this;
    }
}
