package io.finality.core.ring;

import io.finality.core.chain.ChainId;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The ring slot: one pre-allocated instance per Disruptor sequence, reused forever.
 *
 * <pre>
 *   producer (node connection, API, timer)
 *      writes kind, chain, height, hashes, timestamp and copies the raw bytes into payload ONCE
 *   stage 1 (scan + match)
 *      reads payload in place, writes matches + scanStatus
 *   stage 2 (state engine)
 *      reads everything, writes nothing back
 * </pre>
 *
 * <p>The payload buffer grows on demand up to {@code maxPayloadBytes} and then stays at its high
 * water mark, so after warm-up nothing on the path allocates. A payload larger than the limit is
 * refused at publication (see {@link #payload(DirectBuffer, int, int)}), which keeps a full ring
 * within {@code ringSize * maxPayloadBytes}: the budget the pipeline checks at construction.
 *
 * <p>Thread rules: exactly one thread owns a slot at a time, handed over by the Disruptor's
 * sequence barriers (publisher, then stage 1, then stage 2).
 */
public final class ChainEvent {
    public static final int HASH_LENGTH = 32;

    private final int maxPayloadBytes;
    private final ExpandableArrayBuffer payload;
    private final UnsafeBuffer blockHash = new UnsafeBuffer(new byte[HASH_LENGTH]);
    private final UnsafeBuffer parentHash = new UnsafeBuffer(new byte[HASH_LENGTH]);
    private final MatchList matches;

    private EventKind kind;
    private ChainId chain;
    private long height;
    private long finalizedHeight;
    private long timestampMs;
    private long publishNanos;
    private long correlationId;
    private int payloadLength;
    private int scanStatus;
    private int scanErrorOffset;
    private int transactionCount = -1;
    private boolean discarded;

    public ChainEvent(final int initialPayloadBytes, final int maxPayloadBytes, final int initialMatches) {
        if (initialPayloadBytes < 0 || initialPayloadBytes > maxPayloadBytes) {
            throw new IllegalArgumentException(
                "initial payload " + initialPayloadBytes + " must be within 0.." + maxPayloadBytes);
        }
        this.maxPayloadBytes = maxPayloadBytes;
        this.payload = new ExpandableArrayBuffer(Math.max(64, initialPayloadBytes));
        this.matches = new MatchList(initialMatches);
    }

    /** Reset the header fields before a producer fills the slot (the buffers are reused as they are). */
    public ChainEvent reset(final EventKind eventKind, final ChainId chainId) {
        kind = eventKind;
        chain = chainId;
        height = -1;
        finalizedHeight = -1;
        timestampMs = 0;
        publishNanos = 0;
        correlationId = 0;
        payloadLength = 0;
        scanStatus = 0;
        scanErrorOffset = 0;
        transactionCount = -1;
        discarded = false;
        blockHash.setMemory(0, HASH_LENGTH, (byte)0);
        parentHash.setMemory(0, HASH_LENGTH, (byte)0);
        matches.clear();
        return this;
    }

    /**
     * Copy {@code length} bytes into the payload: the one copy from the network buffer.
     *
     * @return false, leaving the payload empty, if {@code length} exceeds the slot's limit.
     */
    public boolean payload(final DirectBuffer src, final int offset, final int length) {
        if (length < 0 || length > maxPayloadBytes) {
            payloadLength = 0;
            return false;
        }
        payload.putBytes(0, src, offset, length);
        payloadLength = length;
        return true;
    }

    /** As {@link #payload(DirectBuffer, int, int)} for a byte array. */
    public boolean payload(final byte[] src, final int offset, final int length) {
        if (length < 0 || length > maxPayloadBytes) {
            payloadLength = 0;
            return false;
        }
        payload.putBytes(0, src, offset, length);
        payloadLength = length;
        return true;
    }

    /**
     * Reserve {@code length} payload bytes for a producer that writes in place (for example a
     * Netty {@code ByteBuf.getBytes} straight into {@link #payloadBuffer()}).
     *
     * @return false if {@code length} exceeds the slot's limit.
     */
    public boolean reservePayload(final int length) {
        if (length < 0 || length > maxPayloadBytes) {
            payloadLength = 0;
            return false;
        }
        payload.checkLimit(length);
        payloadLength = length;
        return true;
    }

    /** The payload bytes, valid in {@code [0, payloadLength())}; heap-backed so hashing needs no copy. */
    public MutableDirectBuffer payloadBuffer() {
        return payload;
    }

    /** The backing array of the payload, for {@code MessageDigest.update(byte[], int, int)}. */
    public byte[] payloadArray() {
        return payload.byteArray();
    }

    public int payloadLength() {
        return payloadLength;
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Bytes currently held by the payload buffer (its high-water mark). */
    public int payloadCapacity() {
        return payload.capacity();
    }

    public MatchList matches() {
        return matches;
    }

    public EventKind kind() {
        return kind;
    }

    public ChainId chain() {
        return chain;
    }

    public long height() {
        return height;
    }

    public ChainEvent height(final long value) {
        height = value;
        return this;
    }

    /** The chain's {@code finalized} block height as the node reported it with this block, or -1 if unknown. */
    public long finalizedHeight() {
        return finalizedHeight;
    }

    public ChainEvent finalizedHeight(final long value) {
        finalizedHeight = value;
        return this;
    }

    /** Milliseconds since the epoch as the producer saw it: the tick time, block time or receive time. */
    public long timestampMs() {
        return timestampMs;
    }

    public ChainEvent timestampMs(final long value) {
        timestampMs = value;
        return this;
    }

    /** {@link System#nanoTime()} at publication, for end-to-end latency; never used for decisions. */
    public long publishNanos() {
        return publishNanos;
    }

    public ChainEvent publishNanos(final long value) {
        publishNanos = value;
        return this;
    }

    /** An id the producer chose to find the outcome of its request again (API requests). */
    public long correlationId() {
        return correlationId;
    }

    public ChainEvent correlationId(final long value) {
        correlationId = value;
        return this;
    }

    /** The block hash in internal byte order (as hashed, not as displayed). */
    public MutableDirectBuffer blockHash() {
        return blockHash;
    }

    /** The parent block hash in internal byte order. */
    public MutableDirectBuffer parentHash() {
        return parentHash;
    }

    /** Stage 1's verdict on the payload: 0 when it scanned cleanly, otherwise a scanner error code. */
    public int scanStatus() {
        return scanStatus;
    }

    /** Byte offset in the payload where scanning failed, when {@link #scanStatus()} is non-zero. */
    public int scanErrorOffset() {
        return scanErrorOffset;
    }

    /** True when the producer gave up on this slot after claiming it: stages skip it. */
    public boolean discarded() {
        return discarded;
    }

    public ChainEvent discarded(final boolean value) {
        discarded = value;
        return this;
    }

    /** Transactions the scan stage walked in this slot, or -1 if its scanner does not say (metrics only). */
    public int transactionCount() {
        return transactionCount;
    }

    /** Set by a scanner that counts the transactions it walked. */
    public ChainEvent transactionCount(final int value) {
        transactionCount = value;
        return this;
    }

    public ChainEvent scanResult(final int status, final int errorOffset) {
        scanStatus = status;
        scanErrorOffset = errorOffset;
        return this;
    }
}
