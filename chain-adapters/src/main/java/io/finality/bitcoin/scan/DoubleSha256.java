package io.finality.bitcoin.scan;

import io.finality.core.buffer.Sha256;
import java.security.DigestException;
import java.security.MessageDigest;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Feeds byte ranges of a {@link DirectBuffer} into one reused SHA-256 and finishes with a double hash:
 * the txid and block-hash function of Bitcoin.
 *
 * <p>Heap buffers are hashed straight from their backing array (no copy); off-heap buffers go through
 * a fixed scratch array in chunks, so neither path allocates after construction.
 *
 * <p>Not thread-safe: one instance per thread (the scan stage owns one).
 */
public final class DoubleSha256 {
    /** Length of a double SHA-256 digest. */
    public static final int LENGTH = Sha256.DIGEST_LENGTH;

    private static final int CHUNK = 4096;

    private final Sha256 sha = new Sha256();
    private final MessageDigest digest = sha.digest();
    private final byte[] chunk = new byte[CHUNK];
    private final byte[] first = new byte[LENGTH];

    /** Add {@code buffer[offset, offset + length)} to the running hash. */
    public DoubleSha256 update(final DirectBuffer buffer, final int offset, final int length) {
        final byte[] array = buffer.byteArray();
        if (array != null) {
            final int base = buffer.wrapAdjustment();
            digest.update(array, base + offset, length);
            return this;
        }
        int pos = offset;
        int remaining = length;
        while (remaining > 0) {
            final int n = Math.min(CHUNK, remaining);
            buffer.getBytes(pos, chunk, 0, n);
            digest.update(chunk, 0, n);
            pos += n;
            remaining -= n;
        }
        return this;
    }

    /** Finish the running hash as SHA-256(SHA-256(data)) into {@code dst[dstOffset, dstOffset + 32)}. */
    public void finish(final MutableDirectBuffer dst, final int dstOffset) {
        final byte[] out = dst.byteArray();
        if (out == null || dstOffset < 0 || dstOffset > dst.capacity() - LENGTH) {
            // off-heap, or a range the buffer does not hold (its putBytes then throws, as for any caller's bug)
            sha.finishTwice(dst, dstOffset);
            return;
        }
        // the second digest goes straight into the destination's array: no copy through a scratch array
        final MessageDigest digest = this.digest;
        final byte[] first = this.first;
        try {
            digest.digest(first, 0, LENGTH);
            digest.update(first, 0, LENGTH);
            digest.digest(out, dst.wrapAdjustment() + dstOffset, LENGTH);
        } catch (final DigestException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** One-shot double SHA-256 of {@code src[offset, offset + length)}. */
    public void hash(final DirectBuffer src, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset) {
        update(src, offset, length);
        finish(dst, dstOffset);
    }
}
