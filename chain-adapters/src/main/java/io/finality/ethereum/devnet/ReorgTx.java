package io.finality.ethereum.devnet;

import java.math.BigInteger;

/**
 * One transaction for {@code anvil_reorg}: a transaction request (from a dev account, so anvil signs it) and the
 * offset, from the fork point, of the new block it goes into ({@code 0} = the first replaced height).
 *
 * <p>Immutable; any thread.
 *
 * @param from        a dev account (anvil holds its key)
 * @param to          recipient, or null for a contract creation
 * @param value       wei
 * @param data        call data as "0x..." hex, or null
 * @param blockOffset which of the new blocks (0 .. depth - 1) carries it
 */
public record ReorgTx(String from, String to, BigInteger value, String data, int blockOffset) {
    /** A plain ETH payment in the {@code blockOffset}-th new block. */
    public static ReorgTx payment(final String from, final String to, final BigInteger wei, final int blockOffset) {
        return new ReorgTx(from, to, wei, null, blockOffset);
    }

    /** The {@code [txRequest, blockOffset]} pair as anvil_reorg takes it. */
    String toJson() {
        final StringBuilder sb = new StringBuilder("[{\"from\":\"").append(from).append('"');
        if (to != null) {
            sb.append(",\"to\":\"").append(to).append('"');
        }
        sb.append(",\"value\":\"").append(AnvilRpc.quantity(value)).append('"');
        if (data != null) {
            sb.append(",\"data\":\"").append(data).append('"');
        }
        return sb.append("},").append(blockOffset).append(']').toString();
    }
}
