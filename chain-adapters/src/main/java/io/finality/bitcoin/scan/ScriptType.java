package io.finality.bitcoin.scan;

/**
 * The standard shapes of a Bitcoin output script (scriptPubKey), as {@link ScriptClassifier} recognises them.
 *
 * <p>Whatever the type, the matcher's watch key is the whole script, byte-exact: an address decodes to
 * exactly the script it pays (see {@code BitcoinAddressCodec}), so no hashing or re-encoding sits on the
 * scan path. The type tells the API which address form, if any, a script has. Immutable.
 */
public enum ScriptType {
    /** {@code <33 or 65 byte pubkey> OP_CHECKSIG}: no address form. */
    P2PK,
    /** {@code OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG}: base58 address, version 0x00 / 0x6f. */
    P2PKH,
    /** {@code OP_HASH160 <20> OP_EQUAL}: base58 address, version 0x05 / 0xc4. */
    P2SH,
    /** {@code OP_0 <20>}: bech32 witness v0. */
    P2WPKH,
    /** {@code OP_0 <32>}: bech32 witness v0. */
    P2WSH,
    /** {@code OP_1 <32>}: bech32m witness v1 (taproot). */
    P2TR,
    /** {@code OP_1..OP_16 <2..40>} other than P2TR: bech32m future witness versions. */
    WITNESS_UNKNOWN,
    /** Bare {@code OP_m <pubkey>... OP_n OP_CHECKMULTISIG}: no address form. */
    MULTISIG,
    /** Starts with {@code OP_RETURN}: provably unspendable data carrier. */
    OP_RETURN,
    /** Anything else (non-standard). */
    OTHER
}
