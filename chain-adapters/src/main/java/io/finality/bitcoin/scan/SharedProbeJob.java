package io.finality.bitcoin.scan;

import io.finality.core.spi.AddressIndex;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.agrona.DirectBuffer;

/**
 * One large block's output probes, shared between the scan thread and a {@link ProbeHelper}: the scan thread's walk
 * queues every output script of the block (offset and length, in rows of {@value #CHUNK}) as the listener of
 * {@link TransactionFlyweight#wrap}, publishing its progress every {@value #CHUNK} outputs with an ordered write;
 * both threads claim whole rows (chunks) by CAS on one counter and probe them, the helper through the index's
 * {@link AddressIndex#concurrentReader reader}, the scan thread through the index itself once its walk is done
 * (work stealing: with a helper that never gets a CPU the scan thread probes everything, and it never waits for a
 * chunk nobody has claimed). Each chunk's slots are written by its claimer only; an atomic count of completed
 * chunks tells the scan thread when every slot is final.
 *
 * <p>The claim counter holds the block's generation in its high 32 bits and the next chunk in its low 32 bits, so a
 * helper that read the counter during one block and tries its CAS during the next one fails instead of claiming a
 * chunk of the next block that is not walked yet. A block starts by resetting the progress (which can only make
 * nothing claimable), then setting the claim counter to the new generation (volatile), which publishes the block's
 * buffer, reader and rows to a helper whose CAS then succeeds. Rows are allocated by the walk the first time a block
 * reaches them and kept; the array of rows grows only in {@link #begin}, between blocks, while no helper reads it.
 *
 * <p>Thread rules: {@link #begin}, {@link #onOutput}, {@link #endWalk}, {@link #finish} and the accessors on the scan
 * thread; {@link #helpOnce} on the helper thread.
 */
final class SharedProbeJob implements TransactionFlyweight.OutputListener {
    /** Outputs per claimed chunk: one {@link AddressIndex#lookupBatch} call, as the scanner's batch. */
    static final int CHUNK = 256;
    private static final int CHUNK_SHIFT = 8;
    /** Smallest output: an 8-byte value and a one-byte script length. */
    private static final int MIN_OUTPUT_BYTES = 9;
    /** Spins (about 10-40 ns each) before the scan thread waiting for the helper's last chunks yields its CPU. */
    private static final int SPINS_BEFORE_YIELD = 1_000;

