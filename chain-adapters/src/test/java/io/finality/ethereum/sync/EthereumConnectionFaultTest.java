package io.finality.ethereum.sync;

import static io.finality.ethereum.sync.SyncHarness.OTHER;
import static io.finality.ethereum.sync.SyncHarness.OTHER_SLOT;
import static io.finality.ethereum.sync.SyncHarness.PAYEE;
import static io.finality.ethereum.sync.SyncHarness.PAYEE_SLOT;
import static io.finality.ethereum.sync.SyncHarness.assertConnectedOnce;
import static io.finality.ethereum.sync.SyncHarness.assertSameChain;
import static io.finality.ethereum.sync.SyncHarness.awaitSynced;
import static io.finality.ethereum.sync.SyncHarness.expectedNative;
import static io.finality.ethereum.sync.SyncHarness.wei;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.ring.MatchList;
import io.finality.ethereum.devnet.AnvilNode;
import io.finality.ethereum.devnet.AnvilRpc;
import io.finality.ethereum.node.Anvil;
import io.finality.ethereum.node.FaultyRpcProxy;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Bad answers between us and a real anvil, injected by {@link FaultyRpcProxy}: null blocks and receipts, error
 * responses, malformed frames, unanswered requests, an oversized frame, a dropped connection mid-backfill and a
 * node without {@code eth_getBlockReceipts}. Each time the sync must end with exactly the node's chain, every
 * block published once, and exactly the payments the node reports.
 */
class EthereumConnectionFaultTest {
    private static final int BLOCKS = 60;

    /** A chain of {@link #BLOCKS} blocks with a payment every 6th; the payments the node reports. */
    private static List<ChainRecorder.Payment> chainWithPayments(final AnvilRpc rpc) {
        final String from = rpc.accounts().get(0);
        final List<ChainRecorder.Payment> expected = new ArrayList<>();
        for (int i = 0; i < BLOCKS / 6; i++) {
            expected.add(expectedNative(rpc, rpc.sendEth(from, PAYEE, wei(100 + i)), PAYEE_SLOT));
            rpc.mine(5);
        }
        return expected;
    }

    private static EthereumConnection syncThrough(final AnvilNode node, final Consumer<FaultyRpcProxy> faults,
                                                  final Consumer<EthereumContext> tune, final ChainRecorder recorder,
                                                  final FaultyRpcProxy proxy) {
        faults.accept(proxy);
        final EthereumContext context = SyncHarness.context(proxy.uri());
        tune.accept(context);
        final EthereumConnection connection = new EthereumConnection(context);
        connection.start(recorder);
        return connection;
    }

    private static void runWithFaults(final Consumer<FaultyRpcProxy> faults, final Consumer<EthereumContext> tune,
                                      final Consumer<EthereumConnection> check) {
        try (AnvilNode node = Anvil.start(); FaultyRpcProxy proxy = FaultyRpcProxy.start(node.wsUri())) {
            final AnvilRpc rpc = node.rpc();
            final List<ChainRecorder.Payment> expected = chainWithPayments(rpc);
            final ChainRecorder recorder = SyncHarness.recorder();
            try (EthereumConnection connection = syncThrough(node, faults, tune, recorder, proxy)) {
                awaitSynced(recorder, rpc, 30_000);
                assertSameChain(recorder, rpc, 1);
                assertConnectedOnce(recorder, 1, rpc.blockNumber());
                assertEquals(expected, recorder.payments());
                check.accept(connection);
            }
        }
    }

    @Test
    void shouldRetryNullBlocksAndNullReceipts() {
        runWithFaults(p -> p.nullResult("eth_getBlockByNumber", 4).nullResult("eth_getBlockReceipts", 3), c -> { },
            c -> assertTrue(c.retries() >= 3, "retries " + c.retries()));
    }

    @Test
    void shouldRetryErrorResponses() {
        runWithFaults(p -> p.failMethod("eth_getBlockByNumber", 3, -32000, "header not found")
                .failMethod("eth_getBlockReceipts", 3, -32005, "limit exceeded"), c -> { },
            c -> assertTrue(c.retries() >= 3, "retries " + c.retries()));
    }

    @Test
    void shouldDropMalformedFramesAndRetryAfterTheTimeout() {
        runWithFaults(p -> p.garbage("eth_getBlockByNumber", 2).garbage("eth_getBlockReceipts", 2), c -> c.rpc().requestTimeoutMs(300),
            c -> {
                assertTrue(c.client().malformedFrames() >= 4, "malformed " + c.client().malformedFrames());
                assertTrue(c.client().timeouts() >= 4, "timeouts " + c.client().timeouts());
            });
    }

