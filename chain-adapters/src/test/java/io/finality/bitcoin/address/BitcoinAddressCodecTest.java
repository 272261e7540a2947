package io.finality.bitcoin.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.AddressException.Reason;
import io.finality.core.buffer.Hex;
import io.finality.core.test.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.AddressParser;
import org.bitcoinj.script.ScriptBuilder;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Bitcoin Core's {@code key_io_valid/invalid.json} and the BIP173/BIP350 vectors, plus a cross-check
 * against bitcoinj's parser on every valid mainnet/testnet/regtest address.
 */
class BitcoinAddressCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static BitcoinNetwork network(final String coreChain) {
        switch (coreChain) {
            case "main":
                return BitcoinNetwork.MAINNET;
            case "test":
                return BitcoinNetwork.TESTNET3;
            case "testnet4":
                return BitcoinNetwork.TESTNET4;
            case "signet":
                return BitcoinNetwork.SIGNET;
            case "regtest":
                return BitcoinNetwork.REGTEST;
            default:
                throw new IllegalArgumentException(coreChain);
        }
    }

    @Test
    void shouldDecodeAndReEncodeEveryCoreValidScriptEntry() {
        final JsonNode valid = JSON.readTree(TestData.path("bitcoin/address/bitcoincore_key_io_valid.json"));
        int checked = 0;
        for (JsonNode entry : valid) {
            final JsonNode meta = entry.get(2);
            if (meta.get("isPrivkey").asBoolean()) {
                // a WIF key is not an address: it must not decode as one
                for (var n : BitcoinNetwork.values()) {
                    assertThrows(AddressException.class, () -> BitcoinAddressCodec.toScript(entry.get(0).asString(), n));
                }
                continue;
            }
            final String address = entry.get(0).asString();
            final String script = entry.get(1).asString();
            final var net = network(meta.get("chain").asString());
            assertEquals(script, Hex.toHex(BitcoinAddressCodec.toScript(address, net)), address);
            assertEquals(address, BitcoinAddressCodec.fromScript(Hex.fromHex(script), net), script);
            if (meta.has("tryCaseFlip") && meta.get("tryCaseFlip").asBoolean()) {
                final String flipped = address.equals(address.toLowerCase(Locale.ROOT))
                    ? address.toUpperCase(Locale.ROOT) : address.toLowerCase(Locale.ROOT);
                assertEquals(script, Hex.toHex(BitcoinAddressCodec.toScript(flipped, net)), flipped);
            }
            if (net == BitcoinNetwork.TESTNET4) {
                // testnet3/testnet4/signet share prefixes: the same string is valid for all three
                assertEquals(script, Hex.toHex(BitcoinAddressCodec.toScript(address, BitcoinNetwork.TESTNET3)));
                assertEquals(script, Hex.toHex(BitcoinAddressCodec.toScript(address, BitcoinNetwork.SIGNET)));
            }
            if (net == BitcoinNetwork.MAINNET) {
                final AddressException ex = assertThrows(AddressException.class,
                    () -> BitcoinAddressCodec.toScript(address, BitcoinNetwork.TESTNET4));
                assertEquals(Reason.WRONG_NETWORK, ex.reason(), address);
            }
            checked++;
        }
        assertEquals(54, checked);
    }

    @Test
    void shouldRejectEveryCoreInvalidEntryOnEveryNetwork() {
        final JsonNode invalid = JSON.readTree(TestData.path("bitcoin/address/bitcoincore_key_io_invalid.json"));
        assertEquals(70, invalid.size());
        for (JsonNode entry : invalid) {
            final String s = entry.get(0).asString();
            for (var n : BitcoinNetwork.values()) {
                assertThrows(AddressException.class, () -> BitcoinAddressCodec.toScript(s, n), s + " on " + n);
            }
        }
    }

    @Test
    void shouldFollowTheBip173AndBip350Vectors() {
        final JsonNode root = JSON.readTree(TestData.path("bitcoin/address/bips_bech32_bech32m_test_vectors.json"));
        for (String bip : new String[] {"bip0173", "bip0350"}) {
            final Bech32.Encoding encoding = bip.equals("bip0173") ? Bech32.Encoding.BECH32 : Bech32.Encoding.BECH32M;
            final JsonNode v = root.get(bip);
            for (JsonNode s : v.get("valid_strings")) {
                assertEquals(encoding, Bech32.decode(s.get("string").asString()).encoding(), s.toString());
            }
            for (JsonNode s : v.get("invalid_strings")) {
                final String prefix = s.has("prefix_byte")
                    ? String.valueOf((char)Integer.decode(s.get("prefix_byte").asString()).intValue()) : "";
                final String str = prefix + s.get("string").asString();
                try {
                    assertTrue(Bech32.decode(str).encoding() != encoding, bip + " accepted " + s);
                } catch (final AddressException expected) {
                    // rejected outright, as it should be
                }
            }
            for (JsonNode a : v.get("valid_segwit_addresses")) {
                final String address = a.get("address").asString();
                final var net = address.toLowerCase(Locale.ROOT).startsWith("bc")
                    ? BitcoinNetwork.MAINNET : BitcoinNetwork.TESTNET3;
                final byte[] script = Hex.fromHex(a.get("scriptPubKey").asString());
                if (bip.equals("bip0173") && script[0] != 0) {
                    // BIP350 supersedes these: witness v1+ with a bech32 checksum must now be rejected
                    final AddressException ex = assertThrows(AddressException.class, () -> BitcoinAddressCodec.toScript(address, net));
                    assertEquals(Reason.WRONG_CHECKSUM_VARIANT, ex.reason(), address);
                    continue;
                }
                assertEquals(a.get("scriptPubKey").asString(), Hex.toHex(BitcoinAddressCodec.toScript(address, net)), address);
                assertEquals(address.toLowerCase(Locale.ROOT), BitcoinAddressCodec.fromScript(script, net));
            }
            for (JsonNode a : v.get("invalid_segwit_addresses")) {
                final String address = a.get("string").asString();
                final Reason expected = reasonFor(a.get("reason").asString());
                for (var n : new BitcoinNetwork[] {
                    BitcoinNetwork.MAINNET, BitcoinNetwork.TESTNET3}) {
                    final AddressException ex = assertThrows(AddressException.class, () -> BitcoinAddressCodec.toScript(address, n));
                    if (n.hrp().equals(address.substring(0, 2).toLowerCase(Locale.ROOT)) || expected == Reason.UNKNOWN_PREFIX) {
                        assertEquals(expected, ex.reason(), address + ": " + ex.getMessage());
                    }
                }
            }
        }
    }

    @Test
    void shouldNameTheRuleThatFailed() {
        final var main = BitcoinNetwork.MAINNET;
        assertEquals(Reason.BAD_CHECKSUM, reason("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mp", main));
        assertEquals(Reason.WRONG_NETWORK, reason("mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ", main));
        assertEquals(Reason.WRONG_NETWORK, reason("bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9", main));
        assertEquals(Reason.BAD_CHARACTER, reason("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2m0", main));
        assertEquals(Reason.BAD_CHARACTER, reason("", main));
        final AddressException none = assertThrows(AddressException.class,
            () -> BitcoinAddressCodec.fromScript(Hex.fromHex("6a0401020304"), main));
        assertEquals(Reason.NO_ADDRESS_FORM, none.reason());
    }

    @Test
    void shouldAgreeWithBitcoinjOnEveryValidAddress() {
        final JsonNode valid = JSON.readTree(TestData.path("bitcoin/address/bitcoincore_key_io_valid.json"));
        final List<String> compared = new ArrayList<>();
        final Map<String, org.bitcoinj.base.BitcoinNetwork> bitcoinj = Map.of(
            "main", org.bitcoinj.base.BitcoinNetwork.MAINNET, "testnet4", org.bitcoinj.base.BitcoinNetwork.TESTNET,
            "signet", org.bitcoinj.base.BitcoinNetwork.SIGNET, "regtest", org.bitcoinj.base.BitcoinNetwork.REGTEST);
        for (JsonNode entry : valid) {
            if (entry.get(2).get("isPrivkey").asBoolean()) {
                continue;
            }
            final String address = entry.get(0).asString();
            final String chain = entry.get(2).get("chain").asString();
            final byte[] expected;
            try {
                final Address parsed = AddressParser.getDefault(bitcoinj.get(chain)).parseAddress(address);
                expected = ScriptBuilder.createOutputScript(parsed).program();
            } catch (final RuntimeException ex) {
                // bitcoinj 0.17 cannot build scripts for witness versions 2..16: Core's vectors cover those
                continue;
            }
            assertEquals(Hex.toHex(expected), Hex.toHex(BitcoinAddressCodec.toScript(address, network(chain))), address);
            compared.add(address);
        }
        assertTrue(compared.size() >= 30, "compared " + compared.size());
    }

    private static Reason reason(final String address, final BitcoinNetwork network) {
        return assertThrows(AddressException.class, () -> BitcoinAddressCodec.toScript(address, network)).reason();
    }

    private static Reason reasonFor(final String vectorReason) {
        final String r = vectorReason.toLowerCase(Locale.ROOT);
        if (r.contains("human-readable")) {
            return Reason.UNKNOWN_PREFIX;
        }
        if (r.contains("bech32 instead") || r.contains("bech32m instead")) {
            return Reason.WRONG_CHECKSUM_VARIANT;
        }
        if (r.contains("character in checksum")) {
            return Reason.BAD_CHARACTER;
        }
        if (r.contains("checksum")) {
            return Reason.BAD_CHECKSUM;
        }
        if (r.contains("program length")) {
            return Reason.BAD_WITNESS_PROGRAM_LENGTH;
        }
        if (r.contains("witness version")) {
            return Reason.BAD_WITNESS_VERSION;
        }
        if (r.contains("mixed case")) {
            return Reason.MIXED_CASE;
        }
        if (r.contains("padding")) {
            return Reason.BAD_PADDING;
        }
        if (r.contains("empty data")) {
            return Reason.BAD_LENGTH;
        }
        throw new IllegalArgumentException(vectorReason);
    }
}
