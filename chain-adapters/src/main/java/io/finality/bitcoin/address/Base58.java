package io.finality.bitcoin.address;

import io.finality.bitcoin.address.AddressException.Reason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Base58 and base58check (version byte | payload | first 4 bytes of SHA256d) as used by legacy Bitcoin
 * addresses. An API-edge codec: it allocates and throws {@link AddressException}. Stateless; thread-safe.
 */
final class Base58 {
    static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final int[] DIGITS = new int[128];

    static {
        Arrays.fill(DIGITS, -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            DIGITS[ALPHABET.charAt(i)] = i;
        }
    }

    private Base58() {
    }

    /** Encode {@code data} followed by its 4-byte checksum. */
    static String encodeCheck(final byte[] data) {
        final byte[] withSum = Arrays.copyOf(data, data.length + 4);
        System.arraycopy(sha256d(data), 0, withSum, data.length, 4);
        return encode(withSum);
    }

    static String encode(final byte[] input) {
        int zeros = 0;
        while (zeros < input.length && input[zeros] == 0) {
            zeros++;
        }
        final byte[] digits = new byte[input.length * 138 / 100 + 1];
        int size = 0;
        for (int i = zeros; i < input.length; i++) {
            int carry = input[i] & 0xFF;
            for (int j = 0; j < size; j++) {
                carry += (digits[j] & 0xFF) << 8;
                digits[j] = (byte)(carry % 58);
                carry /= 58;
            }
            while (carry > 0) {
                digits[size++] = (byte)(carry % 58);
                carry /= 58;
            }
        }
        final StringBuilder sb = new StringBuilder(zeros + size);
        for (int i = 0; i < zeros; i++) {
            sb.append('1');
        }
        for (int i = size - 1; i >= 0; i--) {
            sb.append(ALPHABET.charAt(digits[i]));
        }
        return sb.toString();
    }

    /** Decode base58 and verify and strip the 4-byte checksum. */
    static byte[] decodeCheck(final String s) {
        final byte[] raw = decode(s);
        if (raw.length < 5) {
            throw new AddressException(Reason.BAD_FORMAT, "base58 address too short (" + raw.length + " bytes decoded)");
        }
        final byte[] data = Arrays.copyOf(raw, raw.length - 4);
        final byte[] sum = sha256d(data);
        for (int i = 0; i < 4; i++) {
            if (sum[i] != raw[data.length + i]) {
                throw new AddressException(Reason.BAD_CHECKSUM, "base58check checksum mismatch");
            }
        }
        return data;
    }

    static byte[] decode(final String s) {
        if (s.isEmpty()) {
            throw new AddressException(Reason.BAD_CHARACTER, "empty address");
        }
        if (s.length() > 100) {
            throw new AddressException(Reason.BAD_CHARACTER, "address too long (" + s.length() + " characters)");
        }
        int zeros = 0;
        while (zeros < s.length() && s.charAt(zeros) == '1') {
            zeros++;
        }
        final byte[] bytes = new byte[s.length() * 733 / 1000 + 1];
        int size = 0;
        for (int i = zeros; i < s.length(); i++) {
            final char c = s.charAt(i);
            final int digit = c < 128 ? DIGITS[c] : -1;
            if (digit < 0) {
                throw new AddressException(Reason.BAD_CHARACTER, "invalid base58 character '" + c + "' at position " + i);
            }
            int carry = digit;
            for (int j = 0; j < size; j++) {
                carry += (bytes[j] & 0xFF) * 58;
                bytes[j] = (byte)carry;
                carry >>>= 8;
            }
            while (carry > 0) {
                bytes[size++] = (byte)carry;
                carry >>>= 8;
            }
        }
        final byte[] out = new byte[zeros + size];
        for (int i = 0; i < size; i++) {
            out[zeros + i] = bytes[size - 1 - i];
        }
        return out;
    }

    static byte[] sha256d(final byte[] data) {
        try {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return sha.digest(sha.digest(data));
        } catch (final NoSuchAlgorithmException ex) {
            throw new IllegalStateException("the JDK must provide SHA-256", ex);
        }
    }
}
