package io.finality.ethereum.sync;

import static io.finality.ethereum.sync.SyncHarness.OTHER;
import static io.finality.ethereum.sync.SyncHarness.OTHER_SLOT;
import static io.finality.ethereum.sync.SyncHarness.PAYEE;
import static io.finality.ethereum.sync.SyncHarness.PAYEE_SLOT;
import static io.finality.ethereum.sync.SyncHarness.assertConnectedOnce;
import static io.finality.ethereum.sync.SyncHarness.assertSameChain;
import static io.finality.ethereum.sync.SyncHarness.awaitSynced;
import static io.finality.ethereum.sync.SyncHarness.expectedNative;
import static io.finality.ethereum.sync.SyncHarness.since;
import static io.finality.ethereum.sync.SyncHarness.wei;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.buffer.Hex;
import io.finality.core.ring.EventKind;
import io.finality.ethereum.devnet.AnvilContext;
import io.finality.ethereum.devnet.AnvilNode;
import io.finality.ethereum.devnet.AnvilRpc;
import io.finality.ethereum.devnet.ReorgTx;
import io.finality.ethereum.node.Anvil;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ethereum connection against a real anvil on a loopback port: backfill, live heads, an {@code anvil_reorg},
 * anvil stopped or killed and restarted, a restart of our side from a journaled position, and the
 * finalized/safe tags. Every published block is scanned by the real scanner (ChainRecorder), and the chain and
 * payments we end with are compared with what anvil itself reports.
 */
class EthereumConnectionAnvilTest {
    @TempDir
    Path dir;

