package io.finality.ethereum.address;

import io.finality.core.buffer.Hex;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Ethereum addresses at the API edge: {@code 0x} and 40 hex digits to the 20 bytes the scanner probes, with the
 * EIP-55 mixed-case checksum checked when the address carries one (all-lower or all-upper digits carry none).
 * Each refusal says which rule failed. Not on the hot path (the scanner reads raw bytes).
 *
 * <p>Stateless; safe from any thread.
 */
public final class EthereumAddress {
    /** Bytes in an address. */
    public static final int LENGTH = 20;

    private EthereumAddress() {
    }

    /**
     * The 20 bytes of {@code address}.
     *
     * @throws IllegalArgumentException naming the rule it breaks.
     */
    public static byte[] parse(final String address) {
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("an Ethereum address is required");
        }
        if (!address.startsWith("0x")) {
            throw new IllegalArgumentException("an Ethereum address starts with 0x: '" + address + "'");
        }
        final String digits = address.substring(2);
        if (digits.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("an Ethereum address has 40 hex digits after 0x, not " + digits.length());
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Hex.digit(digits.charAt(i)) < 0) {
                throw new IllegalArgumentException("not a hex digit at position " + (i + 2) + " of '" + address + "'");
            }
        }
        final boolean mixed = !digits.equals(digits.toLowerCase(Locale.ROOT)) && !digits.equals(digits.toUpperCase(Locale.ROOT));
        if (mixed && !checksummed(digits.toLowerCase(Locale.ROOT)).equals(digits)) {
            throw new IllegalArgumentException("EIP-55 checksum mismatch (a mistyped address?): '" + address + "'");
        }
        final byte[] out = Hex.fromHex(digits);
        boolean zero = true;
        for (byte b : out) {
            zero &= b == 0;
        }
        if (zero) {
            throw new IllegalArgumentException("the zero address cannot receive a payment");
        }
        return out;
    }

    /** The EIP-55 form of 20 bytes: {@code 0x} and mixed-case digits. */
    public static String toChecksummed(final byte[] address) {
        if (address.length != LENGTH) {
            throw new IllegalArgumentException("an address is 20 bytes, not " + address.length);
        }
        return "0x" + checksummed(Hex.toHex(address));
    }

    /** Lower-case 40 digits to EIP-55: a letter is upper case where the Keccak-256 of the digits has a nibble >= 8. */
    private static String checksummed(final String lower) {
        final KeccakDigest keccak = new KeccakDigest(256);
        final byte[] ascii = lower.getBytes(StandardCharsets.US_ASCII);
        keccak.update(ascii, 0, ascii.length);
        final byte[] hash = new byte[32];
        keccak.doFinal(hash, 0);
        final StringBuilder sb = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            final char c = lower.charAt(i);
            final int nibble = (hash[i >> 1] >> ((i & 1) == 0 ? 4 : 0)) & 0xF;
            sb.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
        }
        return sb.toString();
    }
}
