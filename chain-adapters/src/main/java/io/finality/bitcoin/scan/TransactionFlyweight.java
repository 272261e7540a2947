package io.finality.bitcoin.scan;

import java.nio.ByteOrder;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

/**
 * A view over one serialised Bitcoin transaction in place, legacy or segwit (BIP144).
 *
 * <pre>
 *  legacy:  version(4) | nIn | inputs | nOut | outputs                          | lockTime(4)
 *  segwit:  version(4) | 00 01 | nIn | inputs | nOut | outputs | witnesses     | lockTime(4)
 *  input:   prevTxid(32) | prevIndex(4) | scriptSigLen | scriptSig | sequence(4)
 *  output:  value(8, satoshis) | scriptLen | scriptPubKey
 *  witness: per input: nItems | (itemLen | item)*
 *  txid  =  SHA256d(version | nIn .. end of outputs | lockTime)   (marker, flag and witnesses skipped)
 * </pre>
 *
 * <p>{@link #wrap} validates the whole layout in one pass against the limit before anything is read
 * through the cursors: every count and length is checked against the bytes that remain before any
 * loop runs, so a lying varint costs one comparison, never an allocation or a long loop. Afterwards
 * the input and output cursors ({@link #nextInput()}, {@link #nextOutput()}) walk the validated ranges.
 * Inputs, outputs and witness items take a fast path when their length is one byte and everything up to the
 * next field lies inside the limit (almost always): one combined test instead of a check per field, the same
 * outcome. Anything else goes the general path, which alone reports errors, so error codes and offsets do not
 * depend on the fast path ({@code TransactionWalkDifferentialTest}).
 * Bad input yields a {@link ScanError} code and {@link #errorOffset()}, never an exception.
 *
 * <p>The walk's single bytes and outpoints are read raw (from the buffer's array or address) rather than through the
 * buffer's bounds-checked reads: every such read sits behind the walk's own check against the limit, and the limit is
 * checked against the buffer once per {@link #wrap}, so the buffer's checks only repeated them (all of Agrona's checks
 * off made the walk ~5 % faster; docs/BENCHMARKS.md, "Reading raw where the walk has checked"). In tests every raw read
 * asserts it is inside the wrapped range ({@code ScannerFuzzTest} runs with {@code -ea}).
 *
 * <p>Not thread-safe: a flyweight is owned by one thread (the scan stage) and reused for every
 * transaction.
 */
public final class TransactionFlyweight {
    /** Smallest possible input: outpoint(36) + empty script length(1) + sequence(4). */
    public static final int MIN_INPUT_LENGTH = 41;
    /** Smallest possible output: value(8) + empty script length(1). */
    public static final int MIN_OUTPUT_LENGTH = 9;
    /** Smallest possible transaction: version(4) + one input + one output + lockTime(4). */
    public static final int MIN_TX_LENGTH = 4 + 1 + MIN_INPUT_LENGTH + 1 + MIN_OUTPUT_LENGTH + 4;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    /** The buffer's array ({@code null} off-heap) and the address of its byte 0 in it: the raw reads' base. */
    private byte[] array;
    private long address;
    private int offset;
    private int limit;
    private int end;
    private boolean segwit;
    private int inputCount;
    private int inputCountOffset;
    private int inputsOffset;
    private int outputCount;
    private int outputsOffset;
    private int outputsEnd;
    private int lockTimeOffset;
    private int errorOffset;
    private int status;
    private int varValue;

    private int inputCursor;
    private int inputIndex;
    private int prevTxidOffset;
    private int scriptSigOffset;
    private int scriptSigLength;

    /** {@link OutpointWatch}'s bit set of watched spent outpoints, tested for every input by the walk; null = off. */
    private long[] spentBits;
    private int spentBitsLog2;
    private boolean spendsMarkedOutpoint;

    private int outputCursor;
    private int outputIndex;
    private int valueOffset;
    private int scriptOffset;
    private int scriptLength;

