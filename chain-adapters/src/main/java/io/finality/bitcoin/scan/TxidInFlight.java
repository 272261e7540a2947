package io.finality.bitcoin.scan;

import java.util.Objects;

/**
 * One txid in flight, as a list of runs of 64-byte blocks: the staged first block (segwit), the blocks compressed in
 * place, the staged tail with its padding, and the second hash's block. A driver compresses the current run's blocks
 * ({@link TxidLanes} two side by side with the SHA-NI intrinsic, {@link TxidVectorLanes} many at once in vector lanes)
 * and calls {@link #advance} when a run is done; {@link #finishAlone} compresses what is left on the intrinsic.
 *
 * <p>The hash state is {@link #state}, the intrinsic engine's own: a vector driver copies its lane's column in before a
 * run change or {@link #finishAlone} and out after. Allocates nothing after construction.
 */
final class TxidInFlight {
    private static final int HEAD = 0;
    private static final int TAIL = 64;
    private static final int SECOND = 192;
    private static final int RUN_HEAD = 0;
    private static final int RUN_IN_PLACE = 1;
    private static final int RUN_TAIL = 2;
    private static final int RUN_SECOND = 3;

    final Object engine = Sha256Compression.newEngine();
    final int[] state = Sha256Compression.state(engine);
    /** [0, 64) staged first block, [64, 192) staged tail and padding, [192, 256) the second hash's block. */
    private final byte[] scratch = new byte[256];
    private byte[] src;
    private int inPlaceStart;
    private int inPlaceBlocks;
    private int tailBlocks;
    /** Where the txid goes. */
    byte[] out;
    int outOffset;
    boolean busy;
    /** The current run: which, its bytes, the next block's offset, blocks left. */
    int run;
    byte[] cur;
    int pos;
    int left;

    TxidInFlight() {
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

    /** Whether the current run is the first hash's last: what follows is the second hash, of the state. */
    boolean inTail() {
        return run == RUN_TAIL;
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