    @Test
    void shouldBackfillFiveHundredBlocksWithPaymentsThenFollowLiveHeads() {
        try (AnvilNode node = Anvil.start()) {
            final AnvilRpc rpc = node.rpc();
            final String from = rpc.accounts().get(0);
            final List<ChainRecorder.Payment> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                final String tx = rpc.sendEth(from, i % 5 == 0 ? OTHER : PAYEE, wei(1_000 + i));
                expected.add(expectedNative(rpc, tx, i % 5 == 0 ? OTHER_SLOT : PAYEE_SLOT));
                rpc.mine(9);
            }
            assertEquals(500, rpc.blockNumber());
            final ChainRecorder recorder = SyncHarness.recorder();
            try (EthereumConnection connection = new EthereumConnection(SyncHarness.context(node.wsUri()))) {
                connection.start(recorder);
                awaitSynced(recorder, rpc, 60_000);
                assertSameChain(recorder, rpc, 1);
                assertConnectedOnce(recorder, 1, 500);
                assertEquals(expected, recorder.payments());

                final String live = rpc.sendEth(from, PAYEE, wei(77));
                expected.add(expectedNative(rpc, live, PAYEE_SLOT));
                awaitSynced(recorder, rpc, 10_000);
                assertSameChain(recorder, rpc, 1);
                assertEquals(expected, recorder.payments());
                assertEquals(1, connection.client().connects());
                assertEquals(0, connection.retries());
            }
        }
    }

    @Test
    void shouldDisconnectTipFirstAndConnectTheNewBranchWhenAnvilReorganises() {
        try (AnvilNode node = Anvil.start()) {
            final AnvilRpc rpc = node.rpc();
            final String from = rpc.accounts().get(0);
            rpc.mine(5);
            final ChainRecorder recorder = SyncHarness.recorder();
            try (EthereumConnection connection = new EthereumConnection(SyncHarness.context(node.wsUri()))) {
                connection.start(recorder);
                final String first = rpc.sendEth(from, PAYEE, wei(500));
                final ChainRecorder.Payment replacedPayment = expectedNative(rpc, first, PAYEE_SLOT);
                rpc.mine(1);
                awaitSynced(recorder, rpc, 10_000);
                assertEquals(List.of(replacedPayment), recorder.payments());
                final long head = rpc.blockNumber();
                final Map<Long, String> before = recorder.chain();
                final int mark = recorder.log().size();

                rpc.reorg(2, List.of(ReorgTx.payment(from, PAYEE, wei(499), 0)));

                awaitSynced(recorder, rpc, 10_000);
                assertSameChain(recorder, rpc, 1);
                final List<String> order = since(recorder, mark).stream()
                    .map(p -> (p.kind() == EventKind.BLOCK_CONNECTED ? "+" : "-") + p.height() + ":" + p.hash()).toList();
                final Map<Long, String> after = recorder.chain();
                assertEquals(List.of("-" + head + ":" + before.get(head), "-" + (head - 1) + ":" + before.get(head - 1),
                    "+" + (head - 1) + ":" + after.get(head - 1), "+" + head + ":" + after.get(head)), order);
                final List<ChainRecorder.Payment> paid = recorder.payments();
                assertEquals(1, paid.size());
                assertEquals(wei(499), paid.get(0).amount());
                assertEquals(head - 1, paid.get(0).height());
                assertEquals(1, connection.reorgs());
            }
        }
    }

    @Test
    void shouldCarryOnWithNoGapOrDuplicateWhenAnvilStopsAndRestarts() {
        try (AnvilNode node = Anvil.start(new AnvilContext().stateFile(dir.resolve("state.json")))) {
            final AnvilRpc rpc = node.rpc();
            final String from = rpc.accounts().get(0);
            rpc.mine(20);
            final ChainRecorder recorder = SyncHarness.recorder();
            final List<ChainRecorder.Payment> expected = new ArrayList<>();
            try (EthereumConnection connection = new EthereumConnection(SyncHarness.context(node.wsUri()))) {
                connection.start(recorder);
                expected.add(expectedNative(rpc, rpc.sendEth(from, PAYEE, wei(10)), PAYEE_SLOT));
                awaitSynced(recorder, rpc, 10_000);

                node.restart();
                SyncHarness.await("the reconnect", 10_000, () -> connection.client().connects() >= 2 && connection.connected());
                expected.add(expectedNative(rpc, rpc.sendEth(from, PAYEE, wei(11)), PAYEE_SLOT));
                rpc.mine(3);
                awaitSynced(recorder, rpc, 10_000);

                assertSameChain(recorder, rpc, 1);
                assertConnectedOnce(recorder, 1, rpc.blockNumber());
                assertEquals(expected, recorder.payments());
            }
        }
    }

    @Test
    void shouldDisconnectTheBlocksAKilledAnvilForgotAndFollowItsNewChain() throws InterruptedException {
        final AnvilContext anvil = new AnvilContext().stateFile(dir.resolve("state.json")).stateIntervalSeconds(1);
        try (AnvilNode node = Anvil.start(anvil)) {
            final AnvilRpc rpc = node.rpc();
            final String from = rpc.accounts().get(0);
            rpc.mine(10);
            final ChainRecorder recorder = SyncHarness.recorder();
            try (EthereumConnection connection = new EthereumConnection(SyncHarness.context(node.wsUri()))) {
                connection.start(recorder);
                awaitSynced(recorder, rpc, 10_000);
                Thread.sleep(2_500);
                // mined after the last periodic dump (the interval is 1 s): the kill loses them
                rpc.sendEth(from, PAYEE, wei(12));
                rpc.mine(2);
                awaitSynced(recorder, rpc, 10_000);
                final long ourTip = recorder.tipHeight();
                final int mark = recorder.log().size();

                node.kill();
                node.restart();
                final long nodeHead = rpc.blockNumber();
                assertTrue(nodeHead < ourTip, "the kill lost blocks: node at " + nodeHead + ", we at " + ourTip);
                rpc.mine(5);
                awaitSynced(recorder, rpc, 15_000);

                assertSameChain(recorder, rpc, 1);
                final List<ChainRecorder.Published> after = since(recorder, mark);
                final List<Long> disconnected = after.stream().filter(p -> p.kind() == EventKind.BLOCK_DISCONNECTED)
                    .map(ChainRecorder.Published::height).toList();
                final List<Long> lost = new ArrayList<>();
                for (long h = ourTip; h > nodeHead; h--) {
                    lost.add(h);
                }
                assertEquals(lost, disconnected, "the lost blocks, tip first");
                assertEquals(List.of(), recorder.payments(), "the payment was in a lost block");
            }
        }
    }

    @Test
    void shouldResumeFromAJournaledPositionAndUndoAReorgThatHappenedWhileAway() {
        try (AnvilNode node = Anvil.start()) {
            final AnvilRpc rpc = node.rpc();
            final String from = rpc.accounts().get(0);
            rpc.mine(8);
            final ChainRecorder first = SyncHarness.recorder();
            expectedNative(rpc, rpc.sendEth(from, PAYEE, wei(3)), PAYEE_SLOT);
            rpc.mine(2);
            final long tip;
            final List<byte[]> hashes = new ArrayList<>();
            try (EthereumConnection connection = new EthereumConnection(SyncHarness.context(node.wsUri()))) {
                connection.start(first);
                awaitSynced(first, rpc, 10_000);
                tip = first.tipHeight();
                for (long h = tip - 5; h <= tip; h++) {
                    hashes.add(Hex.fromHex(first.chain().get(h)));
                }
            }
            rpc.reorg(3, List.of(ReorgTx.payment(from, PAYEE, wei(4), 1)));
            rpc.mine(2);

            final ChainRecorder second = SyncHarness.recorder();
            second.seed(first.chain());
            final EthereumContext resumed = SyncHarness.context(node.wsUri()).resumeFrom(tip, hashes);
            try (EthereumConnection connection = new EthereumConnection(resumed)) {
                connection.start(second);
                awaitSynced(second, rpc, 10_000);
                assertSameChain(second, rpc, 1);
                final List<String> order = second.log().stream()
                    .map(p -> (p.kind() == EventKind.BLOCK_CONNECTED ? "+" : "-") + p.height()).toList();
                assertEquals(List.of("-" + tip, "-" + (tip - 1), "-" + (tip - 2), "+" + (tip - 2), "+" + (tip - 1), "+" + tip,
                    "+" + (tip + 1), "+" + (tip + 2)), order);
                final List<ChainRecorder.Payment> paid = second.payments();
                assertEquals(wei(4), paid.get(paid.size() - 1).amount());
            }
        }
    }

    @Test
    void shouldReadTheFinalizedAndSafeTagsAndCarryFinalityOnBlocks() {
        try (AnvilNode node = Anvil.start()) {
            final AnvilRpc rpc = node.rpc();
            rpc.mine(100);
            final ChainRecorder recorder = SyncHarness.recorder();
            try (EthereumConnection connection = new EthereumConnection(SyncHarness.context(node.wsUri()))) {
                connection.start(recorder);
                rpc.mine(1);
                awaitSynced(recorder, rpc, 10_000);
                final long finalized = AnvilRpc.longOf(rpc.result("eth_getBlockByNumber", "[\"finalized\",false]").get("number"));
                final long safe = AnvilRpc.longOf(rpc.result("eth_getBlockByNumber", "[\"safe\",false]").get("number"));
                SyncHarness.await("the tags " + finalized + "/" + safe, 5_000,
                    () -> connection.finalizedHeight() == finalized && connection.safeHeight() == safe);
                assertTrue(finalized > 0 && finalized < safe && safe < rpc.blockNumber(), finalized + " < " + safe);
                final List<ChainRecorder.Published> log = recorder.log();
                assertTrue(log.get(log.size() - 1).finalized() > 0, "blocks carry the finalized height");
                assertNull(connection.stopReason());
            }
        }
    }
}
