package io.finality.tools.e2e;

import static io.finality.tools.RegtestPayments.pay;
import static io.finality.tools.RegtestPayments.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinAddressCodec;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.p2p.LoopbackPeer;
import io.finality.bitcoin.regtest.RegtestChain;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The real process end to end: {@code finality run} in its own JVM, synced over the Bitcoin P2P protocol from
 * a loopback peer; invoices opened over HTTP with {@code finality invoice open}; an exact, an under- and an
 * overpayment mined, then a reorg that drops the underpayment; the journal read back with {@code finality tail}
 * and compared with the exact event sequence. The process is then stopped with SIGTERM and restarted on the
 * same data directory, and later killed with SIGKILL and restarted: each time one more paid block follows, and
 * the journal must be the same prefix plus only the new events, gap-free, with no event twice.
 */
@Timeout(180)
class FinalityProcessEndToEndTest {
    private static final String TOKEN = "e2e-token-0123456789abcdef";
    private static final long EXPIRES = 4_000_000_000_000L;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldJournalTheExactEventsAndNeitherLoseNorRepeatAnyAcrossSigtermAndKillNine() throws Exception {
        final RegtestChain chain = new RegtestChain();
        chain.mine(List.of());
        final Path data = dir.resolve("data");
        try (LoopbackPeer peer = new LoopbackPeer(chain).start()) {
            final Path config = config(peer.port());
            final List<String> journal;
            try (FinalityProcess first = FinalityProcess.start(config, TOKEN)) {
                awaitApplied(first, peer);
                open(first, "e2e-exact", "0.001", "order-1");
                open(first, "e2e-under", "0.002", "order-2");
                open(first, "e2e-over", "0.003", "order-3");
                peer.mine(List.of(pay(1, "e2e-exact", 100_000)));
                final byte[] over = pay(3, "e2e-over", 400_000);
                peer.mine(List.of(pay(2, "e2e-under", 150_000), over));
                awaitApplied(first, peer);
                // the block with the under- and the overpayment is replaced by two blocks holding only the overpayment
                peer.reorg(1, List.of(List.of(over), List.of()));
                awaitApplied(first, peer);

                journal = JournalReader.tail(data);
                assertEquals(List.of(
                    "1 INVOICE_OPENED e2e-exact AWAITING_PAYMENT 0 []",
                    "2 INVOICE_OPENED e2e-under AWAITING_PAYMENT 0 []",
                    "3 INVOICE_OPENED e2e-over AWAITING_PAYMENT 0 []",
                    "4 PAYMENT_IN_BLOCK e2e-exact CONFIRMED 100000 [IN_BLOCK]",
                    "5 INVOICE_CONFIRMED e2e-exact CONFIRMED 0 []",
                    // an underpayment moves the status; INVOICE_UNDERPAID is the verdict at expiry, not here
                    "6 PAYMENT_IN_BLOCK e2e-under UNDERPAID 150000 [IN_BLOCK]",
                    "7 PAYMENT_IN_BLOCK e2e-over CONFIRMED 400000 [IN_BLOCK, OVERPAID]",
                    "8 INVOICE_CONFIRMED e2e-over CONFIRMED 0 [OVERPAID]",
                    "9 OVERPAID e2e-over CONFIRMED 0 [OVERPAID]",
                    // the reorg: the dropped block's payments revert (tip first, in payment order), the confirmed one alarms
                    "10 PAYMENT_REVERTED e2e-under AWAITING_PAYMENT 150000 [REVERTED]",
                    "11 PAYMENT_REVERTED e2e-over AWAITING_PAYMENT 400000 [REVERTED]",
                    "12 CONFIRMATION_REVERTED e2e-over AWAITING_PAYMENT 0 []",
                    // the new branch holds the overpayment again: confirmed again, the underpayment is gone
                    "13 PAYMENT_IN_BLOCK e2e-over CONFIRMED 400000 [IN_BLOCK, OVERPAID]",
                    "14 INVOICE_CONFIRMED e2e-over CONFIRMED 0 [OVERPAID]",
                    "15 OVERPAID e2e-over CONFIRMED 0 [OVERPAID]"), JournalReader.summaries(journal), String.join("\n", journal));
                for (String line : journal) {
                    final JsonNode e = JournalReader.JSON.readTree(line);
                    final int n = List.of("e2e-exact", "e2e-under", "e2e-over").indexOf(e.get("invoiceId").stringValue()) + 1;
                    assertEquals("order-" + n, e.get("orderId").stringValue(), "the order id is echoed in every event: " + line);
                    if ("INVOICE_OPENED".equals(e.get("type").stringValue())) {
                        assertTrue(e.get("timestampMs").longValue() > 1_600_000_000_000L, "an API step carries its receive time: " + line);
                    }
                }
                assertEquals(143, first.terminate(), "SIGTERM ends the JVM through its shutdown hook:\n" + first.output());
            }
            final List<String> afterSigterm = restartAndPayOnce(config, peer, data, journal, "e2e-sigterm", 4);
            final List<String> afterKill;
            try (FinalityProcess third = FinalityProcess.start(config, TOKEN)) {
                awaitApplied(third, peer);
                assertEquals(afterSigterm, JournalReader.tail(data), "nothing changed while it was down and restarted");
                assertEquals(137, third.kill());
            }
            afterKill = restartAndPayOnce(config, peer, data, afterSigterm, "e2e-kill", 5);
            assertEquals(afterSigterm.size() + 3, afterKill.size());
        } finally {
            http.close();
        }
    }

