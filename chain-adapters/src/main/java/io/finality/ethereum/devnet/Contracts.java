package io.finality.ethereum.devnet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The test contracts' creation bytecode (compiled from the .sol sources under
 * the {@code contracts/} resources of this package, see the README there) and the hand-made ABI encoding the tests
 * need: a {@code uint256} constructor argument and {@code transfer(address,uint256)} call data.
 *
 * <p>Stateless; any thread.
 */
public final class Contracts {
    /** {@code keccak256("transfer(address,uint256)")[0..4]}. */
    public static final String TRANSFER_SELECTOR = "a9059cbb";
    /** {@code keccak256("Transfer(address,address,uint256)")}: topic 0 of every ERC-20 transfer log. */
    public static final String TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

    private static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);

    private Contracts() {
    }

    /** Creation code of TestToken with its {@code uint256 supply} constructor argument appended: "0x..." hex. */
    public static String tokenCreation(final BigInteger supply) {
        return "0x" + bytecode("TestToken") + uint256(supply);
    }

    /** Creation code of RevertingReceiver (no constructor arguments): "0x..." hex. */
    public static String revertingReceiverCreation() {
        return "0x" + bytecode("RevertingReceiver");
    }

    /** Call data of {@code transfer(to, amount)}: selector a9059cbb and two 32-byte words. */
    public static String transferCall(final String to, final BigInteger amount) {
        return "0x" + TRANSFER_SELECTOR + address(to) + uint256(amount);
    }

    /** An address ("0x" + 40 hex) as a left-padded 32-byte word, 64 hex digits. */
    static String address(final String address) {
        final String hex = address.startsWith("0x") ? address.substring(2) : address;
        if (hex.length() != 40) {
            throw new IllegalArgumentException("not a 20-byte address: " + address);
        }
        return "0".repeat(24) + hex.toLowerCase(Locale.ROOT);
    }

    /** A uint256 as a 32-byte big-endian word, 64 hex digits. */
    static String uint256(final BigInteger value) {
        if (value.signum() < 0 || value.compareTo(TWO_256) >= 0) {
            throw new IllegalArgumentException("not a uint256: " + value);
        }
        final String hex = value.toString(16);
        return "0".repeat(64 - hex.length()) + hex;
    }

    private static String bytecode(final String contract) {
        final String resource = "/io/finality/ethereum/devnet/contracts/" + contract + ".bin";
        try (InputStream in = Contracts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
