package io.finality.bitcoin.scan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The txids of a run of transactions hashed side by side, {@value #LANES} at a time, block by block in turn: the
 * all-txids path of {@link BitcoinBlockScanner#allTxids} on heap buffers when {@link Sha256Compression} has its fast
 * path.
 *
 * <p>Why: one SHA-256 is a chain of dependent SHA-NI rounds, so hashing is bound by their latency (~36 ns per 64-byte
 * block on this machine), and the floor of issue 3 hashes a whole block as one such chain. Txids are independent
 * messages: compressing one block of each lane in turn puts independent chains next to each other in the instruction
 * stream, the CPU overlaps them (~26 ns per block with two chains in a spike), and the walk to the next transaction
 * runs while they are in flight. Each lane stages only what is not whole 64-byte blocks of the buffer: for a segwit
 * transaction the first block (version + the first 60 bytes after the witness marker and flag) and, for every
 * transaction, the tail with its padding; the blocks between are compressed in place.
 *
 * <p>{@link #submit} returns before the txid is written; {@link #drain} writes every pending one. Allocates nothing
 * after construction. Not thread-safe: one instance per scanner.
 */
final class TxidLanes {
    /** Lanes in flight: two chains already fill the gaps of one (the spike measured no gain worth the staging beyond). */
    static final int LANES = 2;

    private final Lane[] lanes = new Lane[LANES];

    /** Only when {@link Sha256Compression#fastPathAvailable()}. */
    TxidLanes() {
        for (int i = 0; i < LANES; i++) {
            lanes[i] = new Lane();
        }
    }

    /**
     * Start the txid of {@code tx} (wrapped on a heap buffer whose array is {@code array}, at {@code adjustment}), to be
     * written at {@code out[outOffset, outOffset + 32)} by the time {@link #drain} returns. Steps the lanes in flight
     * until one is free.
     */
    void submit(final TransactionFlyweight tx, final byte[] array, final int adjustment, final byte[] out, final int outOffset) {
        final Lane[] lanes = this.lanes;
        while (true) {
            for (Lane lane : lanes) {
                if (!lane.busy) {
                    lane.load(tx, array, adjustment, out, outOffset);
                    return;
                }
            }
            for (Lane lane : lanes) {
                lane.step();
            }
        }
    }

    /** Finish every submitted txid. */
    void drain() {
        boolean busy = true;
        while (busy) {
            busy = false;
            for (Lane lane : lanes) {
                if (lane.busy) {
                    lane.step();
                    busy |= lane.busy;
                }
            }
        }
    }

    /** Drop whatever is in flight (after a throw left a lane busy): the next submit starts clean. */
    void reset() {
        for (Lane lane : lanes) {
            lane.busy = false;
        }
    }

    /** One txid in flight: its blocks as steps, compressed one per {@link #step}. */
    private static final class Lane {
        private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
        private static final int HEAD = 0;
        private static final int TAIL = 64;
        private static final int SECOND = 192;

        private final Object engine = Sha256Compression.newEngine();
        private final int[] state = Sha256Compression.state(engine);
        /** [0, 64) staged first block, [64, 192) staged tail and padding, [192, 256) the second hash's block. */
        private final byte[] scratch = new byte[256];
        private byte[] src;
        /** Step {@code s} in place compresses {@code src[base + 64 s, + 64)}. */
        private int base;
        private int headEnd;
        private int inPlaceEnd;
        private int tailEnd;
        private int step;
        private byte[] out;
        private int outOffset;
        private boolean busy;

        Lane() {
            // padding of a 32-byte message, fixed: 0x80, zeros, bit length 256 big-endian
            scratch[SECOND + 32] = (byte)0x80;
            scratch[SECOND + 62] = 1;
        }

        void load(final TransactionFlyweight tx, final byte[] array, final int adjustment, final byte[] out, final int outOffset) {
            final int start = adjustment + tx.offset();
            // the intrinsic checks nothing: every in-place block lies in the transaction, so check that once
            Objects.checkFromToIndex(start, adjustment + tx.end(), array.length);
            Objects.checkFromIndexSize(outOffset, Sha256Compression.DIGEST_LENGTH, out.length);
            final byte[] scratch = this.scratch;
            int staged;
            final int total;
            if (!tx.segwit()) {
                total = tx.end() - tx.offset();
                headEnd = 0;
                inPlaceEnd = total >>> 6;
                base = start;
                staged = total & 63;
                System.arraycopy(array, start + (inPlaceEnd << 6), scratch, TAIL, staged);
            } else {
                final int mid = adjustment + tx.inputCountOffset();
                final int midLength = tx.outputsEnd() - tx.inputCountOffset();
                total = midLength + 8;
                System.arraycopy(array, start, scratch, HEAD, 4);
                if (midLength >= 60) {
                    System.arraycopy(array, mid, scratch, HEAD + 4, 60);
                    headEnd = 1;
                    inPlaceEnd = 1 + ((midLength - 60) >>> 6);
                    base = mid + 60 - 64;
                    staged = (midLength - 60) & 63;
                    System.arraycopy(array, mid + midLength - staged, scratch, TAIL, staged);
                } else {
                    // shorter than one block: version, middle and lock time all staged as the tail
                    headEnd = 0;
                    inPlaceEnd = 0;
                    System.arraycopy(array, start, scratch, TAIL, 4);
                    System.arraycopy(array, mid, scratch, TAIL + 4, midLength);
                    staged = 4 + midLength;
                }
                System.arraycopy(array, adjustment + tx.lockTimeOffset(), scratch, TAIL + staged, 4);
                staged += 4;
            }
            scratch[TAIL + staged] = (byte)0x80;
            final int tailBlocks = staged < 56 ? 1 : 2;
            final int lengthAt = TAIL + (tailBlocks << 6) - 8;
            for (int i = TAIL + staged + 1; i < lengthAt; i++) {
                scratch[i] = 0;
            }
            LONG_BE.set(scratch, lengthAt, (long)total << 3);
            tailEnd = inPlaceEnd + tailBlocks;
            this.src = array;
            this.out = out;
            this.outOffset = outOffset;
            step = 0;
            Sha256Compression.iv(state);
            busy = true;
        }

        void step() {
            final int s = step++;
            if (s < inPlaceEnd) {
                if (s >= headEnd) {
                    Sha256Compression.compress(engine, src, base + (s << 6));
                } else {
                    Sha256Compression.compress(engine, scratch, HEAD);
                }
            } else if (s < tailEnd) {
                Sha256Compression.compress(engine, scratch, TAIL + ((s - inPlaceEnd) << 6));
            } else {
                Sha256Compression.writeState(state, scratch, SECOND);
                Sha256Compression.iv(state);
                Sha256Compression.compress(engine, scratch, SECOND);
                Sha256Compression.writeState(state, out, outOffset);
                busy = false;
            }
        }
    }
}
