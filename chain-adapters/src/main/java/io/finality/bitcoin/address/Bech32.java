package io.finality.bitcoin.address;

import io.finality.bitcoin.address.AddressException.Reason;
import java.util.Arrays;
import java.util.Locale;

/**
 * Bech32 (BIP173) and bech32m (BIP350) strings: human-readable part, separator {@code 1}, 5-bit data and a
 * 6-character checksum whose constant tells the two variants apart. An API-edge codec: it allocates and
 * throws {@link AddressException}. Stateless; thread-safe.
 */
final class Bech32 {
    /** Which checksum constant a string verified with. */
    enum Encoding {
        BECH32(1),
        BECH32M(0x2bc830a3);

        final int constant;

        Encoding(final int constant) {
            this.constant = constant;
        }
    }

    /** A decoded string: lower-case human-readable part, data values without the checksum, and its variant. */
    record Decoded(String hrp, byte[] data, Encoding encoding) {
    }

    static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    static final int MAX_LENGTH = 90;
    private static final int[] REV = new int[128];
    private static final int[] GEN = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

    static {
        Arrays.fill(REV, -1);
        for (int i = 0; i < CHARSET.length(); i++) {
            REV[CHARSET.charAt(i)] = i;
        }
    }

    private Bech32() {
    }

    static Decoded decode(final String s) {
        if (s.length() > MAX_LENGTH) {
            throw new AddressException(Reason.BAD_CHARACTER, "bech32 string too long (" + s.length() + " > " + MAX_LENGTH + ")");
        }
        boolean lower = false;
        boolean upper = false;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c < 33 || c > 126) {
                throw new AddressException(Reason.BAD_CHARACTER,
                    "character out of range (0x" + Integer.toHexString(c) + ") at position " + i);
            }
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
        }
        if (lower && upper) {
            throw new AddressException(Reason.MIXED_CASE, "bech32 string mixes upper and lower case");
        }
        final String str = s.toLowerCase(Locale.ROOT);
        final int sep = str.lastIndexOf('1');
        if (sep < 0) {
            throw new AddressException(Reason.BAD_FORMAT, "no bech32 separator '1'");
        }
        if (sep == 0) {
            throw new AddressException(Reason.BAD_FORMAT, "empty human-readable part");
        }
        if (str.length() - sep - 1 < 6) {
            throw new AddressException(Reason.BAD_FORMAT, "data part shorter than the 6-character checksum");
        }
        final String hrp = str.substring(0, sep);
        final byte[] values = new byte[str.length() - sep - 1];
        for (int i = 0; i < values.length; i++) {
            final char c = str.charAt(sep + 1 + i);
            final int v = REV[c];
            if (v < 0) {
                throw new AddressException(Reason.BAD_CHARACTER,
                    "invalid bech32 data character '" + c + "' at position " + (sep + 1 + i));
            }
            values[i] = (byte)v;
        }
        final int check = polymod(hrp, values);
        final Encoding encoding;
        if (check == Encoding.BECH32.constant) {
            encoding = Encoding.BECH32;
        } else if (check == Encoding.BECH32M.constant) {
            encoding = Encoding.BECH32M;
        } else {
            throw new AddressException(Reason.BAD_CHECKSUM, "bech32/bech32m checksum mismatch");
        }
        return new Decoded(hrp, Arrays.copyOf(values, values.length - 6), encoding);
    }

    static String encode(final String hrp, final byte[] data, final Encoding encoding) {
        final byte[] padded = Arrays.copyOf(data, data.length + 6);
        final int mod = polymod(hrp, padded) ^ encoding.constant;
        final StringBuilder sb = new StringBuilder(hrp.length() + 1 + padded.length);
        sb.append(hrp).append('1');
        for (int i = 0; i < data.length; i++) {
            sb.append(CHARSET.charAt(data[i]));
        }
        for (int i = 0; i < 6; i++) {
            sb.append(CHARSET.charAt((mod >>> (5 * (5 - i))) & 31));
        }
        return sb.toString();
    }

    /**
     * Regroup bits ({@code from} to {@code to} per value). With {@code pad} false (decoding), more than
     * {@code from - 1} leftover bits or non-zero leftover bits are an error (BIP173).
     */
    static byte[] convertBits(final byte[] in, final int inOffset, final int from, final int to, final boolean pad) {
        int acc = 0;
        int bits = 0;
        final int maxv = (1 << to) - 1;
        final byte[] out = new byte[(in.length - inOffset) * from / to + 1];
        int n = 0;
        for (int i = inOffset; i < in.length; i++) {
            acc = (acc << from) | (in[i] & 0xFF);
            bits += from;
            while (bits >= to) {
                bits -= to;
                out[n++] = (byte)((acc >>> bits) & maxv);
            }
        }
        if (pad) {
            if (bits > 0) {
                out[n++] = (byte)((acc << (to - bits)) & maxv);
            }
        } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
            throw new AddressException(Reason.BAD_PADDING, "invalid padding in bech32 data (" + bits + " leftover bits)");
        }
        return Arrays.copyOf(out, n);
    }

    private static int polymod(final String hrp, final byte[] values) {
        int chk = 1;
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) >> 5);
        }
        chk = step(chk, 0);
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) & 31);
        }
        for (byte v : values) {
            chk = step(chk, v);
        }
        return chk;
    }

    private static int step(final int chk, final int value) {
        final int top = chk >>> 25;
        int c = ((chk & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; i++) {
            if (((top >>> i) & 1) != 0) {
                c ^= GEN[i];
            }
        }
        return c;
    }
}