    /**
     * Validate and view the transaction starting at {@code offset}; it must end at or before {@code limit}.
     *
     * @return {@link ScanError#OK} or an error code ({@link #errorOffset()} tells where).
     */
    public int wrap(final DirectBuffer buffer, final int offset, final int limit) {
        return wrap(buffer, offset, limit, null);
    }

    /**
     * As {@link #wrap(DirectBuffer, int, int)}, also queueing each output's script into {@code queue} as the
     * validating pass reaches it, so a caller that only needs the outputs walks them once. The queue receives
     * outputs of a transaction that may still turn out malformed further on: its owner must hold what it records
     * until this method returns {@link ScanError#OK}.
     */
    public int wrap(final DirectBuffer buffer, final int offset, final int limit, final OutputQueue queue) {
        // a caller's range outside its buffer is a bug, not bad input: the raw reads below rely on this check
        Objects.checkFromToIndex(offset, limit, buffer.capacity());
        view(buffer);
        this.offset = offset;
        this.limit = limit;
        this.status = ScanError.OK;
        this.errorOffset = 0;
        this.end = offset;
        this.inputCount = 0;
        this.outputCount = 0;
        this.spendsMarkedOutpoint = false;

        int pos = offset;
        if (limit - pos < 4) {
            return error(ScanError.TRUNCATED, pos);
        }
        pos += 4;
        segwit = false;
        if (limit - pos >= 2 && byteAt(pos) == 0) {
            if (byteAt(pos + 1) != 1) {
                return error(ScanError.BAD_SEGWIT_FLAG, pos + 1);
            }
            segwit = true;
            pos += 2;
        }
        inputCountOffset = pos;
        pos = varInt(pos);
        if (pos < 0) {
            return status;
        }
        final int nIn = varValue;
        if (nIn == 0) {
            return error(ScanError.EMPTY_TX, inputCountOffset);
        }
        if (nIn > (limit - pos) / MIN_INPUT_LENGTH) {
            return error(ScanError.COUNT_TOO_LARGE, inputCountOffset);
        }
        inputsOffset = pos;
        // Each outpoint's bit is tested as the walk passes it: loads beside the walk's chain of dependent length reads,
        // not on it, so nearly free, and the scanner then re-reads the inputs only of the rare transaction that hits.
        final long[] bits = spentBits;
        final int bitsLog2 = spentBitsLog2;
        long marked = 0;
        for (int i = 0; i < nIn; i++) {
            // fast path, the common case: a one-byte script length, and script and sequence inside the limit
            int len;
            if (limit - pos > 36 && (len = byteAt(pos + 36)) < 0xFD && len <= limit - pos - MIN_INPUT_LENGTH) {
                if (bits != null) {
                    marked |= OutpointWatch.marked(bits, bitsLog2, longAt(pos), intAt(pos + 32));
                }
                pos += MIN_INPUT_LENGTH + len;
                continue;
            }
            if (limit - pos < 36) {
                return error(ScanError.TRUNCATED, pos);
            }
            if (bits != null) {
                marked |= OutpointWatch.marked(bits, bitsLog2, longAt(pos), intAt(pos + 32));
            }
            pos = skipBytes(pos + 36);
            if (pos < 0) {
                return status;
            }
            if (limit - pos < 4) {
                return error(ScanError.TRUNCATED, pos);
            }
            pos += 4;
        }
        final int outputCountOffset = pos;
        pos = varInt(pos);
        if (pos < 0) {
            return status;
        }
        final int nOut = varValue;
        if (nOut == 0) {
            return error(ScanError.EMPTY_TX, outputCountOffset);
        }
        if (nOut > (limit - pos) / MIN_OUTPUT_LENGTH) {
            return error(ScanError.COUNT_TOO_LARGE, outputCountOffset);
        }
        outputsOffset = pos;
        for (int i = 0; i < nOut; i++) {
            int len;
            if (limit - pos > 8 && (len = byteAt(pos + 8)) < 0xFD && len <= limit - pos - MIN_OUTPUT_LENGTH) {
                pos += MIN_OUTPUT_LENGTH + len;
            } else {
                if (limit - pos < 8) {
                    return error(ScanError.TRUNCATED, pos);
                }
                pos = skipBytes(pos + 8);
                if (pos < 0) {
                    return status;
                }
                len = varValue;
            }
            if (queue != null) {
                // OutputQueue's protocol written out in place: a call here would not be inlined (see OutputQueue)
                final int q = queue.count;
                queue.scriptOffsets[q] = pos - len;
                queue.scriptLengths[q] = len;
                queue.count = q + 1;
                if (q + 1 == queue.scriptOffsets.length) {
                    queue.onFull();
                }
            }
        }
        outputsEnd = pos;
        if (segwit) {
            for (int i = 0; i < nIn; i++) {
                final int countOffset = pos;
                pos = varInt(pos);
                if (pos < 0) {
                    return status;
                }
                final int items = varValue;
                if (items > limit - pos) {
                    return error(ScanError.COUNT_TOO_LARGE, countOffset);
                }
                for (int j = 0; j < items; j++) {
                    int len;
                    if (limit - pos > 0 && (len = byteAt(pos)) < 0xFD && len < limit - pos) {
                        pos += 1 + len;
                        continue;
                    }
                    pos = skipBytes(pos);
                    if (pos < 0) {
                        return status;
                    }
                }
            }
        }
        if (limit - pos < 4) {
            return error(ScanError.TRUNCATED, pos);
        }
        lockTimeOffset = pos;
        end = pos + 4;
        spendsMarkedOutpoint = marked != 0;
        inputCount = nIn;
        outputCount = nOut;
        resetCursors();
        return ScanError.OK;
    }

