package io.finality.matcher.index;

import java.util.Arrays;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Off-heap bump-allocated storage for the full bytes of watched keys, so the probe table itself holds
 * only fixed 16-byte slots. A key is stored once as a record addressed by a 32-bit reference:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        key length (int)                       |
 *  +---------------------------------------------------------------+
 *  |                        chain code (int)                       |
 *  +---------------------------------------------------------------+
 *  |                 key bytes ... padded to 8 bytes              ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Records are 8-byte aligned; a reference is {@code chunk << 25 | offset >>> 3} over chunks of at most
 * {@value #CHUNK_SIZE} bytes: the first is sized for the expected keys, each later one twice the one before up to that
 * size. Nothing is copied when the arena grows, and a chunk of 2 MiB or more is a lazily zeroed mapping
 * ({@link HugePageAllocator}), so growth costs the writing thread no pause. (The first chunk used to double by copying:
 * at 3.6 M keys, 128 MiB copied into a freshly zeroed 256 MiB stopped a put for 161-176 ms, docs/BENCHMARKS.md.)
 * A freed record goes on a free list for its exact record length (its chain-code word then links to the next free
 * record), so churn of the usual 20..34-byte keys reuses memory without any pause. The owning index copies the live
 * records into a fresh arena ({@link #copyFrom}) only when free records far outweigh live ones, i.e. after a mass
 * removal.
 *
 * <p>Thread rules: owned by one {@link WatchKeyIndex}, used only from that index's single writer thread.
 */
final class KeyArena implements AutoCloseable {
    /** Largest chunk: 256 MiB; 64 chunks address 16 GiB of keys. */
    static final int CHUNK_SIZE = 1 << 28;
    static final int HEADER_LENGTH = 8;
    private static final int CHUNK_SHIFT = 25;
    private static final int OFFSET_MASK = (1 << CHUNK_SHIFT) - 1;
    private static final int MAX_CHUNKS = 64;
    private static final int MIN_CHUNK = 4096;
    private static final int NONE = -1;

    private final UnsafeBuffer[] chunks = new UnsafeBuffer[MAX_CHUNKS];
    private final boolean hugePages;
    private int chunkCount;
    /** Head reference of the free list per record length / 8, or {@link #NONE}. */
    private final int[] freeHeads = new int[recordLength(WatchKeyIndex.MAX_KEY_LENGTH) / 8 + 1];
    private int tail;
    private long liveBytes;
    private long freeBytes;
    private long wastedBytes;

    /** An arena whose first chunk holds {@code expectedBytes}; chunks of 2 MiB or more on huge pages if {@code hugePages}. */
    KeyArena(final long expectedBytes, final boolean hugePages) {
        this.hugePages = hugePages;
        final int first = (int) Math.min(CHUNK_SIZE, BitUtil.findNextPositivePowerOfTwo(Math.max(MIN_CHUNK, expectedBytes)));
        chunks[0] = allocate(first);
        chunkCount = 1;
        Arrays.fill(freeHeads, NONE);
    }

    static int recordLength(final int keyLength) {
        return BitUtil.align(HEADER_LENGTH + keyLength, 8);
    }

    /** Stores a key and returns its reference. */
    int add(final int chainCode, final DirectBuffer key, final int offset, final int length) {
        final int recordLength = recordLength(length);
        final int sizeClass = recordLength >>> 3;
        final int free = freeHeads[sizeClass];
        final int ref;
        final UnsafeBuffer chunk;
        final int at;
        if (free != NONE) {
            chunk = chunks[free >>> CHUNK_SHIFT];
            at = (free & OFFSET_MASK) << 3;
            freeHeads[sizeClass] = chunk.getInt(at + 4);
            freeBytes -= recordLength;
            ref = free;
        } else {
            chunk = reserve(recordLength);
            at = tail;
            tail += recordLength;
            ref = ((chunkCount - 1) << CHUNK_SHIFT) | (at >>> 3);
        }
        chunk.putInt(at, length);
        chunk.putInt(at + 4, chainCode);
        chunk.putBytes(at + HEADER_LENGTH, key, offset, length);
        liveBytes += recordLength;
        return ref;
    }

    /** Copies a record from another arena into this one and returns its new reference. */
    int copyFrom(final KeyArena other, final int ref) {
        final UnsafeBuffer src = other.chunks[ref >>> CHUNK_SHIFT];
        final int at = (ref & OFFSET_MASK) << 3;
        return add(src.getInt(at + 4), src, at + HEADER_LENGTH, src.getInt(at));
    }

    void free(final int ref) {
        final UnsafeBuffer chunk = chunks[ref >>> CHUNK_SHIFT];
        final int at = (ref & OFFSET_MASK) << 3;
        final int recordLength = recordLength(chunk.getInt(at));
        final int sizeClass = recordLength >>> 3;
        chunk.putInt(at + 4, freeHeads[sizeClass]);
        freeHeads[sizeClass] = ref;
        liveBytes -= recordLength;
        freeBytes += recordLength;
    }

    /** Full compare of a stored key with a candidate; reads the candidate eight bytes at a time. */
    boolean matches(final int ref, final int chainCode, final DirectBuffer key, final int offset, final int length) {
        final UnsafeBuffer chunk = chunks[ref >>> CHUNK_SHIFT];
        final int at = (ref & OFFSET_MASK) << 3;
        if (chunk.getInt(at) != length || chunk.getInt(at + 4) != chainCode) {
            return false;
        }
        final int base = at + HEADER_LENGTH;
        int i = 0;
        for (final int wordEnd = length - 7; i < wordEnd; i += 8) {
            if (chunk.getLong(base + i) != key.getLong(offset + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (chunk.getByte(base + i) != key.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }

    long liveBytes() {
        return liveBytes;
    }

    /** Bytes of freed records waiting on free lists. */
    long freeBytes() {
        return freeBytes;
    }

    /** Bytes lost at chunk ends. */
    long wastedBytes() {
        return wastedBytes;
    }

    /** Off-heap bytes held. */
    long capacityBytes() {
        long total = 0;
        for (int i = 0; i < chunkCount; i++) {
            total += chunks[i].capacity();
        }
        return total;
    }

    private UnsafeBuffer reserve(final int recordLength) {
        UnsafeBuffer chunk = chunks[chunkCount - 1];
        if (tail + recordLength > chunk.capacity()) {
            if (chunkCount == MAX_CHUNKS) {
                throw new IllegalStateException("watch key arena full: " + MAX_CHUNKS + " chunks");
            }
            wastedBytes += chunk.capacity() - tail;
            // twice the last chunk (a record of up to ~10 KB fits any chunk from 16 KiB on)
            final int size = Math.min(CHUNK_SIZE, Math.max(chunk.capacity() * 2, BitUtil.findNextPositivePowerOfTwo(recordLength)));
            chunk = allocate(size);
            chunks[chunkCount++] = chunk;
            tail = 0;
        }
        return chunk;
    }

    private UnsafeBuffer allocate(final int size) {
        return HugePageAllocator.allocate(size, hugePages);
    }

    /** Test hook: chunks allocated so far. */
    int chunkCount() {
        return chunkCount;
    }

    /** Test hook: chunk {@code i}. */
    UnsafeBuffer chunk(final int i) {
        return chunks[i];
    }

    @Override
    public void close() {
        for (int i = 0; i < chunkCount; i++) {
            HugePageAllocator.free(chunks[i]);
            chunks[i] = null;
        }
        chunkCount = 0;
    }
}
