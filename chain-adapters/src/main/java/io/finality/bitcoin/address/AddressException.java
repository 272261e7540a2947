package io.finality.bitcoin.address;

/**
 * Thrown at the API edge when an address string or script cannot be converted; {@link #reason()} says
 * which rule failed and the message says it in words (for API error bodies).
 *
 * <p>Immutable; safe from any thread.
 */
public final class AddressException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Which rule an address broke. */
    public enum Reason {
        /** Empty, too long, or a character outside the encoding's alphabet. */
        BAD_CHARACTER,
        /** Bech32 strings must be all lower case or all upper case. */
        MIXED_CASE,
        /** Bech32: no separator, empty human-readable part, or too short for a checksum; base58: too short. */
        BAD_FORMAT,
        /** The checksum does not match (base58check or bech32/bech32m). */
        BAD_CHECKSUM,
        /** The address is well formed but belongs to another network. */
        WRONG_NETWORK,
        /** The prefix (base58 version byte or bech32 human-readable part) is not a Bitcoin address prefix. */
        UNKNOWN_PREFIX,
        /** The decoded payload has the wrong length for its address type. */
        BAD_LENGTH,
        /** BIP141/BIP350: witness version above 16. */
        BAD_WITNESS_VERSION,
        /** BIP141/BIP350: witness program not 2..40 bytes, or a version-0 program not 20 or 32 bytes. */
        BAD_WITNESS_PROGRAM_LENGTH,
        /** BIP350: version 0 must use bech32, versions 1..16 bech32m. */
        WRONG_CHECKSUM_VARIANT,
        /** Bech32 data has more than 4 bits of padding or non-zero padding bits. */
        BAD_PADDING,
        /** The script has no address form (P2PK, bare multisig, OP_RETURN, non-standard). */
        NO_ADDRESS_FORM
    }

    private final Reason reason;

    public AddressException(final Reason reason, final String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
