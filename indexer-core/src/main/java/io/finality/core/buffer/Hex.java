package io.finality.core.buffer;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Hex encoding and decoding over Agrona buffers, plus the byte-reversal Bitcoin uses to display
 * hashes. Decoding reports bad input as a return code, never an exception.
 *
 * <p>Stateless; safe from any thread. The buffer methods do not allocate.
 */
public final class Hex {
    /** Returned by decode methods when the input has an odd length or a non-hex character. */
    public static final int INVALID = -1;

    private static final byte[] DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte)-1);
        for (int i = 0; i < 10; i++) {
            VALUES['0' + i] = (byte)i;
        }
        for (int i = 0; i < 6; i++) {
            VALUES['a' + i] = (byte)(10 + i);
            VALUES['A' + i] = (byte)(10 + i);
        }
    }

    private Hex() {
    }

    /** Value of one hex digit (ASCII code), or -1. */
    public static int digit(final int ch) {
        return ch >= 0 && ch < 128 ? VALUES[ch] : -1;
    }

    /**
     * Encode {@code length} bytes as lower-case ASCII hex into {@code dst}.
     *
     * @return the number of ASCII bytes written ({@code 2 * length}).
     */
    public static int encode(
        final DirectBuffer src, final int srcOffset, final int length, final MutableDirectBuffer dst, final int dstOffset) {
        for (int i = 0; i < length; i++) {
            final int b = src.getByte(srcOffset + i) & 0xFF;
            dst.putByte(dstOffset + 2 * i, DIGITS[b >>> 4]);
            dst.putByte(dstOffset + 2 * i + 1, DIGITS[b & 0xF]);
        }
        return 2 * length;
    }

    /** As {@link #encode(DirectBuffer, int, int, MutableDirectBuffer, int)} but bytes in reverse order (Bitcoin display order). */
    public static int encodeReversed(
        final DirectBuffer src, final int srcOffset, final int length, final MutableDirectBuffer dst, final int dstOffset) {
        for (int i = 0; i < length; i++) {
            final int b = src.getByte(srcOffset + length - 1 - i) & 0xFF;
            dst.putByte(dstOffset + 2 * i, DIGITS[b >>> 4]);
            dst.putByte(dstOffset + 2 * i + 1, DIGITS[b & 0xF]);
        }
        return 2 * length;
    }

    /**
     * Decode {@code asciiLength} ASCII hex bytes from {@code src} into {@code dst}.
     *
     * @return bytes written, or {@link #INVALID}.
     */
    public static int decode(
        final DirectBuffer src, final int srcOffset, final int asciiLength, final MutableDirectBuffer dst, final int dstOffset) {
        if ((asciiLength & 1) != 0) {
            return INVALID;
        }
        final int n = asciiLength >>> 1;
        for (int i = 0; i < n; i++) {
            final int hi = digit(src.getByte(srcOffset + 2 * i));
            final int lo = digit(src.getByte(srcOffset + 2 * i + 1));
            if ((hi | lo) < 0) {
                return INVALID;
            }
            dst.putByte(dstOffset + i, (byte)((hi << 4) | lo));
        }
        return n;
    }

    /** Lower-case hex of a byte array (edge use: logs, JSON, tests). */
    public static String toHex(final byte[] bytes) {
        return toHex(bytes, 0, bytes.length);
    }

    public static String toHex(final byte[] bytes, final int offset, final int length) {
        final char[] out = new char[2 * length];
        for (int i = 0; i < length; i++) {
            final int b = bytes[offset + i] & 0xFF;
            out[2 * i] = (char)DIGITS[b >>> 4];
            out[2 * i + 1] = (char)DIGITS[b & 0xF];
        }
        return new String(out);
    }

    /** Lower-case hex of a buffer region (edge use). */
    public static String toHex(final DirectBuffer src, final int offset, final int length) {
        final byte[] bytes = new byte[length];
        src.getBytes(offset, bytes);
        return toHex(bytes);
    }

    /** Hex of a buffer region with the bytes reversed: how Bitcoin displays txids and block hashes. */
    public static String toHexReversed(final DirectBuffer src, final int offset, final int length) {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = src.getByte(offset + length - 1 - i);
        }
        return toHex(bytes);
    }

    /**
     * Parse hex (an optional {@code 0x} prefix is accepted) into a new array (edge use).
     *
     * @throws IllegalArgumentException saying what is wrong and where.
     */
    public static byte[] fromHex(final CharSequence hex) {
        int start = 0;
        if (hex.length() >= 2 && hex.charAt(0) == '0' && (hex.charAt(1) == 'x' || hex.charAt(1) == 'X')) {
            start = 2;
        }
        final int len = hex.length() - start;
        if ((len & 1) != 0) {
            throw new IllegalArgumentException("hex string has odd length " + len);
        }
        final byte[] out = new byte[len >>> 1];
        for (int i = 0; i < out.length; i++) {
            final int hi = digit(hex.charAt(start + 2 * i));
            final int lo = digit(hex.charAt(start + 2 * i + 1));
            if ((hi | lo) < 0) {
                throw new IllegalArgumentException("invalid hex character near index " + (start + 2 * i));
            }
            out[i] = (byte)((hi << 4) | lo);
        }
        return out;
    }

    /** Reverse a byte array in place and return it (Bitcoin display order ↔ internal order). */
    public static byte[] reverse(final byte[] bytes) {
        for (int i = 0, j = bytes.length - 1; i < j; i++, j--) {
            final byte t = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = t;
        }
        return bytes;
    }
}
