package io.finality.core.buffer;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.agrona.MutableDirectBuffer;

/**
 * Reusable SHA-256 and double SHA-256 over heap byte ranges, writing the digest into a buffer.
 *
 * <p>Wraps one JDK {@link MessageDigest} (which uses the SHA-NI intrinsic where the CPU has it)
 * and a scratch array, so hashing allocates nothing after construction. Not thread-safe: one
 * instance per thread.
 */
public final class Sha256 {
    public static final int DIGEST_LENGTH = 32;

    private final MessageDigest digest;
    private final byte[] scratch = new byte[DIGEST_LENGTH];

    public Sha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException ex) {
            throw new IllegalStateException("the JDK must provide SHA-256", ex);
        }
    }

    /** The underlying digest, for callers that feed several ranges (e.g. a stripped transaction). */
    public MessageDigest digest() {
        return digest;
    }

    /** Single SHA-256 of {@code src[offset, offset + length)} into {@code dst} at {@code dstOffset}. */
    public void hash(final byte[] src, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset) {
        digest.update(src, offset, length);
        finish(dst, dstOffset);
    }

    /** Double SHA-256 of {@code src[offset, offset + length)} into {@code dst} at {@code dstOffset}. */
    public void hashTwice(final byte[] src, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset) {
        digest.update(src, offset, length);
        finishTwice(dst, dstOffset);
    }

    /** Complete a single hash started with {@code digest().update(...)}. */
    public void finish(final MutableDirectBuffer dst, final int dstOffset) {
        try {
            digest.digest(scratch, 0, DIGEST_LENGTH);
        } catch (final DigestException ex) {
            throw new IllegalStateException(ex);
        }
        dst.putBytes(dstOffset, scratch, 0, DIGEST_LENGTH);
    }

    /** Complete a double hash started with {@code digest().update(...)}: hash the first digest again. */
    public void finishTwice(final MutableDirectBuffer dst, final int dstOffset) {
        try {
            digest.digest(scratch, 0, DIGEST_LENGTH);
            digest.update(scratch, 0, DIGEST_LENGTH);
            digest.digest(scratch, 0, DIGEST_LENGTH);
        } catch (final DigestException ex) {
            throw new IllegalStateException(ex);
        }
        dst.putBytes(dstOffset, scratch, 0, DIGEST_LENGTH);
    }
}
