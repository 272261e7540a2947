package io.finality.bitcoin.scan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The txids of a run of transactions hashed many at a time, one transaction per lane of a {@link LaneCompression} (16
 * with AVX-512): the all-txids path of {@link BitcoinBlockScanner#allTxids} on heap buffers when {@link TxidPath} chose
 * it. Each lane is a {@link TxidInFlight}, the same runs of blocks {@link TxidLanes} compresses two at a time on the
 * SHA-NI intrinsic; here every call compresses one block of every lane.
 *
 * <p>While transactions keep coming every lane is busy: {@link #submit} compresses until a lane finishes its txid, then
 * loads the transaction into it. At the end ({@link #drain}) lanes run dry; once fewer than half are busy, a vector
 * call costs more than the intrinsic would for the blocks still in it, so each remaining txid is finished alone on the
 * intrinsic from its lane's state (which also bounds what one huge transaction can cost: it never holds the lanes).
 *
 * <p>Allocates nothing after construction. Not thread-safe: one instance per scanner.
 */
final class TxidVectorLanes implements TxidBatch {
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final LaneCompression compression;
    private final int n;
    private final int[] state;
    private final int[] iv = new int[8];
    private final TxidInFlight[] lanes;
    /** Lanes on their second hash, whose block the compression staged from their state. */
    private final boolean[] second;
    /** At the end of a run, lanes still busy below this count are finished alone on the intrinsic. */
    private final int finishAloneBelow;
    private int busy;

    TxidVectorLanes(final LaneCompression compression) {
        this.compression = compression;
        n = compression.lanes();
        state = compression.state();
        lanes = new TxidInFlight[n];
        for (int l = 0; l < n; l++) {
            lanes[l] = new TxidInFlight();
        }
        second = new boolean[n];
        finishAloneBelow = Math.max(2, n / 2);
        Sha256Compression.iv(iv);
    }

    @Override
    public void submit(final TransactionFlyweight tx, final byte[] array, final int adjustment, final byte[] out, final int outOffset) {
        if (busy == n) {
            step(true);
        }
        final TxidInFlight[] lanes = this.lanes;
        int l = 0;
        while (lanes[l].busy) {
            l++;
        }
        lanes[l].load(tx, array, adjustment, out, outOffset);
        for (int i = 0; i < 8; i++) {
            state[i * n + l] = iv[i];
        }
        busy++;
    }

    @Override
    public void drain() {
        while (busy >= finishAloneBelow) {
            step(false);
        }
        final TxidInFlight[] lanes = this.lanes;
        for (int l = 0; l < n; l++) {
            final TxidInFlight lane = lanes[l];
            if (lane.busy) {
                for (int i = 0; i < 8; i++) {
                    lane.state[i] = state[i * n + l];
                }
                if (second[l]) {
                    // its tail is done: the lane's own second run takes the first digest from here
                    second[l] = false;
                    lane.advance();
                }
                lane.finishAlone();
                busy--;
            }
        }
    }

    @Override
    public void reset() {
        for (int l = 0; l < n; l++) {
            lanes[l].busy = false;
            second[l] = false;
        }
        busy = 0;
    }

    /**
     * Compress one block of every busy lane, as many times as it takes (with {@code untilFree}) for a lane to finish its
     * txid; without it, once.
     */
    private void step(final boolean untilFree) {
        final LaneCompression compression = this.compression;
        final TxidInFlight[] lanes = this.lanes;
        final boolean[] second = this.second;
        final int n = this.n;
        while (true) {
            for (int l = 0; l < n; l++) {
                final TxidInFlight lane = lanes[l];
                if (second[l]) {
                    compression.stageDigest(l);
                } else if (lane.busy) {
                    compression.stage(l, lane.cur, lane.pos);
                }
            }
            compression.compress();
            boolean freed = false;
            for (int l = 0; l < n; l++) {
                final TxidInFlight lane = lanes[l];
                if (second[l]) {
                    writeTxid(l, lane.out, lane.outOffset);
                    second[l] = false;
                    lane.busy = false;
                    busy--;
                    freed = true;
                } else if (lane.busy) {
                    lane.pos += 64;
                    if (--lane.left == 0) {
                        if (lane.inTail()) {
                            second[l] = true;
                        } else {
                            lane.advance();
                        }
                    }
                }
            }
            if (freed || !untilFree) {
                return;
            }
        }
    }

    /** Lane {@code lane}'s state, its finished second hash, as the txid: eight big-endian ints. */
    private void writeTxid(final int lane, final byte[] out, final int outOffset) {
        for (int i = 0; i < 8; i++) {
            INT_BE.set(out, outOffset + 4 * i, state[i * n + lane]);
        }
    }
}