    @Test
    void shouldTimeOutUnansweredRequestsAndAskAgain() {
        runWithFaults(p -> p.swallow("eth_getBlockReceipts", 3).swallow("eth_blockNumber", 1), c -> c.rpc().requestTimeoutMs(300),
            c -> assertTrue(c.client().timeouts() >= 4, "timeouts " + c.client().timeouts()));
    }

    @Test
    void shouldRefuseAnOversizedFrameAndReconnect() {
        runWithFaults(p -> p.oversize("eth_getBlockReceipts", 1, 300_000), c -> c.rpc().maxFrameBytes(200_000),
            c -> {
                assertEquals(1, c.client().refusedFrames());
                assertTrue(c.client().connects() >= 2, "reconnected");
            });
    }

    @Test
    void shouldResumeWithoutGapOrDuplicateWhenTheConnectionDropsMidBackfill() {
        try (AnvilNode node = Anvil.start(); FaultyRpcProxy proxy = FaultyRpcProxy.start(node.wsUri())) {
            final AnvilRpc rpc = node.rpc();
            final List<ChainRecorder.Payment> expected = chainWithPayments(rpc);
            rpc.mine(300);
            final ChainRecorder recorder = SyncHarness.recorder();
            try (EthereumConnection connection = syncThrough(node, p -> { }, c -> c.window(2), recorder, proxy)) {
                SyncHarness.await("backfill under way", 20_000, () -> recorder.tipHeight() > 40);
                proxy.dropConnection();
                awaitSynced(recorder, rpc, 30_000);
                assertTrue(connection.client().connects() >= 2, "reconnected");
                assertSameChain(recorder, rpc, 1);
                assertConnectedOnce(recorder, 1, rpc.blockNumber());
                assertEquals(expected, recorder.payments());
            }
        }
    }

    @Test
    void shouldReadReceiptsThroughGetLogsWhenTheNodeLacksGetBlockReceipts() {
        try (AnvilNode node = Anvil.start(); FaultyRpcProxy proxy = FaultyRpcProxy.start(node.wsUri())) {
            final AnvilRpc rpc = node.rpc();
            final String from = rpc.accounts().get(0);
            final String token = rpc.deployToken(from, BigInteger.TEN.pow(24));
            final String otherToken = rpc.deployToken(from, BigInteger.TEN.pow(24));
            final String refuser = rpc.deployRevertingReceiver(from);
            rpc.sendEth(from, PAYEE, wei(1_000));
            rpc.awaitReceipt(rpc.transferToken(token, from, PAYEE, wei(2_000)));
            rpc.awaitReceipt(rpc.transferToken(otherToken, from, OTHER, wei(3_000)));
            rpc.awaitReceipt(rpc.transferTokenWithGas(token, from, PAYEE, BigInteger.TEN.pow(30), AnvilRpc.REVERT_GAS));
            rpc.awaitReceipt(rpc.sendEthWithGas(from, refuser, wei(4_000), AnvilRpc.REVERT_GAS));
            rpc.mine(2);
            final Map<String, Integer> watched = Map.of(PAYEE, PAYEE_SLOT, OTHER, OTHER_SLOT, refuser, 11);

            final ChainRecorder direct = SyncHarness.recorder(watched);
            try (EthereumConnection connection = new EthereumConnection(SyncHarness.context(node.wsUri()))) {
                connection.start(direct);
                awaitSynced(direct, rpc, 10_000);
            }
            final ChainRecorder byLogs = SyncHarness.recorder(watched);
            try (EthereumConnection connection = syncThrough(node,
                p -> p.failMethod("eth_getBlockReceipts", 1_000, -32601, "Method not found"), c -> { }, byLogs, proxy)) {
                awaitSynced(byLogs, rpc, 10_000);
                assertTrue(connection.receiptsByLogs());
                assertTrue(proxy.requests("eth_getLogs") >= rpc.blockNumber(), "receipts came from eth_getLogs");
            }
            assertSameChain(byLogs, rpc, 1);
            final List<ChainRecorder.Payment> paid = direct.payments();
            assertEquals(4, paid.size(), "native, two tokens and the failed native payment: " + paid);
            assertTrue(paid.stream().anyMatch(p -> (p.flags() & MatchList.FLAG_FAILED) != 0), "the refused payment is flagged");
            assertFalse(paid.stream().anyMatch(p -> p.amount().equals(BigInteger.TEN.pow(30))), "the reverted transfer is not there");
            assertEquals(paid, byLogs.payments());
        }
    }
}