    /**
     * Test every input's outpoint against {@code bits} (an {@link OutpointWatch} bit set of 2^{@code log2} bits, as
     * {@link OutpointWatch#bits()} hands it out) in each later {@link #wrap}; {@code null} stops testing. The array is
     * read, never written, and must be handed again whenever the watch replaces it.
     */
    public void spentOutpointBits(final long[] bits, final int log2) {
        spentBits = bits;
        spentBitsLog2 = log2;
    }

    /**
     * After a successful {@link #wrap} with {@link #spentOutpointBits} set: whether some input's outpoint has its bit
     * set, i.e. may be watched (false positives possible, no false negatives for outpoints watched when the bits were
     * handed over). False when testing is off.
     */
    public boolean spendsMarkedOutpoint() {
        return spendsMarkedOutpoint;
    }

    /** The status of the last {@link #wrap}. */
    public int status() {
        return status;
    }

    /** Where the last {@link #wrap} found the problem, when {@link #status()} is not OK. */
    public int errorOffset() {
        return errorOffset;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    /** Offset of the first byte (the version). */
    public int offset() {
        return offset;
    }

    /** Offset just past the lock time: where the next transaction of a block starts. */
    public int end() {
        return end;
    }

    /** Serialised size including witnesses. */
    public int length() {
        return end - offset;
    }

    public int version() {
        return buffer.getInt(offset, LE);
    }

    /** True when the transaction uses the BIP144 serialisation with marker, flag and witnesses. */
    public boolean segwit() {
        return segwit;
    }

    public int inputCount() {
        return inputCount;
    }

    public int outputCount() {
        return outputCount;
    }

    /** True for a coinbase: exactly one input, spending the null outpoint (zero txid, index 0xFFFFFFFF). */
    public boolean coinbase() {
        if (inputCount != 1 || buffer.getInt(inputsOffset + 32, LE) != -1) {
            return false;
        }
        for (int i = 0; i < 32; i += 8) {
            if (buffer.getLong(inputsOffset + i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Unsigned lock time as a long. */
    public long lockTime() {
        return buffer.getInt(lockTimeOffset, LE) & 0xFFFF_FFFFL;
    }

    /**
     * The txid: double SHA-256 of the stripped serialisation, fed range by range from the buffer
     * (version, inputs and outputs, lock time), never copying the transaction. Internal byte order.
     */
    public void txid(final DoubleSha256 hasher, final MutableDirectBuffer dst, final int dstOffset) {
        if (!segwit) {
            // legacy: the stripped serialisation is the whole transaction, one contiguous range
            hasher.hash(buffer, offset, end - offset, dst, dstOffset);
            return;
        }
        hasher.update(buffer, offset, 4)
            .update(buffer, inputCountOffset, outputsEnd - inputCountOffset)
            .update(buffer, lockTimeOffset, 4)
            .finish(dst, dstOffset);
    }

    /** The wtxid (BIP141): double SHA-256 of the full serialisation; equals the txid for legacy transactions. */
    public void wtxid(final DoubleSha256 hasher, final MutableDirectBuffer dst, final int dstOffset) {
        hasher.hash(buffer, offset, end - offset, dst, dstOffset);
    }

    /** Offset of the input count varint: where the stripped serialisation continues after the version. */
    int inputCountOffset() {
        return inputCountOffset;
    }

    /** End of the last output: where the stripped serialisation's middle range ends. */
    int outputsEnd() {
        return outputsEnd;
    }

    /** Offset of the lock time. */
    int lockTimeOffset() {
        return lockTimeOffset;
    }

    /** Offset of the first input's outpoint. */
    public int inputsOffset() {
        return inputsOffset;
    }

    /**
     * View the inputs of the transaction in {@code [offset, end)}, which an earlier {@link #wrap} validated: afterwards
     * {@link #coinbase()}, {@link #nextInput()} and the input accessors work as after the wrap, and nothing else does
     * (no outputs, no txid) until the next {@link #wrap}. Only the header is read again (marker, input count): for the
     * scanner's batch, which keeps only each pending transaction's end, and reads the inputs of a few again at the flush.
     */
    void wrapValidatedInputs(final DirectBuffer buffer, final int offset, final int end) {
        view(buffer);
        this.offset = offset;
        this.limit = end;
        this.end = end;
        this.status = ScanError.OK;
        // validated: a zero after the version is the segwit marker (a legacy input count is never zero), then the flag
        final int countOffset = byteAt(offset + 4) == 0 ? offset + 6 : offset + 4;
        this.inputsOffset = varInt(countOffset);
        this.inputCount = varValue;
        assert inputsOffset > 0 && inputCount > 0 : "not validated: " + offset;
        this.outputCount = 0;
        this.outputsOffset = end;
        resetCursors();
    }

    /** Rewind both cursors to before the first input and the first output. */
    public TransactionFlyweight resetCursors() {
        inputCursor = inputsOffset;
        inputIndex = -1;
        outputCursor = outputsOffset;
        outputIndex = -1;
        return this;
    }

    /** Advance the input cursor; false after the last input. Only valid after a successful {@link #wrap}. */
    public boolean nextInput() {
        if (inputIndex + 1 >= inputCount) {
            return false;
        }
        inputIndex++;
        int pos = inputCursor;
        prevTxidOffset = pos;
        pos = varInt(pos + 36);
        scriptSigOffset = pos;
        scriptSigLength = varValue;
        inputCursor = pos + varValue + 4;
        return true;
    }

    /** Index of the input under the cursor. */
    public int inputIndex() {
        return inputIndex;
    }

    /** Offset of the spent outpoint's txid (32 bytes, internal byte order). */
    public int prevTxidOffset() {
        return prevTxidOffset;
    }

    /** The spent outpoint's output index (unsigned 32-bit; 0xFFFFFFFF for a coinbase). */
    public long prevIndex() {
        return buffer.getInt(prevTxidOffset + 32, LE) & 0xFFFF_FFFFL;
    }

    public int scriptSigOffset() {
        return scriptSigOffset;
    }

    public int scriptSigLength() {
        return scriptSigLength;
    }

    /** Unsigned sequence number of the input under the cursor. */
    public long sequence() {
        return buffer.getInt(scriptSigOffset + scriptSigLength, LE) & 0xFFFF_FFFFL;
    }

    /** Advance the output cursor; false after the last output. Only valid after a successful {@link #wrap}. */
    public boolean nextOutput() {
        if (outputIndex + 1 >= outputCount) {
            return false;
        }
        outputIndex++;
        valueOffset = outputCursor;
        final int pos = varInt(outputCursor + 8);
        scriptOffset = pos;
        scriptLength = varValue;
        outputCursor = pos + varValue;
        return true;
    }

    /** Index (vout) of the output under the cursor. */
    public int outputIndex() {
        return outputIndex;
    }

    /** Value of the output under the cursor in satoshis (as serialised: a signed 64-bit field). */
    public long value() {
        return buffer.getLong(valueOffset, LE);
    }

    /** Offset of the output script (the scriptPubKey, which is also the matcher's watch key). */
    public int scriptOffset() {
        return scriptOffset;
    }

    public int scriptLength() {
        return scriptLength;
    }

    /** Skip a length-prefixed byte string at {@code pos}; returns the offset after it or -1 (status set). */
    private int skipBytes(final int pos) {
        final int next = varInt(pos);
        if (next < 0) {
            return -1;
        }
        if (varValue > limit - next) {
            return fail(ScanError.LENGTH_TOO_LARGE, pos);
        }
        return next + varValue;
    }

    /**
     * Read a canonical CompactSize at {@code pos} into {@code varValue}; returns the offset after it or -1
     * (status set). Values beyond {@link Integer#MAX_VALUE} cannot describe anything inside one buffer,
     * so they are rejected here rather than by each caller.
     */
    private int varInt(final int pos) {
        if (pos >= limit) {
            return fail(ScanError.TRUNCATED, pos);
        }
        final int first = byteAt(pos);
        if (first < 0xFD) {
            varValue = first;
            return pos + 1;
        }
        if (first == 0xFD) {
            if (limit - pos < 3) {
                return fail(ScanError.TRUNCATED, pos);
            }
            final int v = buffer.getShort(pos + 1, LE) & 0xFFFF;
            if (v < 0xFD) {
                return fail(ScanError.BAD_VARINT, pos);
            }
            varValue = v;
            return pos + 3;
        }
        if (first == 0xFE) {
            if (limit - pos < 5) {
                return fail(ScanError.TRUNCATED, pos);
            }
            final long v = buffer.getInt(pos + 1, LE) & 0xFFFF_FFFFL;
            if (v <= 0xFFFF || v > Integer.MAX_VALUE) {
                return fail(ScanError.BAD_VARINT, pos);
            }
            varValue = (int)v;
            return pos + 5;
        }
        return fail(limit - pos < 9 ? ScanError.TRUNCATED : ScanError.BAD_VARINT, pos);
    }

    private void view(final DirectBuffer buffer) {
        this.buffer = buffer;
        this.array = buffer.byteArray();
        this.address = buffer.addressOffset();
    }

    /** The unsigned byte at {@code pos}, which the caller has checked against the limit (read raw: see the class doc). */
    private int byteAt(final int pos) {
        assert pos >= offset && pos < limit : pos + " outside [" + offset + ", " + limit + ")";
        return UnsafeApi.getByte(array, address + pos) & 0xFF;
    }

    /** The 8 bytes at {@code pos} in native order, checked by the caller (read raw). */
    private long longAt(final int pos) {
        assert pos >= offset && pos + Long.BYTES <= limit : pos + " outside [" + offset + ", " + limit + ")";
        return UnsafeApi.getLong(array, address + pos);
    }

    /** The 4 bytes at {@code pos} in native order, checked by the caller (read raw). */
    private int intAt(final int pos) {
        assert pos >= offset && pos + Integer.BYTES <= limit : pos + " outside [" + offset + ", " + limit + ")";
        return UnsafeApi.getInt(array, address + pos);
    }

    private int error(final int code, final int at) {
        status = code;
        errorOffset = at;
        return code;
    }

    private int fail(final int code, final int at) {
        status = code;
        errorOffset = at;
        return -1;
    }
}
