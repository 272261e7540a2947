package io.finality.bitcoin.scan;

import io.finality.core.spi.AddressIndex;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.agrona.DirectBuffer;

/**
 * One large block's output probes, shared between the scan thread and a {@link ProbeHelper}: the scan thread's walk
 * queues every output script of the block (offset and length, in rows of {@value #CHUNK}) as the {@link OutputQueue}
 * of {@link TransactionFlyweight#wrap}, publishing its progress every {@value #CHUNK} outputs with an ordered write;
 * both threads claim whole rows (chunks) by CAS on one counter and probe them, the helper through the index's
 * {@link AddressIndex#concurrentReader reader}, the scan thread through the index itself once its walk is done
 * (work stealing: with a helper that never gets a CPU the scan thread probes everything).
 *
 * <p><b>The scan thread never waits long for the helper.</b> A chunk the helper claimed and has not finished after
 * {@value #TAKE_OVER_NANOS} ns is probed again by the scan thread into rows of its own, and the helper's answer for it is
 * ignored. (Measured, docs/BENCHMARKS.md "A helper that stops": a helper whose CPU stops in the middle of a chunk, for
 * the journal's first touch of new memory or the hypervisor, held the scan for up to 8 ms when the scan waited for it.)
 * So the helper may still be inside a chunk of a block the scanner has finished; three rules make that safe:
 * <ul>
 *   <li>Everything a chunk's probe reads (block buffer, chain, reader, the rows of offsets and lengths) and writes (its
 *       slots and its done mark) lives in one of two {@link Rows}, used by alternate blocks. A block does not reuse the
 *       rows of the block before last while the helper is still inside one of that block's chunks: it is scanned
 *       without the helper instead ({@link #begin} returns false).</li>
 *   <li>The helper announces the chunk it is about to claim ({@link #helperBusy}, set before its CAS, cleared after its
 *       probe), so {@link #begin} and {@link #awaitHelperIdle} see every probe that may still read.</li>
 *   <li>The owner of the index must not mutate it while the helper reads: the scan stage calls
 *       {@link #awaitHelperIdle} (through {@link BitcoinBlockScanner#awaitIndexReaders}) before every mutation.</li>
 * </ul>
 *
 * <p>The claim counter holds the block's generation in its high {@value #GENERATION_BITS} bits and the next chunk in
 * its low {@value #CHUNK_BITS} bits, so a helper that read the counter during one block and tries its CAS during the
 * next one fails instead of claiming a chunk of the next block that is not walked yet. A block starts by resetting the
 * progress (which can only make nothing claimable), then setting the claim counter to the new generation (volatile),
 * which publishes the block's rows to a helper whose CAS then succeeds. Rows are allocated by the walk the first time a
 * block reaches them and kept; the arrays of rows grow only in {@link #begin}, between blocks, for rows no probe reads.
 *
 * <p>Thread rules: {@link #begin}, {@link #onFull}, {@link #endWalk}, {@link #finish}, {@link #awaitHelperIdle} and
 * the accessors on the scan thread; {@link #helpOnce} on the helper thread.
 */
final class SharedProbeJob extends OutputQueue {
    /** Outputs per claimed chunk: one {@link AddressIndex#lookupBatch} call, as the scanner's batch. */
    static final int CHUNK = 256;
    private static final int CHUNK_SHIFT = 8;
    /** Smallest output: an 8-byte value and a one-byte script length. */
    private static final int MIN_OUTPUT_BYTES = 9;
    /**
     * How long the scan thread, its own probes done, waits for a chunk the helper is probing before it probes that
     * chunk itself: a chunk takes the helper 4-10 us, so a helper that is running is nearly always done by then, and one
     * that has lost its CPU costs the scan this long plus one chunk instead of however long the CPU is gone.
     */
    static final long TAKE_OVER_NANOS = 20_000;
    /** Claim counter: the next chunk in the low bits (up to 16 M chunks, far past any block), the generation above. */
    private static final int CHUNK_BITS = 24;
    private static final int GENERATION_BITS = Long.SIZE - CHUNK_BITS;
    private static final long CHUNK_MASK = (1L << CHUNK_BITS) - 1;
    /** Where a chunk's slots are: the helper's (in its rows, once marked done), probed here, or taken over (own rows). */
    private static final byte FROM_HELPER = 0;
    private static final byte PROBED_HERE = 1;
    private static final byte TAKEN_OVER = 2;

