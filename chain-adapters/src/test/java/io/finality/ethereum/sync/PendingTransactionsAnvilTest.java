package io.finality.ethereum.sync;

import static io.finality.ethereum.sync.SyncHarness.PAYEE;
import static io.finality.ethereum.sync.SyncHarness.PAYEE_SLOT;
import static io.finality.ethereum.sync.SyncHarness.assertSameChain;
import static io.finality.ethereum.sync.SyncHarness.awaitSynced;
import static io.finality.ethereum.sync.SyncHarness.expectedNative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.ethereum.EthereumPayload;
import io.finality.ethereum.devnet.AnvilNode;
import io.finality.ethereum.devnet.AnvilRpc;
import io.finality.ethereum.node.Anvil;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pending transactions on a real anvil with automine off: a payment is published as seen while pending and once
 * mined; a pending payment replaced by another transaction with the same nonce (a higher fee, paying someone
 * else) is reported gone a few heads after the replacement was mined.
 */
class PendingTransactionsAnvilTest {
    private static final BigInteger GWEI = BigInteger.TEN.pow(9);
    private static final String UNWATCHED = "0x5eed00000000000000000000000000000000f00d";

    @Test
    void shouldReportAPendingPaymentThenItsBlockAndAReplacedOneAsGone() {
        try (AnvilNode node = Anvil.start()) {
            final AnvilRpc rpc = node.rpc();
            final String from = rpc.accounts().get(0);
            rpc.mine(2);
            rpc.setAutomine(false);
            final ChainRecorder recorder = SyncHarness.recorder();
            try (EthereumConnection connection = new EthereumConnection(SyncHarness.context(node.wsUri()))) {
                connection.start(recorder);
                awaitSynced(recorder, rpc, 10_000);
                SyncHarness.await("the pending subscription", 5_000, connection::pendingSubscribed);

                final String paid = rpc.sendEth(from, PAYEE, BigInteger.valueOf(5_000));
                SyncHarness.await("the pending payment", 10_000, () -> recorder.seen().size() == 1);
                final ChainRecorder.Payment seen = recorder.seen().get(0);
                assertEquals(paid, seen.txHash());
                assertEquals(BigInteger.valueOf(5_000), seen.amount());
                assertEquals(EthereumPayload.NATIVE_OUTPUT_INDEX, seen.outputIndex());
                assertEquals(PAYEE_SLOT, seen.slot());
                rpc.mine(1);
                awaitSynced(recorder, rpc, 10_000);
                assertEquals(List.of(expectedNative(rpc, paid, PAYEE_SLOT)), recorder.payments());

                final long nonce = AnvilRpc.longOf(rpc.result("eth_getTransactionCount", "[\"" + from + "\",\"pending\"]"));
                final String replaced = rpc.sendTransaction(payment(from, PAYEE, 5_000, nonce, GWEI.multiply(BigInteger.valueOf(3))));
                SyncHarness.await("the second pending payment", 10_000, () -> recorder.seen().size() == 2);
                final String replacement = rpc.sendTransaction(payment(from, UNWATCHED, 1, nonce, GWEI.multiply(BigInteger.valueOf(30))));
                rpc.mine(1);
                assertTrue(rpc.awaitReceipt(replacement).get("blockNumber") != null);
                for (int i = 0; i < EthereumContext.DEFAULT_PENDING_GONE_AFTER_BLOCKS + 1; i++) {
                    rpc.mine(1);
                    awaitSynced(recorder, rpc, 10_000);
                }
                SyncHarness.await("the replaced payment reported gone", 10_000, () -> recorder.gone().size() == 1);
                assertEquals(List.of(replaced), recorder.gone());
                assertEquals(1, connection.pendingGone());
                assertEquals(2, connection.pendingPublished());
                assertSameChain(recorder, rpc, 1);
                assertEquals(List.of(expectedNative(rpc, paid, PAYEE_SLOT)), recorder.payments(), "the replaced payment was never mined");
            }
        }
    }

    /** A legacy transaction request with an explicit nonce and gas price (so a second one can replace it). */
    private static String payment(final String from, final String to, final long wei, final long nonce, final BigInteger gasPrice) {
        return "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"value\":\"" + AnvilRpc.quantity(wei) + "\",\"nonce\":\""
            + AnvilRpc.quantity(nonce) + "\",\"gasPrice\":\"" + AnvilRpc.quantity(gasPrice) + "\"}";
    }
}
