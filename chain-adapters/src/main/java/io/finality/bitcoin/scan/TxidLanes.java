package io.finality.bitcoin.scan;

/**
 * The txids of a run of transactions hashed two at a time, side by side, one 64-byte block of each in turn: the
 * all-txids path of {@link BitcoinBlockScanner#allTxids} on heap buffers when {@link Sha256Compression} has its fast
 * path and {@link TxidPath} did not choose the vector lanes.
 *
 * <p>Why: one SHA-256 is a chain of dependent SHA-NI rounds, so hashing is bound by their latency (~36 ns per 64-byte
 * block on the AMD EPYC of sessions 1–12), and the floor of issue 3 hashes a whole block as one such chain. Txids are independent
 * messages: compressing a block of one transaction, then one of another, puts two independent chains next to each
 * other in the instruction stream and the CPU overlaps them (~26 ns per block in a spike), and the walk to the next
 * transaction runs while they are in flight. Three or four lanes measured no better than two there. (On the Intel Xeon
 * of sessions 13–14, whose SHA-NI is slower and not bound by latency, two lanes run ~10 % slower than one at a time.)
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
final class TxidLanes implements TxidBatch {
    private final TxidInFlight a = new TxidInFlight();
    private final TxidInFlight b = new TxidInFlight();

    /** Hashes the transactions in flight until a lane is free, then loads {@code tx} into it. */
    @Override
    public void submit(final TransactionFlyweight tx, final byte[] array, final int adjustment, final byte[] out, final int outOffset) {
        if (a.busy && b.busy) {
            runUntilOneIsFree();
        }
        (a.busy ? b : a).load(tx, array, adjustment, out, outOffset);
    }

    @Override
    public void drain() {
        if (a.busy && b.busy) {
            runUntilOneIsFree();
        }
        a.finishAlone();
        b.finishAlone();
    }

    @Override
    public void reset() {
        a.busy = false;
        b.busy = false;
    }

    /** Both lanes busy: compress a block of each in turn until one has written its txid. */
    private void runUntilOneIsFree() {
        final TxidInFlight a = this.a;
        final TxidInFlight b = this.b;
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
}