    private static final VarHandle CLAIM;
    private static final VarHandle PUBLISHED;
    private static final VarHandle WALK_DONE;
    private static final VarHandle DONE = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            CLAIM = lookup.findVarHandle(SharedProbeJob.class, "claim", long.class);
            PUBLISHED = lookup.findVarHandle(SharedProbeJob.class, "published", int.class);
            WALK_DONE = lookup.findVarHandle(SharedProbeJob.class, "walkDone", boolean.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * What one block's probes read and write. Written by the scan thread in {@link #begin} and the walk, before the
     * claim counter's volatile write and the progress's ordered writes that publish them; the helper writes only a
     * chunk's slots and then its done mark (ordered), the scan thread reads those slots only after seeing the mark.
     */
    private static final class Rows {
        DirectBuffer buffer;
        int chainCode;
        AddressIndex reader;
        int[][] scriptOffsets = new int[0][];
        int[][] scriptLengths = new int[0][];
        int[][] slots = new int[0][];
        /** Per chunk, the generation whose slots the helper has written (0: none yet). */
        long[] done = new long[0];

        void ensureRows(final int rows) {
            if (rows > scriptOffsets.length) {
                scriptOffsets = Arrays.copyOf(scriptOffsets, rows);
                scriptLengths = Arrays.copyOf(scriptLengths, rows);
                slots = Arrays.copyOf(slots, rows);
                done = Arrays.copyOf(done, rows);
            }
        }
    }

    private final Rows[] rowsByParity = {new Rows(), new Rows()};
    /** Scan thread: the open block's rows. */
    private Rows rows = rowsByParity[0];
    /** Scan thread: the slots of chunks it took over from the helper, and where each chunk's slots are. */
    private int[][] ownSlots = new int[0][];
    private byte[] source = new byte[0];
    /**
     * Scan thread only: rows the walk has filled (the queue's arrays are the next row's), the block's generation (1 for
     * the first), chunks taken over.
     */
    private int fullRows;
    private long generation;
    private long takeOvers;

    /** Generation (high bits) and next unclaimed chunk (low {@value #CHUNK_BITS} bits). */
    private volatile long claim;
    /** Outputs the walk has published: a multiple of {@value #CHUNK} until the walk is done, then all of them. */
    private volatile int published;
    /** Whether {@link #published} is final. */
    private volatile boolean walkDone;
    /** The claim value of the chunk the helper is claiming or probing; 0 when it is in no probe. */
    private volatile long helperBusy;
    /** Helper thread only (read by the scan thread): probes that threw on the helper (the scan thread then took them over). */
    private volatile long helperFailures;

    /**
     * Scan thread: open a block of {@code length} bytes in {@code buffer}; its probes go through {@code reader} on the
     * helper thread. Grows the rows for the block's bound on outputs (only when a larger block arrives).
     *
     * @return false, opening nothing, if the helper is still inside a chunk of the block before last, whose rows this
     *     block would reuse: scan it without the helper.
     */
    boolean begin(final DirectBuffer buffer, final int length, final int chainCode, final AddressIndex reader) {
        final long busy = helperBusy;
        if (busy != 0 && busy >>> CHUNK_BITS != generation) {
            return false;
        }
        final long next = generation + 1;
        final Rows r = rowsByParity[(int) (next & 1)];
        final int rowCount = (length / MIN_OUTPUT_BYTES + 1 + CHUNK - 1) >>> CHUNK_SHIFT;
        r.ensureRows(rowCount);
        if (rowCount > ownSlots.length) {
            ownSlots = Arrays.copyOf(ownSlots, rowCount);
            source = Arrays.copyOf(source, rowCount);
        }
        // Progress first: reset values can only make nothing claimable, whichever generation a helper believes in.
        PUBLISHED.setRelease(this, 0);
        WALK_DONE.setRelease(this, false);
        r.buffer = buffer;
        r.chainCode = chainCode;
        r.reader = reader;
        rows = r;
        openRow(r, 0);
        fullRows = 0;
        generation = next;
        claim = next << CHUNK_BITS;
        return true;
    }

    /** Scan thread: the walk filled a row; publish it and queue into the next. */
    @Override
    protected void onFull() {
        final int row = fullRows + 1;
        PUBLISHED.setRelease(this, row << CHUNK_SHIFT);
        fullRows = row;
        // a block of n bytes has fewer than n / 9 + 1 outputs and begin() made rows for that many: row is in range
        openRow(rows, row);
    }

    /** Point the queue at row {@code row} of {@code r}, empty; a row is allocated the first time a block reaches it. */
    private void openRow(final Rows r, final int row) {
        if (r.scriptOffsets[row] == null) {
            // the first block this large: rows are kept, so this is warm-up only
            r.scriptOffsets[row] = new int[CHUNK];
            r.scriptLengths[row] = new int[CHUNK];
            r.slots[row] = new int[CHUNK];
            if (ownSlots[row] == null) {
                ownSlots[row] = new int[CHUNK];
            }
        }
        scriptOffsets = r.scriptOffsets[row];
        scriptLengths = r.scriptLengths[row];
        count = 0;
    }

    /** Scan thread: the walk is over (at the end of the block or at an error); every queued output may be probed. */
    void endWalk() {
        PUBLISHED.setRelease(this, queued());
        WALK_DONE.setRelease(this, true);
    }

    /**
     * Scan thread, after {@link #endWalk}: probe every chunk nobody has claimed through {@code index}, then take each
     * of the helper's chunks once it is done, or, if it is not done {@value #TAKE_OVER_NANOS} ns after this thread
     * began to wait, probe it again here. Afterwards every slot of the block is final; the helper may still be inside
     * one of its chunks (see the class comment).
     */
    void finish(final AddressIndex index) {
        final Rows r = rows;
        final int queued = queued();
        final int chunks = (queued + CHUNK - 1) >>> CHUNK_SHIFT;
        final byte[] source = this.source;
        Arrays.fill(source, 0, chunks, FROM_HELPER);
        while (true) {
            final long c = claim;
            final int k = (int) (c & CHUNK_MASK);
            if (k >= chunks) {
                break;
            }
            if (CLAIM.compareAndSet(this, c, c + 1)) {
                index.lookupBatch(r.chainCode, r.buffer, r.scriptOffsets[k], r.scriptLengths[k], chunkLength(k), r.slots[k]);
                source[k] = PROBED_HERE;
            }
        }
        long waitStart = 0;
        for (int k = 0; k < chunks; k++) {
            if (source[k] == PROBED_HERE) {
                continue;
            }
            while ((long) DONE.getAcquire(r.done, k) != generation) {
                final long now = System.nanoTime();
                if (waitStart == 0) {
                    waitStart = now;
                } else if (now - waitStart > TAKE_OVER_NANOS) {
                    index.lookupBatch(r.chainCode, r.buffer, r.scriptOffsets[k], r.scriptLengths[k], chunkLength(k), ownSlots[k]);
                    source[k] = TAKEN_OVER;
                    takeOvers++;
                    break;
                }
                Thread.onSpinWait();
            }
        }
    }

    private int chunkLength(final int k) {
        return Math.min(CHUNK, queued() - (k << CHUNK_SHIFT));
    }

    /**
     * Scan thread, between blocks: return once the helper is in no probe, so that the index may be mutated (a stopped
     * helper costs the wait here, before an invoice is opened or cancelled, instead of in a block's scan).
     */
    void awaitHelperIdle() {
        int spins = 0;
        while (helperBusy != 0) {
            if (++spins < 1_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
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
        final int k = (int) (c & CHUNK_MASK);
        final boolean done = (boolean) WALK_DONE.getAcquire(this);
        final int p = (int) PUBLISHED.getAcquire(this);
        final int from = k << CHUNK_SHIFT;
        if (p - from < CHUNK && !(done && p > from)) {
            return false;
        }
        // announced before the claim, so that begin() and awaitHelperIdle() see any probe that may follow it
        helperBusy = c;
        if (CLAIM.compareAndSet(this, c, c + 1)) {
            final long gen = c >>> CHUNK_BITS;
            final Rows r = rowsByParity[(int) (gen & 1)];
            try {
                r.reader.lookupBatch(r.chainCode, r.buffer, r.scriptOffsets[k], r.scriptLengths[k], Math.min(CHUNK, p - from), r.slots[k]);
                DONE.setRelease(r.done, k, gen);
            } catch (final RuntimeException | Error e) {
                // no done mark: the scan thread takes the chunk over and, if the index throws there too, throws
                helperFailures++;
            }
        }
        helperBusy = 0;
        return true;
    }

    /** Probes that threw on the helper thread (the scan thread probed those chunks again). */
    long helperFailures() {
        return helperFailures;
    }

    /** Scan thread: chunks it took over from a helper that had not finished them in time. */
    long takeOvers() {
        return takeOvers;
    }

    /** Scan thread: outputs the walk has queued into this block's rows. */
    int queued() {
        return (fullRows << CHUNK_SHIFT) + count;
    }

    /** Scan thread, after {@link #finish}: the script offset of output {@code i} of the block. */
    int scriptOffset(final int i) {
        return rows.scriptOffsets[i >>> CHUNK_SHIFT][i & (CHUNK - 1)];
    }

    /** Scan thread, after {@link #finish}: the invoice slot (or {@link AddressIndex#MISSING}) of output {@code i}. */
    int slot(final int i) {
        final int k = i >>> CHUNK_SHIFT;
        return (source[k] == TAKEN_OVER ? ownSlots[k] : rows.slots[k])[i & (CHUNK - 1)];
    }
}
