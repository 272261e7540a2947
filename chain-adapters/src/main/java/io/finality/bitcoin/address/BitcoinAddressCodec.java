package io.finality.bitcoin.address;

import io.finality.bitcoin.address.AddressException.Reason;
import io.finality.bitcoin.scan.ScriptClassifier;
import io.finality.bitcoin.scan.ScriptType;
import java.util.Arrays;
import java.util.Locale;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Address string to output script and back, for the API edge: an invoice's watched key is the script
 * its address pays ({@code scriptPubKey}), so the scanner compares raw scripts and never sees an address.
 *
 * <ul>
 *   <li>base58check P2PKH / P2SH with the network's version bytes;</li>
 *   <li>bech32 witness version 0 (P2WPKH, P2WSH) and bech32m versions 1..16 (P2TR and future
 *   versions), with the BIP173/BIP350 rules: version at most 16, program 2..40 bytes, version 0
 *   programs 20 or 32 bytes, bech32 for version 0 and bech32m otherwise, at most 4 zero padding bits.</li>
 * </ul>
 *
 * <p>Every rejection is an {@link AddressException} whose {@link AddressException#reason()} says which
 * rule failed (checksum, network, witness rule ...). Testnet3, testnet4 and signet share address
 * prefixes, so an address for one of them is accepted for all three: the string cannot tell them apart
 * (see {@link BitcoinNetwork}). Regtest bech32 addresses use {@code bcrt}; its base58 prefixes are
 * testnet's.
 *
 * <p>Allocates (API edge only, never the scan path). Stateless; safe from any thread.
 */
public final class BitcoinAddressCodec {
    private static final String[] KNOWN_HRPS = {"bc", "tb", "bcrt"};

    private BitcoinAddressCodec() {
    }

    /**
     * The output script an address pays on {@code network}.
     *
     * @throws AddressException saying what is wrong.
     */
    public static byte[] toScript(final String address, final BitcoinNetwork network) {
        if (address == null || address.isEmpty()) {
            throw new AddressException(Reason.BAD_CHARACTER, "empty address");
        }
        final int sep = address.lastIndexOf('1');
        final String hrp = sep > 0 ? address.substring(0, sep).toLowerCase(Locale.ROOT) : "";
        final boolean knownHrp = isKnownHrp(hrp);
        Bech32.Decoded bech32 = null;
        if (sep > 0) {
            try {
                bech32 = Bech32.decode(address);
            } catch (final AddressException ex) {
                if (knownHrp) {
                    throw ex;
                }
            }
        }
        if (bech32 != null) {
            return segwitScript(bech32, network);
        }
        return legacyScript(address, network);
    }

    /**
     * The address of an output script on {@code network} (bech32 addresses in lower case).
     *
     * @throws AddressException with {@link Reason#NO_ADDRESS_FORM} for P2PK, bare multisig, OP_RETURN and
     *     non-standard scripts.
     */
    public static String fromScript(final byte[] script, final BitcoinNetwork network) {
        final UnsafeBuffer buffer = new UnsafeBuffer(script);
        final ScriptType type = ScriptClassifier.classify(buffer, 0, script.length);
        switch (type) {
            case P2PKH:
                return base58(network.p2pkhVersion(), script, 3);
            case P2SH:
                return base58(network.p2shVersion(), script, 2);
            case P2WPKH:
            case P2WSH:
            case P2TR:
            case WITNESS_UNKNOWN: {
                final int version = ScriptClassifier.witnessVersion(buffer, 0, script.length);
                final byte[] program = Arrays.copyOfRange(script, 2, script.length);
                final byte[] bits = Bech32.convertBits(program, 0, 8, 5, true);
                final byte[] data = new byte[bits.length + 1];
                data[0] = (byte)version;
                System.arraycopy(bits, 0, data, 1, bits.length);
                return Bech32.encode(network.hrp(), data, version == 0 ? Bech32.Encoding.BECH32 : Bech32.Encoding.BECH32M);
            }
            default:
                throw new AddressException(Reason.NO_ADDRESS_FORM, "a " + type + " script has no address form");
        }
    }

    private static String base58(final int version, final byte[] script, final int hashOffset) {
        final byte[] payload = new byte[21];
        payload[0] = (byte)version;
        System.arraycopy(script, hashOffset, payload, 1, 20);
        return Base58.encodeCheck(payload);
    }

    private static byte[] segwitScript(final Bech32.Decoded decoded, final BitcoinNetwork network) {
        final String hrp = decoded.hrp();
        if (!hrp.equals(network.hrp())) {
            if (isKnownHrp(hrp)) {
                throw new AddressException(Reason.WRONG_NETWORK,
                    "address prefix '" + hrp + "' is for " + networksOfHrp(hrp) + ", not " + network);
            }
            throw new AddressException(Reason.UNKNOWN_PREFIX,
                "unknown human-readable part '" + hrp + "' (expected '" + network.hrp() + "' for " + network + ")");
        }
        final byte[] data = decoded.data();
        if (data.length == 0) {
            throw new AddressException(Reason.BAD_LENGTH, "empty data section: no witness version");
        }
        final int version = data[0];
        if (version > 16) {
            throw new AddressException(Reason.BAD_WITNESS_VERSION, "witness version " + version + " is above 16");
        }
        final byte[] program = Bech32.convertBits(data, 1, 5, 8, false);
        if (program.length < 2 || program.length > 40) {
            throw new AddressException(Reason.BAD_WITNESS_PROGRAM_LENGTH,
                "witness program of " + program.length + " bytes (must be 2..40)");
        }
        if (version == 0 && program.length != 20 && program.length != 32) {
            throw new AddressException(Reason.BAD_WITNESS_PROGRAM_LENGTH,
                "witness version 0 program of " + program.length + " bytes (must be 20 or 32)");
        }
        final Bech32.Encoding expected = version == 0 ? Bech32.Encoding.BECH32 : Bech32.Encoding.BECH32M;
        if (decoded.encoding() != expected) {
            throw new AddressException(Reason.WRONG_CHECKSUM_VARIANT,
                "witness version " + version + " must use " + expected + ", not " + decoded.encoding());
        }
        final byte[] script = new byte[2 + program.length];
        script[0] = (byte)(version == 0 ? 0 : 0x50 + version);
        script[1] = (byte)program.length;
        System.arraycopy(program, 0, script, 2, program.length);
        return script;
    }

    private static byte[] legacyScript(final String address, final BitcoinNetwork network) {
        final byte[] data = Base58.decodeCheck(address);
        if (data.length != 21) {
            throw new AddressException(Reason.BAD_LENGTH,
                "base58 payload of " + data.length + " bytes (expected version byte + 20-byte hash)");
        }
        final int version = data[0] & 0xFF;
        if (version == network.p2pkhVersion()) {
            final byte[] script = new byte[25];
            script[0] = 0x76;
            script[1] = (byte)0xa9;
            script[2] = 20;
            System.arraycopy(data, 1, script, 3, 20);
            script[23] = (byte)0x88;
            script[24] = (byte)0xac;
            return script;
        }
        if (version == network.p2shVersion()) {
            final byte[] script = new byte[23];
            script[0] = (byte)0xa9;
            script[1] = 20;
            System.arraycopy(data, 1, script, 2, 20);
            script[22] = (byte)0x87;
            return script;
        }
        for (BitcoinNetwork other : BitcoinNetwork.values()) {
            if (version == other.p2pkhVersion() || version == other.p2shVersion()) {
                throw new AddressException(Reason.WRONG_NETWORK,
                    "base58 version 0x" + Integer.toHexString(version) + " is for " + other + ", not " + network);
            }
        }
        throw new AddressException(Reason.UNKNOWN_PREFIX, "unknown base58 version byte 0x" + Integer.toHexString(version));
    }

    private static boolean isKnownHrp(final String hrp) {
        for (String known : KNOWN_HRPS) {
            if (known.equals(hrp)) {
                return true;
            }
        }
        return false;
    }

    private static String networksOfHrp(final String hrp) {
        final StringBuilder sb = new StringBuilder();
        for (BitcoinNetwork n : BitcoinNetwork.values()) {
            if (n.hrp().equals(hrp)) {
                sb.append(sb.length() == 0 ? "" : "/").append(n);
            }
        }
        return sb.toString();
    }
}