    private static final VarHandle CLAIM;
    private static final VarHandle COMPLETED;
    private static final VarHandle PUBLISHED;
    private static final VarHandle WALK_DONE;

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            CLAIM = lookup.findVarHandle(SharedProbeJob.class, "claim", long.class);
            COMPLETED = lookup.findVarHandle(SharedProbeJob.class, "completed", int.class);
            PUBLISHED = lookup.findVarHandle(SharedProbeJob.class, "published", int.class);
            WALK_DONE = lookup.findVarHandle(SharedProbeJob.class, "walkDone", boolean.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Written by the scan thread before the claim counter's volatile write of a block, read by the claimers after.
    private DirectBuffer buffer;
    private int chainCode;
    private AddressIndex reader;
    private int[][] scriptOffsets = new int[0][];
    private int[][] scriptLengths = new int[0][];
    private int[][] slots = new int[0][];

    /**
     * Set by a claimer whose probe threw (an index must not throw, but a helper that died holding a chunk would leave
     * the scan thread waiting forever): written before the chunk counts complete; the scan thread then probes the
     * whole block again itself, so a throwing index throws on the scan thread, as without a helper.
     */
    private boolean failed;
    /** Scan thread: blocks whose helper probe threw (then probed again on the scan thread): tests expect none. */
    private long helperFailures;
    /** Scan thread only: outputs queued by the walk, and the block's generation. */
    private int queued;
    private int generation;

    /** Generation (high 32 bits) and next unclaimed chunk (low 32 bits). */
    private volatile long claim;
    /** Chunks whose slots are written. */
    private volatile int completed;
    /** Outputs the walk has published: a multiple of {@value #CHUNK} until the walk is done, then all of them. */
    private volatile int published;
    /** Whether {@link #published} is final. */
    private volatile boolean walkDone;

    /**
     * Scan thread: open a block of {@code length} bytes in {@code buffer}; its probes go through {@code reader} on the
     * helper thread. Grows the array of rows for the block's bound on outputs (only when a larger block arrives).
     */
    void begin(final DirectBuffer buffer, final int length, final int chainCode, final AddressIndex reader) {
        final int rows = (length / MIN_OUTPUT_BYTES + 1 + CHUNK - 1) >>> CHUNK_SHIFT;
        if (rows > scriptOffsets.length) {
            scriptOffsets = Arrays.copyOf(scriptOffsets, rows);
            scriptLengths = Arrays.copyOf(scriptLengths, rows);
            slots = Arrays.copyOf(slots, rows);
        }
        // Progress first: reset values can only make nothing claimable, whichever generation a helper believes in.
        PUBLISHED.setRelease(this, 0);
        WALK_DONE.setRelease(this, false);
        COMPLETED.setRelease(this, 0);
        this.buffer = buffer;
        this.chainCode = chainCode;
        this.reader = reader;
        queued = 0;
        generation++;
        claim = (long) generation << 32;
    }

    @Override
    public void onOutput(
        final DirectBuffer buffer, final int outputIndex, final int valueOffset, final int scriptOffset, final int scriptLength) {
        final int q = queued;
        final int row = q >>> CHUNK_SHIFT;
        final int column = q & (CHUNK - 1);
        if (column == 0 && scriptOffsets[row] == null) {
            // the first block this large: rows are kept, so this is warm-up only
            scriptOffsets[row] = new int[CHUNK];
            scriptLengths[row] = new int[CHUNK];
            slots[row] = new int[CHUNK];
        }
        scriptOffsets[row][column] = scriptOffset;
        scriptLengths[row][column] = scriptLength;
        queued = q + 1;
        if (column == CHUNK - 1) {
            PUBLISHED.setRelease(this, q + 1);
        }
    }

    /** Scan thread: the walk is over (at the end of the block or at an error); every queued output may be probed. */
    void endWalk() {
        PUBLISHED.setRelease(this, queued);
        WALK_DONE.setRelease(this, true);
    }

    /**
     * Scan thread, after {@link #endWalk}: probe every chunk nobody has claimed through {@code index}, then wait
     * (spinning, then yielding) until the helper's chunks are complete too. Afterwards every slot of the block is final.
     */
    void finish(final AddressIndex index) {
        final int chunks = (queued + CHUNK - 1) >>> CHUNK_SHIFT;
        while (true) {
            final long c = claim;
            final int k = (int) c;
            if (k >= chunks) {
                break;
            }
            if (CLAIM.compareAndSet(this, c, c + 1)) {
                probe(k, queued, index);
            }
        }
        int waits = 0;
        while ((int) COMPLETED.getAcquire(this) != chunks) {
            // a chunk takes the helper some microseconds; longer, and it may be queued on this very CPU: let it run
            if (++waits < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        if (failed) {
            failed = false;
            helperFailures++;
            for (int k = 0; k < chunks; k++) {
                final int n = Math.min(CHUNK, queued - (k << CHUNK_SHIFT));
                index.lookupBatch(chainCode, buffer, scriptOffsets[k], scriptLengths[k], n, slots[k]);
            }
        }
    }

    /**
     * Helper thread: claim and probe one chunk through the reader if one is ready.
     *
     * @return whether there was a chunk to claim (false: spin, the walk has not got that far or all are claimed).
     */
    boolean helpOnce() {
        final long c = claim;
        final int k = (int) c;
        final boolean done = (boolean) WALK_DONE.getAcquire(this);
        final int p = (int) PUBLISHED.getAcquire(this);
        final int from = k << CHUNK_SHIFT;
        if (p - from < CHUNK && !(done && p > from)) {
            return false;
        }
        if (CLAIM.compareAndSet(this, c, c + 1)) {
            try {
                probe(k, p, reader);
            } catch (final RuntimeException | Error e) {
                failed = true;
                COMPLETED.getAndAdd(this, 1);
            }
        }
        return true;
    }

    /** Probe chunk {@code k} of the block's {@code outputs} published outputs and count it complete. */
    private void probe(final int k, final int outputs, final AddressIndex index) {
        final int n = Math.min(CHUNK, outputs - (k << CHUNK_SHIFT));
        index.lookupBatch(chainCode, buffer, scriptOffsets[k], scriptLengths[k], n, slots[k]);
        COMPLETED.getAndAdd(this, 1);
    }

    /** Scan thread: blocks whose helper probe threw. */
    long helperFailures() {
        return helperFailures;
    }

    /** Scan thread, after {@link #finish}: outputs the walk queued. */
    int queued() {
        return queued;
    }

    /** Scan thread, after {@link #finish}: the script offset of output {@code i} of the block. */
    int scriptOffset(final int i) {
        return scriptOffsets[i >>> CHUNK_SHIFT][i & (CHUNK - 1)];
    }

    /** Scan thread, after {@link #finish}: the invoice slot (or {@link AddressIndex#MISSING}) of output {@code i}. */
    int slot(final int i) {
        return slots[i >>> CHUNK_SHIFT][i & (CHUNK - 1)];
    }
}
