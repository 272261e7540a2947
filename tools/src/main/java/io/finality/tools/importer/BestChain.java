package io.finality.tools.importer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The blocks to import, in height order: the longest chain (by height) that grows from the start block
 * through {@link BlkBlockIndex} parent links; on equal height the tip seen first in the files wins, as
 * a node keeps the first branch it received. Blocks that do not descend from the start are counted:
 * those whose parent is in no file ({@link #parentUnknown()}; a genesis block is not one), stale branches off the chosen chain
 * ({@link #stale()}) and the rest (at or below the start).
 *
 * <p>Heights are relative to the start block's height; {@code toHeight} cuts the chain. Immutable; any thread.
 */
public final class BestChain {
    private final long startHeight;
    private final List<BlkBlockIndex.Entry> blocks;
    private final long linked;
    private final long parentUnknown;
    private final long stale;

    private BestChain(final long startHeight, final List<BlkBlockIndex.Entry> blocks, final long linked, final long parentUnknown,
                      final long stale) {
        this.startHeight = startHeight;
        this.blocks = blocks;
        this.linked = linked;
        this.parentUnknown = parentUnknown;
        this.stale = stale;
    }

    /**
     * Walk the index from the start block.
     *
     * @param startHash   internal order; the block the chain continues (it need not be in the files).
     * @param startHeight its height.
     * @param toHeight    the last height to include ({@link Long#MAX_VALUE} for all).
     */
    public static BestChain from(final BlkBlockIndex index, final byte[] startHash, final long startHeight, final long toHeight) {
        // breadth first: every reachable block with its height; the best tip is the highest, first seen on a tie
        final Map<BlkBlockIndex.Entry, Long> heights = new HashMap<>();
        final ArrayDeque<BlkBlockIndex.Entry> queue = new ArrayDeque<>(index.children(startHash));
        for (BlkBlockIndex.Entry e : queue) {
            heights.put(e, startHeight + 1);
        }
        BlkBlockIndex.Entry best = null;
        long bestHeight = startHeight;
        while (!queue.isEmpty()) {
            final BlkBlockIndex.Entry e = queue.pollFirst();
            final long h = heights.get(e);
            if (h > bestHeight || h == bestHeight && best != null && e.seen() < best.seen()) {
                best = e;
                bestHeight = h;
            }
            for (BlkBlockIndex.Entry child : index.children(e.hash())) {
                if (heights.putIfAbsent(child, h + 1) == null) {
                    queue.addLast(child);
                }
            }
        }
        final List<BlkBlockIndex.Entry> path = new ArrayList<>();
        for (BlkBlockIndex.Entry e = best; e != null; e = index.entry(e.parent())) {
            if (heights.get(e) <= toHeight) {
                path.add(e);
            }
            if (heights.get(e) == startHeight + 1) {
                break;
            }
        }
        Collections.reverse(path);
        long unknown = 0;
        final byte[] none = new byte[32];
        for (BlkBlockIndex.Entry e : index.entries()) {
            // a genesis block (all-zero parent) is a root, not an orphan
            if (index.entry(e.parent()) == null && !Arrays.equals(e.parent(), startHash) && !Arrays.equals(e.parent(), none)) {
                unknown++;
            }
        }
        final long onChain = best == null ? 0 : bestHeight - startHeight;
        return new BestChain(startHeight, List.copyOf(path), heights.size(), unknown, heights.size() - onChain);
    }

    /** Height of the start block; block {@code i} of {@link #blocks()} is at {@code startHeight + 1 + i}. */
    public long startHeight() {
        return startHeight;
    }

    /** The blocks to connect, lowest first. */
    public List<BlkBlockIndex.Entry> blocks() {
        return blocks;
    }

    /** Blocks descending from the start (on the chain or not). */
    public long linked() {
        return linked;
    }

    /** Blocks whose parent is neither in the files nor the start block. */
    public long parentUnknown() {
        return parentUnknown;
    }

    /** Blocks descending from the start but off the chosen chain (stale forks). */
    public long stale() {
        return stale;
    }

    /** Total bytes of the blocks to connect. */
    public long bytes() {
        long total = 0;
        for (BlkBlockIndex.Entry e : blocks) {
            total += e.length();
        }
        return total;
    }
}
