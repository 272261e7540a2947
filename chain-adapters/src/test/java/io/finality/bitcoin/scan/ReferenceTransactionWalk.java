package io.finality.bitcoin.scan;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * The validating walk of {@link TransactionFlyweight#wrap} as it was before its fast paths (commit cde3ee8), kept
 * verbatim as the reference that {@link TransactionWalkDifferentialTest} compares the current walk with.
 */
final class ReferenceTransactionWalk {
    private static final int MIN_INPUT_LENGTH = TransactionFlyweight.MIN_INPUT_LENGTH;
    private static final int MIN_OUTPUT_LENGTH = TransactionFlyweight.MIN_OUTPUT_LENGTH;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
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

    int wrap(final DirectBuffer buffer, final int offset, final int limit, final OutputListener listener) {
        this.buffer = buffer;
        this.offset = offset;
        this.limit = limit;
        this.status = ScanError.OK;
        this.errorOffset = 0;
        this.end = offset;
        this.inputCount = 0;
        this.outputCount = 0;

        int pos = offset;
        if (limit - pos < 4) {
            return error(ScanError.TRUNCATED, pos);
        }
        pos += 4;
        segwit = false;
        if (limit - pos >= 2 && buffer.getByte(pos) == 0) {
            if (buffer.getByte(pos + 1) != 1) {
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
        for (int i = 0; i < nIn; i++) {
            if (limit - pos < 36) {
                return error(ScanError.TRUNCATED, pos);
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
            if (limit - pos < 8) {
                return error(ScanError.TRUNCATED, pos);
            }
            final int valueAt = pos;
            pos = skipBytes(pos + 8);
            if (pos < 0) {
                return status;
            }
            if (listener != null) {
                listener.onOutput(buffer, i, valueAt, pos - varValue, varValue);
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
        inputCount = nIn;
        outputCount = nOut;
        return ScanError.OK;
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
        final DirectBuffer b = buffer;
        final int first = b.getByte(pos) & 0xFF;
        if (first < 0xFD) {
            varValue = first;
            return pos + 1;
        }
        if (first == 0xFD) {
            if (limit - pos < 3) {
                return fail(ScanError.TRUNCATED, pos);
            }
            final int v = b.getShort(pos + 1, LE) & 0xFFFF;
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
            final long v = b.getInt(pos + 1, LE) & 0xFFFF_FFFFL;
            if (v <= 0xFFFF || v > Integer.MAX_VALUE) {
                return fail(ScanError.BAD_VARINT, pos);
            }
            varValue = (int)v;
            return pos + 5;
        }
        return fail(limit - pos < 9 ? ScanError.TRUNCATED : ScanError.BAD_VARINT, pos);
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

    int status() {
        return status;
    }

    int errorOffset() {
        return errorOffset;
    }

    int end() {
        return end;
    }

    boolean segwit() {
        return segwit;
    }

    int inputCount() {
        return inputCount;
    }

    int outputCount() {
        return outputCount;
    }

    int inputsOffset() {
        return inputsOffset;
    }

    int outputsEnd() {
        return outputsEnd;
    }

    int offset() {
        return offset;
    }

    int inputCountOffset() {
        return inputCountOffset;
    }

    int lockTimeOffset() {
        return lockTimeOffset;
    }

    /** Receives each output as the walk reaches it: index, and the offsets of its value and of its script. */
    @FunctionalInterface
    interface OutputListener {
        void onOutput(DirectBuffer buffer, int outputIndex, int valueOffset, int scriptOffset, int scriptLength);
    }
}
