package io.finality.bitcoin.p2p;

import io.netty.buffer.ByteBuf;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Double SHA-256 over a {@link ByteBuf} range without copying it: the frame checksum (its first four
 * bytes) and block-header hashes.
 *
 * <p>Not thread-safe: one per channel handler (each handler lives on one event loop).
 */
public final class WireHash {
    private final MessageDigest digest;
    private final byte[] first = new byte[32];
    private final byte[] second = new byte[32];

    public WireHash() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The frame checksum of {@code buf[index, index + length)}: the first four bytes of SHA256d, big-endian. */
    public int checksum(final ByteBuf buf, final int index, final int length) {
        hash(buf, index, length);
        return (second[0] & 0xff) << 24 | (second[1] & 0xff) << 16 | (second[2] & 0xff) << 8 | second[3] & 0xff;
    }

    /** SHA256d of {@code buf[index, index + length)} into {@code dst[dstOffset, dstOffset + 32)} (internal byte order). */
    public void hash(final ByteBuf buf, final int index, final int length, final byte[] dst, final int dstOffset) {
        hash(buf, index, length);
        System.arraycopy(second, 0, dst, dstOffset, 32);
    }

    private void hash(final ByteBuf buf, final int index, final int length) {
        if (buf.hasArray()) {
            digest.update(buf.array(), buf.arrayOffset() + index, length);
        } else if (buf.nioBufferCount() == 1) {
            digest.update(buf.internalNioBuffer(index, length));
        } else {
            for (java.nio.ByteBuffer part : buf.nioBuffers(index, length)) {
                digest.update(part);
            }
        }
        try {
            digest.digest(first, 0, 32);
            digest.update(first, 0, 32);
            digest.digest(second, 0, 32);
        } catch (final DigestException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
