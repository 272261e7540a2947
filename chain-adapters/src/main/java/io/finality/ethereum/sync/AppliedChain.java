package io.finality.ethereum.sync;

import io.finality.core.buffer.Hex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The chain as we published it: the hashes of the last {@code capacity} blocks up to our tip, in a ring.
 * A reorganisation is found by comparing the node's hashes with these; a fork below the oldest one kept
 * cannot be undone and stops the sync. The oldest entry is the anchor (the configured start block, or the
 * oldest block the journal recorded), never disconnected.
 *
 * <p>Thread rules: the connection's event loop only.
 */
final class AppliedChain {
    private static final int HASH = 32;

    private final int capacity;
    private final UnsafeBuffer hashes;
    private long tipHeight = -1;
    private int count;

    AppliedChain(final int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("keep at least 2 hashes: " + capacity);
        }
        this.capacity = capacity;
        this.hashes = new UnsafeBuffer(new byte[capacity * HASH]);
    }

    boolean isEmpty() {
        return count == 0;
    }

    long tipHeight() {
        return tipHeight;
    }

    /** Height of the oldest hash kept (the deepest possible fork point). */
    long oldestHeight() {
        return tipHeight - count + 1;
    }

    /** Forget everything and start at {@code height} with {@code hash} (the anchor). */
    void reset(final long height, final DirectBuffer hash, final int offset) {
        count = 0;
        tipHeight = height - 1;
        append(height, hash, offset);
    }

    /** Add the block at {@code tipHeight() + 1}; the oldest hash falls off when full. */
    void append(final long height, final DirectBuffer hash, final int offset) {
        if (count > 0 && height != tipHeight + 1) {
            throw new IllegalStateException("block " + height + " does not follow tip " + tipHeight);
        }
        tipHeight = height;
        hashes.putBytes(slot(height), hash, offset, HASH);
        if (count < capacity) {
            count++;
        }
    }

    /** Drop the blocks above {@code height} (which must be kept). */
    void truncateTo(final long height) {
        if (!contains(height)) {
            throw new IllegalArgumentException("height " + height + " is not kept (" + oldestHeight() + ".." + tipHeight + ")");
        }
        count -= (int)(tipHeight - height);
        tipHeight = height;
    }

    boolean contains(final long height) {
        return count > 0 && height <= tipHeight && height >= oldestHeight();
    }

    /** Whether the hash kept at {@code height} equals {@code hash[offset, offset + 32)}; false if not kept. */
    boolean hashEquals(final long height, final DirectBuffer hash, final int offset) {
        if (!contains(height)) {
            return false;
        }
        final int s = slot(height);
        for (int i = 0; i < HASH; i += Long.BYTES) {
            if (hashes.getLong(s + i) != hash.getLong(offset + i)) {
                return false;
            }
        }
        return true;
    }

    /** Copy the hash kept at {@code height} into {@code dst}. */
    void copyHash(final long height, final MutableDirectBuffer dst, final int offset) {
        if (!contains(height)) {
            throw new IllegalArgumentException("height " + height + " is not kept");
        }
        dst.putBytes(offset, hashes, slot(height), HASH);
    }

    /** The hash at {@code height} as 0x-prefixed hex (allocates; requests and logs). */
    String hashHex(final long height) {
        return "0x" + Hex.toHex(hashes, slot(height), HASH);
    }

    private int slot(final long height) {
        return (int)Math.floorMod(height, (long)capacity) * HASH;
    }
}
