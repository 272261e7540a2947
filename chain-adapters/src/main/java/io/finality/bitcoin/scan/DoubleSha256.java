package io.finality.bitcoin.scan;

import io.finality.core.buffer.Sha256;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Feeds byte ranges of a {@link DirectBuffer} into one reused SHA-256 and finishes with a double hash:
 * the txid and block-hash function of Bitcoin.
 *
 * <p>Hashing is {@link Sha256Compression}: the JDK's SHA-256 compression intrinsic driven directly when the JVM
 * opens {@code java.base/sun.security.provider}, else a plain {@code MessageDigest}. Heap buffers are hashed
 * straight from their backing array (full 64-byte blocks compressed in place, no copy); off-heap buffers go
 * through a fixed scratch array in chunks, so neither path allocates after construction.
 *
 * <p>Not thread-safe: one instance per thread (the scan stage owns one).
 */
public final class DoubleSha256 {
    /** Length of a double SHA-256 digest. */
    public static final int LENGTH = Sha256.DIGEST_LENGTH;

    private static final int CHUNK = 4096;

    private final Sha256Compression sha;
    private final byte[] chunk = new byte[CHUNK];
    private final byte[] out = new byte[LENGTH];

    /** A hasher on the fastest path this JVM allows. */
    public DoubleSha256() {
        this(new Sha256Compression());
    }

    /** For tests: a hasher on a given engine (e.g. one forced onto the MessageDigest fallback). */
    DoubleSha256(final Sha256Compression sha) {
        this.sha = sha;
    }

    /**
     * A hasher on the plain {@code MessageDigest} path whatever the JVM allows: the path before the fast one, for A/B
     * measurements ({@code TxidAbHarness}) and tests.
     */
    public static DoubleSha256 messageDigestOnly() {
        return new DoubleSha256(new Sha256Compression(false));
    }

    /** True when this hasher drives the SHA-256 intrinsic directly rather than through {@code MessageDigest}. */
    public boolean fast() {
        return sha.fast();
    }

    /** Add {@code buffer[offset, offset + length)} to the running hash. */
    public DoubleSha256 update(final DirectBuffer buffer, final int offset, final int length) {
        final byte[] array = buffer.byteArray();
        if (array != null) {
            sha.update(array, buffer.wrapAdjustment() + offset, length);
            return this;
        }
        int pos = offset;
        int remaining = length;
        while (remaining > 0) {
            final int n = Math.min(CHUNK, remaining);
            buffer.getBytes(pos, chunk, 0, n);
            sha.update(chunk, 0, n);
            pos += n;
            remaining -= n;
        }
        return this;
    }

    /** Finish the running hash as SHA-256(SHA-256(data)) into {@code dst[dstOffset, dstOffset + 32)}. */
    public void finish(final MutableDirectBuffer dst, final int dstOffset) {
        final byte[] array = dst.byteArray();
        if (array != null && dstOffset >= 0 && dstOffset <= dst.capacity() - LENGTH) {
            // the digest goes straight into the destination's array: no copy through a scratch array
            sha.finishTwice(array, dst.wrapAdjustment() + dstOffset);
            return;
        }
        // off-heap, or a range the buffer does not hold (its putBytes then throws, as for any caller's bug)
        sha.finishTwice(out, 0);
        dst.putBytes(dstOffset, out, 0, LENGTH);
    }

    /** One-shot double SHA-256 of {@code src[offset, offset + length)}. */
    public void hash(final DirectBuffer src, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset) {
        update(src, offset, length);
        finish(dst, dstOffset);
    }
}
