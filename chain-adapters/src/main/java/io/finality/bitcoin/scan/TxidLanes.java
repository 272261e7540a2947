package io.finality.bitcoin.scan;

import java.util.Objects;

/**
 * The txids of a run of transactions hashed two at a time, side by side, one 64-byte block of each in turn: the
 * all-txids path of {@link BitcoinBlockScanner#allTxids} on heap buffers when {@link Sha256Compression} has its fast
 * path.
 *
 * <p>Why: one SHA-256 is a chain of dependent SHA-NI rounds, so hashing is bound by their latency (~36 ns per 64-byte
 * block on this machine), and the floor of issue 3 hashes a whole block as one such chain. Txids are independent
 * messages: compressing a block of one transaction, then one of another, puts two independent chains next to each
 * other in the instruction stream and the CPU overlaps them (~26 ns per block in a spike), and the walk to the next
 * transaction runs while they are in flight. Three or four lanes measured no better than two on this machine.
 *
 * <p>Each lane stages only what is not whole 64-byte blocks of the buffer: for a segwit transaction the first block
 * (version + the first 60 bytes after the witness marker and flag) and, for every transaction, the tail with its
 * padding; the blocks between are compressed in place. A lane's work is a list of runs of blocks (staged first block,
 * in place, staged tail, the second hash's block); both lanes compress the shorter of their current runs in one tight
 * loop, so the per-block cost is the two compressions and little else.
 *
 * <p>{@link #submit} returns before the txid is written; {@link #drain} writes every pending one. Allocates nothing
 * after construction. Not thread-safe: one instance per scanner.
 */
final class TxidLanes {
    private final Lane a = new Lane();
    private final Lane b = new Lane();

    /**
     * Start the txid of {@code tx} (wrapped on a heap buffer whose array is {@code array}, at {@code adjustment}), to be
     * written at {@code out[outOffset, outOffset + 32)} by the time {@link #drain} returns. Hashes the transactions in
     * flight until a lane is free.
     */
    void submit(final TransactionFlyweight tx, final byte[] array, final int adjustment, final byte[] out, final int outOffset) {
        if (a.busy && b.busy) {
            runUntilOneIsFree();
        }
        (a.busy ? b : a).load(tx, array, adjustment, out, outOffset);
    }

    /** Finish every submitted txid. */
    void drain() {
        if (a.busy && b.busy) {
            runUntilOneIsFree();
        }
        a.finishAlone();
        b.finishAlone();
    }

    /** Drop whatever is in flight (after a throw left a lane busy): the next submit starts clean. */
    void reset() {
        a.busy = false;
        b.busy = false;
    }

    /** Both lanes busy: compress a block of each in turn until one has written its txid. */
    private void runUntilOneIsFree() {
        final Lane a = this.a;
        final Lane b = this.b;
        final Object engineA = a.engine;
        final Object engineB = b.engine;
        while (true) {
            final int n = Math.min(a.left, b.left);
            final byte[] bytesA = a.cur;
            final byte[] bytesB = b.cur;
            int posA = a.pos;
            int posB = b.pos;
            for (int i = 0; i < n; i++) {
                Sha256Compression.compress(engineA, bytesA, posA);
                Sha256Compression.compress(engineB, bytesB, posB);
                posA += 64;
                posB += 64;
            }
            a.pos = posA;
            b.pos = posB;
            a.left -= n;
            b.left -= n;
            final boolean doneA = a.left == 0 && !a.advance();
            final boolean doneB = b.left == 0 && !b.advance();
            if (doneA || doneB) {
                return;
            }
        }
    }

    /** One txid in flight: runs of blocks, compressed by {@link TxidLanes}, or alone by {@link #finishAlone}. */
    private static final class Lane {
        private static final int HEAD = 0;
        private static final int TAIL = 64;
        private static final int SECOND = 192;
        private static final int RUN_HEAD = 0;
        private static final int RUN_IN_PLACE = 1;
        private static final int RUN_TAIL = 2;
        private static final int RUN_SECOND = 3;

