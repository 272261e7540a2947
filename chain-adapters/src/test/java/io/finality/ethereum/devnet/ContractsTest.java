package io.finality.ethereum.devnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/** The hand-made ABI encoding against web3j's (the reference), on seeded random arguments. */
class ContractsTest {
    @Test
    void shouldEncodeTransferCallsAsWeb3jDoes() {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        for (int i = 0; i < 500; i++) {
            final byte[] address = new byte[20];
            random.nextBytes(address);
            final String to = Numeric.toHexString(address);
            final BigInteger amount = new BigInteger(random.nextInt(257), random);
            final String expected = FunctionEncoder.encode(new Function("transfer", List.of(new Address(to), new Uint256(amount)),
                List.of()));
            assertEquals(expected, Contracts.transferCall(to, amount), "seed " + seed + " to " + to + " amount " + amount);
        }
    }

    @Test
    void shouldUseTheStandardSelectorAndTopic() {
        assertEquals(Contracts.TRANSFER_SELECTOR, Hash.sha3String("transfer(address,uint256)").substring(2, 10));
        assertEquals(Contracts.TRANSFER_TOPIC, Hash.sha3String("Transfer(address,address,uint256)"));
        assertEquals(FunctionEncoder.encodeConstructor(List.of(new Uint256(BigInteger.TEN.pow(30)))),
            Contracts.tokenCreation(BigInteger.TEN.pow(30)).substring(Contracts.tokenCreation(BigInteger.ZERO).length() - 64));
    }

    @Test
    void shouldRefuseValuesThatAreNotWords() {
        assertThrows(IllegalArgumentException.class, () -> Contracts.uint256(BigInteger.ONE.shiftLeft(256)));
        assertThrows(IllegalArgumentException.class, () -> Contracts.uint256(BigInteger.ONE.negate()));
        assertThrows(IllegalArgumentException.class, () -> Contracts.address("0x1234"));
    }
}
