package io.finality.engine.journal;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.EventKind;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Follows the applied chain of every chain from the journal's step inputs: {@code BLOCK_CONNECTED}
 * pushes (height, hash), {@code BLOCK_DISCONNECTED} pops, keeping the last {@code window} blocks per
 * chain in a ring. {@link #position} gives an immutable {@link ChainPosition} from which a chain
 * adapter resumes after a restart.
 *
 * <p>A connect that does not follow the remembered tip (a gap, or a reorg deeper than the window
 * emptied the ring) restarts the chain's ring at that block; a disconnect of a block other than the
 * remembered tip is counted in {@link #mismatches()} and still pops, as the engine did.
 *
 * <p>Thread rules: {@link #apply} from the state-engine thread (allocation-free once a chain's ring
 * exists); {@link #position} from any thread (both synchronise on this tracker, uncontended on the
 * hot path).
 */
public final class ChainPositionTracker {
    /** Blocks remembered per chain by default: far deeper than any reorg a node would still serve. */
    public static final int DEFAULT_WINDOW = 1_000;

    private static final int HASH = 32;

    private final int window;
    private final Ring[] rings = new Ring[ChainId.values().length];
    private long mismatches;

    public ChainPositionTracker(final int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.window = window;
    }

    public ChainPositionTracker() {
        this(DEFAULT_WINDOW);
    }

    /** Blocks remembered per chain. */
    public int window() {
        return window;
    }

    /** Disconnects that did not name the remembered tip (or came with no block remembered). */
    public synchronized long mismatches() {
        return mismatches;
    }

    /**
     * Replay every document of {@code journal} from its start (snapshots do not hold positions, so the
     * whole journal is read; only the 64-byte step input headers are looked at). Call before the
     * pipeline starts.
     *
     * @return the number of documents read.
     */
    public long recover(final EventJournal journal) {
        final ExpandableArrayBuffer doc = new ExpandableArrayBuffer(64 * 1024);
        long n = 0;
        try (EventJournal.Reader reader = journal.reader().after(-1)) {
            int length;
            while ((length = reader.next(doc)) >= 0) {
                final int inputLength = length >= 4 ? doc.getInt(0) : -1;
                if (inputLength >= 0 && 4 + inputLength <= length) {
                    apply(doc, 4, inputLength);
                }
                n++;
            }
        }
        return n;
    }

    /**
     * Follow one applied step input ({@link StepInputCodec} layout) at {@code in[offset, offset + length)};
     * anything but a block connect or disconnect, or a malformed header, is ignored.
     */
    public synchronized void apply(final DirectBuffer in, final int offset, final int length) {
        if (length < StepInputCodec.HEADER_LENGTH || in.getByte(offset + 1) != StepInputCodec.VERSION) {
            return;
        }
        final EventKind kind = EventKind.fromCode(in.getByte(offset));
        if (kind != EventKind.BLOCK_CONNECTED && kind != EventKind.BLOCK_DISCONNECTED) {
            return;
        }
        final ChainId chain = ChainId.fromCode(in.getShort(offset + 2) & 0xFFFF);
        if (chain == null) {
            return;
        }
        final long height = in.getLong(offset + 8);
        final int hashOffset = offset + 32;
        Ring r = rings[chain.ordinal()];
        if (kind == EventKind.BLOCK_CONNECTED) {
            if (r == null) {
                r = new Ring(window);
                rings[chain.ordinal()] = r;
            }
            r.push(height, in, hashOffset);
        } else if (r == null || !r.popIfTip(height, in, hashOffset)) {
            mismatches++;
            if (r != null) {
                r.pop();
            }
        }
    }

    /**
     * Whether the block at {@code height} of {@code chain} with {@code hash[offset, offset + 32)} is on the
     * applied chain, among the remembered blocks. Allocation-free.
     */
    public synchronized boolean isApplied(final ChainId chain, final long height, final DirectBuffer hash, final int offset) {
        final Ring r = rings[chain.ordinal()];
        if (r == null || height > r.tipHeight || r.tipHeight - height >= r.count) {
            return false;
        }
        final int base = r.slot((int)(r.tipHeight - height)) * HASH;
        for (int i = 0; i < HASH; i++) {
            if (r.hashes[base + i] != hash.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }

    /** The applied position of {@code chain} now (an immutable copy). */
    public synchronized ChainPosition position(final ChainId chain) {
        final Ring r = rings[chain.ordinal()];
        if (r == null || r.count == 0) {
            return new ChainPosition(chain, -1, List.of());
        }
        final List<byte[]> hashes = new ArrayList<>(r.count);
        for (int i = r.count - 1; i >= 0; i--) {
            final byte[] h = new byte[HASH];
            System.arraycopy(r.hashes, r.slot(i) * HASH, h, 0, HASH);
            hashes.add(h);
        }
        return new ChainPosition(chain, r.tipHeight, hashes);
    }

    /** The last blocks of one chain: a ring of hashes, {@code top} is the tip's slot. */
    private static final class Ring {
        private final byte[] hashes;
        private final int capacity;
        private int top = -1;
        private int count;
        private long tipHeight;

        Ring(final int capacity) {
            this.capacity = capacity;
            this.hashes = new byte[capacity * HASH];
        }

        /** Slot of the block {@code back} below the tip. */
        int slot(final int back) {
            return Math.floorMod(top - back, capacity);
        }

        void push(final long height, final DirectBuffer in, final int hashOffset) {
            if (count > 0 && height != tipHeight + 1) {
                // not on top of what we remember: start again from this block
                count = 0;
            }
            top = (top + 1) % capacity;
            in.getBytes(hashOffset, hashes, top * HASH, HASH);
            count = Math.min(count + 1, capacity);
            tipHeight = height;
        }

        boolean popIfTip(final long height, final DirectBuffer in, final int hashOffset) {
            if (count == 0 || height != tipHeight) {
                return false;
            }
            final int base = top * HASH;
            for (int i = 0; i < HASH; i++) {
                if (hashes[base + i] != in.getByte(hashOffset + i)) {
                    return false;
                }
            }
            pop();
            return true;
        }

        void pop() {
            if (count == 0) {
                return;
            }
            count--;
            top = Math.floorMod(top - 1, capacity);
            tipHeight--;
        }
    }
}
