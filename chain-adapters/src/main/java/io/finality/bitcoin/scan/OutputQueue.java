package io.finality.bitcoin.scan;

/**
 * Where {@link TransactionFlyweight#wrap(org.agrona.DirectBuffer, int, int, OutputQueue)} queues each output script
 * (offset and length in the walked buffer) as its validating pass reaches it, writing the two ints in place rather than
 * calling a listener per output. A call per output was what the walk paid before: C2 judged the call site cold (its
 * profile was taken while the walk still ran without a listener) and the callee, at 49 bytes of bytecode, too big for a
 * cold site, so every output cost a real call in the middle of the walk's loop (docs/BENCHMARKS.md, "Bitcoin scanner").
 * Only a full queue calls out, once per {@code scriptOffsets.length} outputs. (The writes are spelled out in the walk
 * for the same reason: a helper method of this size would meet the same rule at a cold site.)
 *
 * <p>The walk queues the outputs of a transaction that may still turn out malformed further on: the owner must hold
 * what it records until the wrap returns {@link ScanError#OK}.
 *
 * <p>Invariant, kept by the subclass: between calls {@code count < scriptOffsets.length} and both arrays are equally
 * long; {@link #onFull} must restore it (probe and empty the queue, or hand the full arrays on and take fresh ones).
 * Not thread-safe: the walking thread owns the queue.
 */
public abstract class OutputQueue {
    /** Script offsets of the queued outputs, {@code [0, count)}. */
    protected int[] scriptOffsets;
    /** Script lengths of the queued outputs, {@code [0, count)}. */
    protected int[] scriptLengths;
    /** Outputs queued in the arrays now. */
    protected int count;

    protected OutputQueue() {
    }

    /** The walk has just filled the arrays ({@code count == scriptOffsets.length}): make room. */
    protected abstract void onFull();
}