    /** Restart on the same data, open one invoice, pay it in one new block; the journal must only grow by its events. */
    private List<String> restartAndPayOnce(final Path config, final LoopbackPeer peer, final Path data, final List<String> before,
        final String id, final int coin) throws Exception {
        try (FinalityProcess node = FinalityProcess.start(config, TOKEN)) {
            awaitApplied(node, peer);
            assertEquals(before, JournalReader.tail(data), "a restart added or changed events before anything happened");
            open(node, id, "0.0005", "order-" + id);
            peer.mine(List.of(pay(coin, id, 50_000)));
            awaitApplied(node, peer);
            final List<String> after = JournalReader.awaitEvents(data, before.size() + 3);
            assertEquals(before, after.subList(0, before.size()), "the journal before the restart must be untouched");
            final long n = before.size();
            assertEquals(List.of(
                (n + 1) + " INVOICE_OPENED " + id + " AWAITING_PAYMENT 0 []",
                (n + 2) + " PAYMENT_IN_BLOCK " + id + " CONFIRMED 50000 [IN_BLOCK]",
                (n + 3) + " INVOICE_CONFIRMED " + id + " CONFIRMED 0 []"),
                JournalReader.summaries(after.subList(before.size(), after.size())));
            JournalReader.checkGapFreeAndUnique(after);
            assertEquals(143, node.terminate(), node.output());
            return after;
        }
    }

    /** Wait until the process applied the peer's best height (health: connection and engine) and its ring is empty. */
    private void awaitApplied(final FinalityProcess node, final LoopbackPeer peer) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            final JsonNode health = node.health(http, TOKEN);
            final JsonNode bitcoin = health.get("chains").get("bitcoin-regtest");
            if (bitcoin.get("connected").booleanValue() && bitcoin.get("appliedHeight").longValue() == peer.tipHeight()
                && bitcoin.get("height").longValue() == peer.tipHeight() && health.get("ring").get("backlog").longValue() == 0) {
                return;
            }
            assertTrue(System.nanoTime() < deadline,
                "node did not reach height " + peer.tipHeight() + ": " + health + "\n" + node.output());
            Thread.sleep(25);
        }
    }

    /** {@code finality invoice open} against the process's API, the token read from a file. */
    private void open(final FinalityProcess node, final String id, final String amount, final String orderId) throws Exception {
        final JsonNode answer = node.openInvoice(Files.writeString(dir.resolve("cli.token"), TOKEN), "--id", id, "--chain",
            "bitcoin-regtest", "--address", BitcoinAddressCodec.fromScript(script(id), BitcoinNetwork.REGTEST), "--amount", amount,
            "--expires-at", Long.toString(EXPIRES), "--order-id", orderId);
        assertEquals("OPEN", answer.get("status").stringValue());
    }

    private Path config(final int peerPort) throws Exception {
        return Files.writeString(dir.resolve("finality.yaml"), String.join("\n",
            "data_dir: data",
            "api:",
            "  port: 0",
            "  token_env: FINALITY_API_TOKEN",
            "bitcoin:",
            "  network: regtest",
            "  node: 127.0.0.1:" + peerPort,
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
