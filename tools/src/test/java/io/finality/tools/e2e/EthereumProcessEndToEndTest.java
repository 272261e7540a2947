package io.finality.tools.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.ethereum.devnet.AnvilNode;
import io.finality.ethereum.devnet.AnvilRpc;
import io.finality.ethereum.node.Anvil;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code finality run} as its own process against a real anvil: invoices in ETH and in a configured ERC-20 opened with
 * {@code finality invoice open}, payments, an {@code anvil_reorg} that removes the token payment, the token paid again,
 * 12 confirmations; the journal read with {@code finality tail} must hold the exact events. Then SIGTERM and kill -9,
 * each followed by a restart that resumes from the journal and one more payment: the journal only grows by that
 * payment's events, gap-free, nothing twice.
 */
@Timeout(180)
class EthereumProcessEndToEndTest {
    private static final String TOKEN = "e2e-token-0123456789abcdef";
    private static final long EXPIRES = 4_000_000_000_000L;
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldJournalTheExactEthereumEventsAndResumeAcrossSigtermAndKillNine() throws Exception {
        final Path data = dir.resolve("data");
        try (AnvilNode anvil = Anvil.start()) {
            final AnvilRpc rpc = anvil.rpc();
            final String from = rpc.accounts().get(0);
            final String token = rpc.deployToken(from, ETHER.multiply(BigInteger.valueOf(1_000_000)));
            final Path config = config(anvil, token);
            final List<String> journal;
            try (FinalityProcess node = FinalityProcess.start(config, TOKEN)) {
                awaitApplied(node, rpc);
                open(node, "eth-e2e-1", address(1), "0.75", null);
                open(node, "eth-e2e-2", address(2), "12.5", "TST");
                rpc.awaitReceipt(rpc.sendEth(from, address(1), ETHER.multiply(BigInteger.valueOf(3)).divide(BigInteger.valueOf(4))));
                rpc.awaitReceipt(rpc.transferToken(token, from, address(2), ETHER.multiply(BigInteger.valueOf(25)).divide(BigInteger.TWO)));
                awaitApplied(node, rpc);
                rpc.reorg(1, List.of());
                awaitApplied(node, rpc);
                rpc.awaitReceipt(rpc.transferToken(token, from, address(2), ETHER.multiply(BigInteger.valueOf(25)).divide(BigInteger.TWO)));
                rpc.mine(12);
                awaitApplied(node, rpc);

                journal = JournalReader.awaitEvents(data, 10);
                assertEquals(List.of(
                    "1 INVOICE_OPENED eth-e2e-1 AWAITING_PAYMENT 0 []",
                    "2 INVOICE_OPENED eth-e2e-2 AWAITING_PAYMENT 0 []",
                    "3 PAYMENT_IN_BLOCK eth-e2e-1 CONFIRMING 750000000000000000 [IN_BLOCK]",
                    "4 INVOICE_CONFIRMING eth-e2e-1 CONFIRMING 0 []",
                    "5 PAYMENT_IN_BLOCK eth-e2e-2 CONFIRMING 12500000000000000000 [IN_BLOCK]",
                    "6 INVOICE_CONFIRMING eth-e2e-2 CONFIRMING 0 []",
                    // the reorg removed the block with the token payment: reverted, back to awaiting payment
                    "7 PAYMENT_REVERTED eth-e2e-2 AWAITING_PAYMENT 12500000000000000000 [REVERTED]",
                    "8 PAYMENT_IN_BLOCK eth-e2e-2 CONFIRMING 12500000000000000000 [IN_BLOCK]",
                    "9 INVOICE_CONFIRMING eth-e2e-2 CONFIRMING 0 []",
                    "10 INVOICE_CONFIRMED eth-e2e-1 CONFIRMED 0 []",
                    "11 INVOICE_CONFIRMED eth-e2e-2 CONFIRMED 0 []"), JournalReader.summaries(journal), String.join("\n", journal));
                JournalReader.checkGapFreeAndUnique(journal);
                assertEquals(token, JournalReader.JSON.readTree(journal.get(10)).get("asset").stringValue());
                assertEquals(143, node.terminate(), node.output());
            }
            final List<String> afterSigterm = restartAndPayOnce(config, rpc, data, journal, "eth-e2e-3", 3, false);
            final List<String> afterKill = restartAndPayOnce(config, rpc, data, afterSigterm, "eth-e2e-4", 4, true);
            assertEquals(journal.size() + 6, afterKill.size(), "three events per restart-and-pay round");
        } finally {
            http.close();
        }
    }

