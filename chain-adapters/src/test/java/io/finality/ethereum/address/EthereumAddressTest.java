package io.finality.ethereum.address;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.buffer.Hex;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Keys;

/** EIP-55 vectors, web3j's checksum on random addresses, and each refusal. */
class EthereumAddressTest {
    /** The examples of EIP-55 itself. */
    private static final String[] EIP55 = {
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
    };

    @Test
    void shouldAcceptTheEip55ExamplesAndRefuseThemWithOneLetterFlipped() {
        for (String a : EIP55) {
            final byte[] bytes = EthereumAddress.parse(a);
            assertArrayEquals(Hex.fromHex(a.substring(2).toLowerCase(Locale.ROOT)), bytes, a);
            if (!isMixedCase(a)) {
                continue;
            }
            assertEquals(a, EthereumAddress.toChecksummed(bytes));
            final int letter = firstLetter(a);
            final char c = a.charAt(letter);
            final char other = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
            final String flipped = a.substring(0, letter) + other + a.substring(letter + 1);
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> EthereumAddress.parse(flipped));
            assertTrue(ex.getMessage().contains("checksum"), ex.getMessage());
        }
    }

    private static boolean isMixedCase(final String a) {
        final String digits = a.substring(2);
        return !digits.equals(digits.toLowerCase(Locale.ROOT)) && !digits.equals(digits.toUpperCase(Locale.ROOT));
    }

    @Test
    void shouldChecksumLikeWeb3jOnRandomAddresses() {
        final long seed = Long.getLong("finality.seed", 20261121L);
        final Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            final byte[] a = new byte[20];
            random.nextBytes(a);
            a[0] |= 1;
            final String expected = Keys.toChecksumAddress(Hex.toHex(a));
            assertEquals(expected, EthereumAddress.toChecksummed(a), "seed " + seed);
            assertArrayEquals(a, EthereumAddress.parse(expected), "seed " + seed);
            assertArrayEquals(a, EthereumAddress.parse("0x" + Hex.toHex(a)), "lower case carries no checksum");
        }
    }

    @Test
    void shouldSayWhichRuleABadAddressBreaks() {
        assertRefused("", "required");
        assertRefused("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "starts with 0x");
        assertRefused("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", "40 hex digits");
        assertRefused("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beazz", "not a hex digit");
        assertRefused("0x0000000000000000000000000000000000000000", "zero address");
        assertRefused("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "starts with 0x");
    }

    private static void assertRefused(final String address, final String why) {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> EthereumAddress.parse(address));
        assertTrue(ex.getMessage().contains(why), ex.getMessage());
    }

    private static int firstLetter(final String a) {
        for (int i = 2; i < a.length(); i++) {
            if (Character.isLetter(a.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
