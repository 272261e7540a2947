package io.finality.bitcoin.scan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The txids of a run of transactions hashed many at a time, one transaction per lane of a {@link LaneCompression} (16
 * with AVX-512): the all-txids path of {@link BitcoinBlockScanner#allTxids} on heap buffers when {@link TxidPath} chose
 * it. Each lane is a {@link TxidInFlight}, the same runs of blocks {@link TxidLanes} compresses two at a time on the
 * SHA-NI intrinsic; here every call compresses one block of every lane, and a lane's second hash is staged straight from
 * its state.
 *
 * <p>Every busy lane always has its next block staged: one call compresses them all, then one pass moves each lane on
 * and stages its next block (the current runs are copied into arrays here, so that pass reads no lane objects). While
 * transactions keep coming every lane is busy: {@link #submit} compresses until a lane finishes its txid, then loads the
 * transaction into it. At the end ({@link #drain}) lanes run dry; once fewer than half are busy, a vector call costs
 * more than the intrinsic would for the blocks still in it, so each remaining txid is finished alone on the intrinsic
 * from its lane's state (which also bounds what one huge transaction can cost: it never holds the lanes). On the real
 * blocks of the benchmark the lanes are 15.9 of 16 busy per call, and 6 % of the blocks are finished alone.
 *
 * <p>Allocates nothing after construction. Not thread-safe: one instance per scanner.
 */
final class TxidVectorLanes implements TxidBatch {
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final byte IDLE = 0;
    /** Hashing the transaction's blocks: its current run is in {@link #cur}, {@link #pos}, {@link #left}. */
    private static final byte FIRST = 1;
    /** The second hash's block, staged from the lane's state: the txid is done after the next compression. */
    private static final byte SECOND = 2;

    private final LaneCompression compression;
    private final int n;
    private final int[] state;
    private final int[] iv = new int[8];
    private final TxidInFlight[] lanes;
    /** Per lane: its mode, and (in {@link #FIRST}) a copy of its current run, kept here so the hot loop reads arrays. */
    private final byte[] mode;
    private final byte[][] cur;
    private final int[] pos;
    private final int[] left;
    private final int[] free;
    private int freeCount;
    /** At the end of a run, lanes still busy below this count are finished alone on the intrinsic. */
    private final int finishAloneBelow;
    private int busy;
    private int second;

    TxidVectorLanes(final LaneCompression compression) {
        this.compression = compression;
        n = compression.lanes();
        state = compression.state();
        lanes = new TxidInFlight[n];
        for (int l = 0; l < n; l++) {
            lanes[l] = new TxidInFlight();
        }
        mode = new byte[n];
        cur = new byte[n][];
        pos = new int[n];
        left = new int[n];
        free = new int[n];
        finishAloneBelow = Math.max(2, n / 2);
        Sha256Compression.iv(iv);
        reset();
    }

    /** Compresses while every lane is busy until one is free, then loads {@code tx} into it and stages its first block. */
    @Override
    public void submit(final TransactionFlyweight tx, final byte[] array, final int adjustment, final byte[] out, final int outOffset) {
        if (busy == n) {
            step(true);
        }
        final int l = free[--freeCount];
        final TxidInFlight lane = lanes[l];
        lane.load(tx, array, adjustment, out, outOffset);
        for (int i = 0; i < 8; i++) {
            state[i * n + l] = iv[i];
        }
        mode[l] = FIRST;
        takeRun(l, lane);
        compression.stage(l, cur[l], pos[l]);
        busy++;
    }

    @Override
    public void drain() {
        // a lane in SECOND has its first digest only in the staged block: run the vector lanes until none is
        while (busy >= finishAloneBelow || second > 0) {
            step(false);
        }
        for (int l = 0; l < n; l++) {
            if (mode[l] == FIRST) {
                final TxidInFlight lane = lanes[l];
                for (int i = 0; i < 8; i++) {
                    lane.state[i] = state[i * n + l];
                }
                lane.cur = cur[l];
                lane.pos = pos[l];
                lane.left = left[l];
                lane.finishAlone();
                release(l);
            }
        }
    }

    @Override
    public void reset() {
        freeCount = 0;
        for (int l = n - 1; l >= 0; l--) {
            lanes[l].busy = false;
            mode[l] = IDLE;
            free[freeCount++] = l;
        }
        busy = 0;
        second = 0;
    }

    /**
     * Compress every lane's staged block, then move each busy lane on and stage its next one; as many times as it takes
     * (with {@code untilFree}) for a lane to finish its txid, without it once. Every busy lane always has its next
     * block staged.
     */
    private void step(final boolean untilFree) {
        final LaneCompression compression = this.compression;
        final byte[] mode = this.mode;
        final byte[][] cur = this.cur;
        final int[] pos = this.pos;
        final int[] left = this.left;
        final int n = this.n;
        boolean freed = false;
        do {
            compression.compress();
            for (int l = 0; l < n; l++) {
                final byte m = mode[l];
                if (m == FIRST) {
                    pos[l] += 64;
                    if (--left[l] == 0 && !nextRun(l)) {
                        continue;
                    }
                    compression.stage(l, cur[l], pos[l]);
                } else if (m == SECOND) {
                    final TxidInFlight lane = lanes[l];
                    writeTxid(l, lane.out, lane.outOffset);
                    second--;
                    release(l);
                    freed = true;
                }
            }
        } while (untilFree && !freed);
    }

    /** Lane {@code l}'s run is done: take its next one (true), or stage its second hash and turn it SECOND (false). */
    private boolean nextRun(final int l) {
        final TxidInFlight lane = lanes[l];
        if (lane.inTail()) {
            compression.stageDigest(l);
            mode[l] = SECOND;
            second++;
            return false;
        }
        lane.advance();
        takeRun(l, lane);
        return true;
    }

    private void takeRun(final int l, final TxidInFlight lane) {
        cur[l] = lane.cur;
        pos[l] = lane.pos;
        left[l] = lane.left;
    }

    private void release(final int l) {
        lanes[l].busy = false;
        mode[l] = IDLE;
        free[freeCount++] = l;
        busy--;
    }

    /** Lane {@code lane}'s state, its finished second hash, as the txid: eight big-endian ints. */
    private void writeTxid(final int lane, final byte[] out, final int outOffset) {
        for (int i = 0; i < 8; i++) {
            INT_BE.set(out, outOffset + 4 * i, state[i * n + lane]);
        }
    }
}