    /** Restart, pay one new invoice in one block, stop (SIGTERM, or kill -9); the journal only grows by its events. */
    private List<String> restartAndPayOnce(final Path config, final AnvilRpc rpc, final Path data, final List<String> before,
        final String id, final int n, final boolean kill) throws Exception {
        try (FinalityProcess node = FinalityProcess.start(config, TOKEN)) {
            awaitApplied(node, rpc);
            assertEquals(before, JournalReader.tail(data), "a restart added or changed events before anything happened");
            open(node, id, address(n), "0.01", null);
            rpc.awaitReceipt(rpc.sendEth(rpc.accounts().get(0), address(n), ETHER.divide(BigInteger.valueOf(100))));
            awaitApplied(node, rpc);
            final List<String> after = JournalReader.awaitEvents(data, before.size() + 2);
            assertEquals(before, after.subList(0, before.size()), "the journal before the restart must be untouched");
            final int s = before.size();
            assertEquals(List.of(
                (s + 1) + " INVOICE_OPENED " + id + " AWAITING_PAYMENT 0 []",
                (s + 2) + " PAYMENT_IN_BLOCK " + id + " CONFIRMING 10000000000000000 [IN_BLOCK]"),
                JournalReader.summaries(after.subList(s, Math.min(after.size(), s + 2))));
            final List<String> settled = JournalReader.awaitEvents(data, s + 3);
            assertEquals((s + 3) + " INVOICE_CONFIRMING " + id + " CONFIRMING 0 []", JournalReader.summaries(settled).get(s + 2));
            JournalReader.checkGapFreeAndUnique(settled);
            assertEquals(kill ? 137 : 143, kill ? node.kill() : node.terminate(), node.output());
            return settled;
        }
    }

    /** Wait until the process applied anvil's head (health: connected, applied height) and its ring is empty. */
    private void awaitApplied(final FinalityProcess node, final AnvilRpc rpc) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            final long head = rpc.blockNumber();
            final JsonNode health = node.health(http, TOKEN);
            final JsonNode eth = health.get("chains").get("ethereum-dev");
            if (eth.get("connected").booleanValue() && eth.get("appliedHeight").longValue() == head
                && eth.get("height").longValue() == head && health.get("ring").get("backlog").longValue() == 0) {
                Thread.sleep(100);
                if (node.health(http, TOKEN).get("ring").get("backlog").longValue() == 0) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "node did not reach height " + head + ": " + health + "\n" + node.output());
            Thread.sleep(25);
        }
    }

    private void open(final FinalityProcess node, final String id, final String address, final String amount, final String asset)
        throws Exception {
        final List<String> options = new ArrayList<>(List.of("--id", id, "--chain", "ethereum-dev", "--address", address,
            "--amount", amount, "--expires-at", Long.toString(EXPIRES)));
        if (asset != null) {
            options.addAll(List.of("--asset", asset));
        }
        final JsonNode answer = node.openInvoice(Files.writeString(dir.resolve("cli.token"), TOKEN), options.toArray(String[]::new));
        assertEquals("OPEN", answer.get("status").stringValue());
    }

    private static String address(final int n) {
        return String.format("0x5eed%036x", n);
    }

    private Path config(final AnvilNode anvil, final String token) throws Exception {
        return Files.writeString(dir.resolve("finality.yaml"), String.join("\n",
            "data_dir: data",
            "api:",
            "  port: 0",
            "  token_env: FINALITY_API_TOKEN",
            "ethereum:",
            "  chain: ethereum-dev",
            "  node: " + anvil.wsUri(),
            "  pending_transactions: false         # automine: a pending stage would race with the block",
            "  tokens:",
            "    - { symbol: TST, contract: \"" + token + "\", decimals: 18 }",
            "pipeline:",
            "  ring_size: 64",
            "  max_payload_bytes: 1MiB",
            "  memory_budget_bytes: 128MiB",
            "journal:",
            "  durability: async",
            "  snapshot_every_steps: 5",
            ""));
    }
}