        private final Object engine = Sha256Compression.newEngine();
        private final int[] state = Sha256Compression.state(engine);
        /** [0, 64) staged first block, [64, 192) staged tail and padding, [192, 256) the second hash's block. */
        private final byte[] scratch = new byte[256];
        private byte[] src;
        private int inPlaceStart;
        private int inPlaceBlocks;
        private int tailBlocks;
        private byte[] out;
        private int outOffset;
        private boolean busy;
        /** The current run: which, its bytes, the next block's offset, blocks left. */
        private int run;
        private byte[] cur;
        private int pos;
        private int left;

        Lane() {
            Sha256Compression.padDigestBlock(scratch, SECOND);
        }

        void load(final TransactionFlyweight tx, final byte[] array, final int adjustment, final byte[] out, final int outOffset) {
            final int start = adjustment + tx.offset();
            // the intrinsic checks nothing: every in-place block lies in the transaction, so check that once
            Objects.checkFromToIndex(start, adjustment + tx.end(), array.length);
            Objects.checkFromIndexSize(outOffset, Sha256Compression.DIGEST_LENGTH, out.length);
            final byte[] scratch = this.scratch;
            int staged;
            final int total;
            int headBlocks = 0;
            if (!tx.segwit()) {
                total = tx.end() - tx.offset();
                inPlaceStart = start;
                inPlaceBlocks = total >>> 6;
                staged = total & 63;
                System.arraycopy(array, start + (inPlaceBlocks << 6), scratch, TAIL, staged);
            } else {
                final int mid = adjustment + tx.inputCountOffset();
                final int midLength = tx.outputsEnd() - tx.inputCountOffset();
                total = midLength + 8;
                if (midLength >= 60) {
                    System.arraycopy(array, start, scratch, HEAD, 4);
                    System.arraycopy(array, mid, scratch, HEAD + 4, 60);
                    headBlocks = 1;
                    inPlaceStart = mid + 60;
                    inPlaceBlocks = (midLength - 60) >>> 6;
                    staged = (midLength - 60) & 63;
                    System.arraycopy(array, mid + midLength - staged, scratch, TAIL, staged);
                } else {
                    // shorter than one block: version, middle and lock time all staged as the tail
                    inPlaceBlocks = 0;
                    System.arraycopy(array, start, scratch, TAIL, 4);
                    System.arraycopy(array, mid, scratch, TAIL + 4, midLength);
                    staged = 4 + midLength;
                }
                System.arraycopy(array, adjustment + tx.lockTimeOffset(), scratch, TAIL + staged, 4);
                staged += 4;
            }
            tailBlocks = Sha256Compression.padFinalBlocks(scratch, TAIL, staged, total);
            this.src = array;
            this.out = out;
            this.outOffset = outOffset;
            Sha256Compression.iv(state);
            busy = true;
            run = RUN_HEAD;
            cur = scratch;
            pos = HEAD;
            left = headBlocks;
            if (left == 0) {
                advance();
            }
        }

        /** The current run is done: move to the next non-empty one; false (and the txid written) after the last. */
        boolean advance() {
            while (true) {
                switch (++run) {
                    case RUN_IN_PLACE:
                        cur = src;
                        pos = inPlaceStart;
                        left = inPlaceBlocks;
                        break;
                    case RUN_TAIL:
                        cur = scratch;
                        pos = TAIL;
                        left = tailBlocks;
                        break;
                    case RUN_SECOND:
                        // the first digest becomes the second hash's only block
                        Sha256Compression.writeState(state, scratch, SECOND);
                        Sha256Compression.iv(state);
                        pos = SECOND;
                        left = 1;
                        break;
                    default:
                        Sha256Compression.writeState(state, out, outOffset);
                        busy = false;
                        return false;
                }
                if (left > 0) {
                    return true;
                }
            }
        }

        /** Compress whatever this lane has left on its own and write its txid. */
        void finishAlone() {
            while (busy) {
                final byte[] bytes = cur;
                int p = pos;
                for (int i = left; i > 0; i--) {
                    Sha256Compression.compress(engine, bytes, p);
                    p += 64;
                }
                pos = p;
                left = 0;
                advance();
            }
        }
    }
}
