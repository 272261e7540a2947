package io.finality.engine.journal;

import io.finality.core.chain.ChainId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where one chain stood when the state engine last applied a block: the tip and the hashes of the
 * last blocks under it, as the journal recorded them. A restarting chain adapter resumes after the
 * tip and uses the hashes as its locator, so that it can walk back if the node no longer has the tip
 * on its best chain.
 *
 * <p>Immutable snapshot: any thread may read it.
 */
public final class ChainPosition {
    private final ChainId chain;
    private final long tipHeight;
    private final List<byte[]> hashes;

    ChainPosition(final ChainId chain, final long tipHeight, final List<byte[]> hashesOldestFirst) {
        this.chain = chain;
        this.tipHeight = tipHeight;
        final List<byte[]> copy = new ArrayList<>(hashesOldestFirst.size());
        for (byte[] h : hashesOldestFirst) {
            copy.add(h.clone());
        }
        this.hashes = Collections.unmodifiableList(copy);
    }

    public ChainId chain() {
        return chain;
    }

    /** True if no block of this chain is on the applied chain (nothing journaled, or all of it disconnected). */
    public boolean empty() {
        return hashes.isEmpty();
    }

    /** Height of the applied tip (meaningless when {@link #empty()}). */
    public long tipHeight() {
        return tipHeight;
    }

    /** Internal-order hash of the applied tip, or null when {@link #empty()}. */
    public byte[] tipHash() {
        return hashes.isEmpty() ? null : hashes.get(hashes.size() - 1).clone();
    }

    /** Height of the oldest remembered block. */
    public long lowestHeight() {
        return tipHeight - hashes.size() + 1;
    }

    /** Consecutive applied blocks ending at the tip, oldest first (internal-order hashes; do not modify). */
    public List<byte[]> hashesOldestFirst() {
        return hashes;
    }

    @Override
    public String toString() {
        return chain.configName() + (empty() ? " (no block)" : " tip " + tipHeight + ", " + hashes.size() + " blocks known");
    }
}
