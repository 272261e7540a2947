package io.finality.core.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a {@link ChainSource} resumes after a restart: the hashes of the last blocks the journal applied, oldest
 * first, ending at {@code tipHeight}. The source continues after the tip, and walks back through these hashes if
 * the node no longer has it. Validated and copied once here, for every chain family.
 *
 * <p>Immutable; safe from any thread (the hash arrays are copies, handed out as copies).
 */
public final class ResumePoint {
    /** Bytes of a block hash. */
    public static final int HASH_LENGTH = 32;

    private final long tipHeight;
    private final List<byte[]> hashes;

    private ResumePoint(final long tipHeight, final List<byte[]> hashes) {
        this.tipHeight = tipHeight;
        this.hashes = hashes;
    }

    /**
     * A resume point at {@code tipHeight} over {@code hashesOldestFirst} (non-empty, each 32 bytes).
     *
     * @throws IllegalArgumentException naming the rule the input breaks.
     */
    public static ResumePoint of(final long tipHeight, final List<byte[]> hashesOldestFirst) {
        if (hashesOldestFirst.isEmpty()) {
            throw new IllegalArgumentException("a resume point needs at least the tip's hash");
        }
        final List<byte[]> copy = new ArrayList<>(hashesOldestFirst.size());
        for (byte[] h : hashesOldestFirst) {
            if (h.length != HASH_LENGTH) {
                throw new IllegalArgumentException("a block hash is 32 bytes, not " + h.length);
            }
            copy.add(h.clone());
        }
        if (tipHeight - copy.size() + 1 < 0) {
            throw new IllegalArgumentException(copy.size() + " blocks cannot end at height " + tipHeight);
        }
        return new ResumePoint(tipHeight, List.copyOf(copy));
    }

    public long tipHeight() {
        return tipHeight;
    }

    /** Height of the oldest hash. */
    public long oldestHeight() {
        return tipHeight - hashes.size() + 1;
    }

    /** The hashes, oldest first (copies). */
    public List<byte[]> hashesOldestFirst() {
        final List<byte[]> out = new ArrayList<>(hashes.size());
        for (byte[] h : hashes) {
            out.add(h.clone());
        }
        return out;
    }

    /** The tip's hash (a copy). */
    public byte[] tipHash() {
        return hashes.get(hashes.size() - 1).clone();
    }
}
