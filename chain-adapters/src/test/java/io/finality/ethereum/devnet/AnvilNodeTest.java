package io.finality.ethereum.devnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.ethereum.node.Anvil;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The anvil fixture against a real anvil: what survives a graceful restart and a kill -9 (the facts written in
 * {@link AnvilNode}'s Javadoc), reorgs, and transactions that revert but are still mined.
 */
class AnvilNodeTest {
    private static final String PAYEE = "0x5eed00000000000000000000000000000000beef";
    private static final BigInteger WEI = BigInteger.valueOf(1_234_567_890_123L);

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryBlockHashAndReceiptAcrossAGracefulRestartWithAStateFile() throws IOException {
        final Path state = dir.resolve("state.json");
        try (AnvilNode node = Anvil.start(new AnvilContext().stateFile(state))) {
            final AnvilRpc rpc = node.rpc();
            final String from = rpc.accounts().get(0);
            final String tx = rpc.sendEth(from, PAYEE, WEI);
            final JsonNode receipt = rpc.awaitReceipt(tx);
            rpc.mine(3);
            final long head = rpc.blockNumber();
            final List<String> hashes = hashes(rpc, head);
            final int port = node.port();

            node.restart();

            assertTrue(Files.size(state) > 0, "state dumped on graceful exit");
            assertEquals(port, node.port());
            assertEquals(head, rpc.blockNumber());
            assertEquals(hashes, hashes(rpc, head));
            assertEquals(receipt, rpc.awaitReceipt(tx));
            assertEquals(WEI, rpc.balance(PAYEE));
            rpc.mine(1);
            assertEquals(hashes.get((int) head), rpc.block(head + 1).get("parentHash").asString(), "the chain goes on");
        }
    }

    @Test
    void shouldResumeFromTheLastPeriodicDumpAfterAKill() throws InterruptedException {
        final Path state = dir.resolve("state.json");
        try (AnvilNode node = Anvil.start(new AnvilContext().stateFile(state).stateIntervalSeconds(1))) {
            final AnvilRpc rpc = node.rpc();
            rpc.mine(4);
            final long dumped = rpc.blockNumber();
            Thread.sleep(2_500);
            rpc.mine(5);
            final long head = rpc.blockNumber();
            final List<String> hashes = hashes(rpc, head);

            node.kill();
            assertFalse(node.isAlive());
            node.restart();

            // A periodic dump may (rarely) land between the last mine and the kill: the head is then later.
            final long resumed = rpc.blockNumber();
            assertTrue(resumed >= dumped && resumed <= head, () -> "resumed at " + resumed + ", dumped " + dumped + ", head " + head);
            assertEquals(hashes.subList(0, (int) resumed + 1), hashes(rpc, resumed), "blocks up to the dump keep their hashes");
            for (long n = resumed + 1; n <= head; n++) {
                assertNull(rpc.blockHash(n), "block " + n + " was lost with the kill");
            }
        }
    }

    @Test
    void shouldStartANewChainAfterARestartWithoutState() {
        try (AnvilNode node = Anvil.start()) {
            final AnvilRpc rpc = node.rpc();
            rpc.mine(3);
            assertEquals(3, rpc.blockNumber());
            node.kill();
            node.restart();
            assertEquals(0, rpc.blockNumber());
            assertEquals(BigInteger.ZERO, rpc.balance(PAYEE));
        }
    }

    @Test
    void shouldReplaceTheLastBlocksOnReorgKeepingTheHeight() {
        try (AnvilNode node = Anvil.start()) {
            final AnvilRpc rpc = node.rpc();
            final List<String> accounts = rpc.accounts();
            final String old = rpc.sendEth(accounts.get(0), PAYEE, WEI);
            final long oldBlock = AnvilRpc.longOf(rpc.awaitReceipt(old).get("blockNumber"));
            rpc.mine(2);
            final long head = rpc.blockNumber();
            final List<String> before = hashes(rpc, head);
            final int depth = (int) (head - oldBlock + 1);

            rpc.reorg(depth, List.of(ReorgTx.payment(accounts.get(1), PAYEE, WEI.add(BigInteger.ONE), 1)));

            assertEquals(head, rpc.blockNumber());
            final List<String> after = hashes(rpc, head);
            assertEquals(before.subList(0, (int) oldBlock), after.subList(0, (int) oldBlock), "below the fork point nothing changes");
            for (long n = oldBlock; n <= head; n++) {
                assertNotEquals(before.get((int) n), after.get((int) n), "height " + n + " replaced");
            }
            assertTrue(rpc.result("eth_getTransactionReceipt", "[\"" + old + "\"]").isNull(), "the old payment left the chain");
            final JsonNode moved = rpc.block(oldBlock + 1).get("transactions");
            assertEquals(1, moved.size());
            assertEquals(accounts.get(1), moved.get(0).get("from").asString());
            assertEquals(WEI.add(BigInteger.ONE), rpc.balance(PAYEE));
        }
    }

    @Test
    void shouldMineRevertingTransactionsWithStatusZeroWhenGasIsExplicit() {
        try (AnvilNode node = Anvil.start()) {
            final AnvilRpc rpc = node.rpc();
            final List<String> accounts = rpc.accounts();
            final BigInteger supply = BigInteger.TEN.pow(24);
            final String token = rpc.deployToken(accounts.get(0), supply);
            assertEquals(supply, rpc.tokenBalance(token, accounts.get(0)));

            // eth_estimateGas refuses a call that reverts; eth_sendTransaction (anvil 1.7.1) then falls back to the
            // block gas limit and mines it anyway with status 0. With an explicit gas that limit is used as given.
            final String revertingCall = "[{\"from\":\"" + accounts.get(1) + "\",\"to\":\"" + token + "\",\"data\":\""
                + Contracts.transferCall(PAYEE, BigInteger.ONE) + "\"}]";
            final RpcException refused = assertThrows(RpcException.class, () -> rpc.result("eth_estimateGas", revertingCall));
            assertTrue(refused.getMessage().contains("insufficient balance"), refused::getMessage);
            final String implicit = rpc.transferToken(token, accounts.get(1), PAYEE, BigInteger.ONE);
            assertEquals(0, AnvilRpc.longOf(rpc.awaitReceipt(implicit).get("status")));
            assertEquals(AnvilRpc.longOf(rpc.block(rpc.blockNumber()).get("gasLimit")), gasOf(rpc, implicit));
            final String explicit = rpc.transferTokenWithGas(token, accounts.get(1), PAYEE, BigInteger.ONE, AnvilRpc.REVERT_GAS);
            final JsonNode reverted = rpc.awaitReceipt(explicit);
            assertEquals(0, AnvilRpc.longOf(reverted.get("status")));
            assertEquals(AnvilRpc.REVERT_GAS, gasOf(rpc, explicit));
            assertEquals(0, reverted.get("logs").size());
            assertEquals(BigInteger.ZERO, rpc.tokenBalance(token, PAYEE));

            final String receiver = rpc.deployRevertingReceiver(accounts.get(0));
            final RpcException estimate = assertThrows(RpcException.class, () -> rpc.result("eth_estimateGas",
                "[{\"from\":\"" + accounts.get(0) + "\",\"to\":\"" + receiver + "\",\"value\":\"0x1\"}]"));
            assertTrue(estimate.getMessage().contains("payments refused"), estimate::getMessage);
            final JsonNode failed = rpc.awaitReceipt(rpc.sendEthWithGas(accounts.get(0), receiver, WEI, AnvilRpc.REVERT_GAS));
            assertEquals(0, AnvilRpc.longOf(failed.get("status")));
            assertEquals(0, AnvilRpc.longOf(rpc.awaitReceipt(rpc.sendEth(accounts.get(0), receiver, WEI)).get("status")));
            assertEquals(BigInteger.ZERO, rpc.balance(receiver));

            final JsonNode ok = rpc.awaitReceipt(rpc.transferToken(token, accounts.get(0), PAYEE, WEI));
            assertEquals(1, AnvilRpc.longOf(ok.get("status")));
            assertEquals(WEI, rpc.tokenBalance(token, PAYEE));
            assertEquals(supply.subtract(WEI), rpc.tokenBalance(token, accounts.get(0)));
        }
    }

    @Test
    void shouldStopOnCloseAndKeepTheUris() {
        final AnvilNode node = Anvil.start();
        try (node) {
            assertEquals("ws://127.0.0.1:" + node.port(), node.wsUri().toString());
            assertEquals("http://127.0.0.1:" + node.port(), node.httpUri().toString());
            assertEquals(AnvilNode.CHAIN_ID, node.rpc().chainId());
            assertEquals(10, node.rpc().accounts().size());
        }
        assertFalse(node.isAlive());
    }

    private static long gasOf(final AnvilRpc rpc, final String txHash) {
        return AnvilRpc.longOf(rpc.result("eth_getTransactionByHash", "[\"" + txHash + "\"]").get("gas"));
    }

    private static List<String> hashes(final AnvilRpc rpc, final long head) {
        final List<String> out = new ArrayList<>();
        for (long n = 0; n <= head; n++) {
            out.add(rpc.blockHash(n));
        }
        return out;
    }
}
