package io.finality.tools.cli;

import static io.finality.tools.RegtestPayments.pay;
import static io.finality.tools.RegtestPayments.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinAddressCodec;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.p2p.LoopbackPeer;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.tools.Finality;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code finality run} end to end, in-process: the command reads a finality.yaml, connects over the
 * Bitcoin P2P protocol to a loopback peer on 127.0.0.1, serves the HTTP API; an invoice opened over
 * HTTP is paid in a mined block and confirmed, its events read back over HTTP; after a shutdown and
 * a restart on the same data directory (the connection re-syncs the chain from genesis) the events
 * are exactly the same, with no duplicate.
 */
class RunCommandTest {
    private static final String TOKEN = "run-test-token-0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern LISTENING = Pattern.compile("api 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldConfirmAPaymentOverHttpAndKeepTheSameEventsAcrossARestart() throws Exception {
        final RegtestChain chain = new RegtestChain();
        chain.mine(List.of());
        try (LoopbackPeer peer = new LoopbackPeer(chain).start()) {
            final Path config = config(peer.port());
            final long expiresAt = System.currentTimeMillis() + 3_600_000;

            final Running first = new Running(config);
            final JsonNode opened = first.post("/v1/invoices", "{\"invoiceId\":\"run-1\",\"chain\":\"bitcoin-regtest\",\"address\":\""
                + address("run-1") + "\",\"amount\":\"0.5\",\"expiresAt\":" + expiresAt + ",\"orderId\":\"order-77\"}", 201);
            assertEquals("OPEN", opened.get("status").stringValue());
            peer.mine(List.of(pay(1, "run-1", 50_000_000)));
            peer.mineEmpty(2);
            final JsonNode events = first.awaitEvents("run-1", e -> types(e).contains("INVOICE_CONFIRMED"));
            assertEquals(List.of("INVOICE_OPENED", "PAYMENT_IN_BLOCK", "INVOICE_CONFIRMING", "INVOICE_CONFIRMED"), types(events),
                events.toString());
            for (JsonNode e : events) {
                assertEquals("order-77", e.get("orderId").stringValue());
            }
            final List<Long> sequences = sequences(events);
            final long written = first.eventsWritten();
            assertEquals(0, first.stop(), first.output());
            assertTrue(first.output().contains("finality stopped"), first.output());

            // Restart on the same data: the connection starts again from genesis and re-sends blocks 1..4.
            final Running second = new Running(config);
            // A second invoice paid in a new block 5: once its payment is seen, blocks 1..4 went through too.
            second.post("/v1/invoices", "{\"invoiceId\":\"run-2\",\"chain\":\"bitcoin-regtest\",\"address\":\"" + address("run-2")
                + "\",\"amount\":\"0.001\",\"expiresAt\":" + expiresAt + "}", 201);
            peer.mine(List.of(pay(2, "run-2", 100_000)));
            second.awaitEvents("run-2", e -> types(e).contains("INVOICE_CONFIRMED"));
            final JsonNode bitcoin = second.get("/health", 200).get("chains").get("bitcoin-regtest");
            assertTrue(bitcoin.get("connected").booleanValue(), bitcoin.toString());
            assertEquals(peer.tipHeight(), bitcoin.get("height").longValue(), bitcoin.toString());
            final JsonNode again = second.get("/v1/invoices/run-1/events", 200);
            assertEquals(sequences, sequences(again), "events of run-1 changed across the restart: " + again);
            assertEquals(events, again);
            assertTrue(second.eventsWritten() > written);
            final List<Long> all = new ArrayList<>(sequences);
            all.addAll(sequences(second.get("/v1/invoices/run-2/events", 200)));
            assertEquals(all.stream().distinct().count(), all.size(), "duplicate sequence in " + all);
            assertEquals(0, second.stop(), second.output());
        } finally {
            http.close();
        }
        assertFalse(Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.isAlive() && (t.getName().startsWith("finality-api") || t.getName().equals("finality-tick"))));
    }

    @Test
    void shouldRefuseAnInvalidConfigurationWithExitTwo() throws Exception {
        final Path bad = Files.writeString(dir.resolve("bad.yaml"), "data_dir: data\napi:\n  port: 0\n");
        final StringWriter err = new StringWriter();
        final CommandLine cli = Finality.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        assertEquals(RunCommand.INVALID, cli.execute("run", "--config", bad.toString()));
        assertTrue(err.toString().contains("api.token_file"), err.toString());
        final Path typo = Files.writeString(dir.resolve("typo.yaml"), "data_dir: data\nbitcoin:\n  network: regtest\n"
            + "  node: 127.0.0.1:1\n  start_heigth: 5\n");
        assertEquals(RunCommand.INVALID, cli.execute("run", "--config", typo.toString()));
        assertTrue(err.toString().contains("bitcoin.start_heigth"), err.toString());
        assertFalse(Files.exists(dir.resolve("data")), "nothing may be created for an invalid configuration");
    }

    private Path config(final int peerPort) throws Exception {
        Files.writeString(dir.resolve("api.token"), TOKEN + "\n");
        return Files.writeString(dir.resolve("finality.yaml"), String.join("\n",
            "data_dir: data",
            "api:",
            "  bind: 127.0.0.1",
            "  port: 0",
            "  token_file: api.token",
            "bitcoin:",
            "  network: regtest",
            "  node: 127.0.0.1:" + peerPort,
            "pipeline:",
            "  ring_size: 64",
            "  max_payload_bytes: 1MiB",
            "  memory_budget_bytes: 128MiB",
            "journal:",
            "  durability: none",
            "  snapshot_every_steps: 3",
            ""));
    }

    /** One in-process {@code finality run}, stopped by interrupting its thread. */
    private final class Running {
        private final StringWriter out = new StringWriter();
        private final AtomicInteger rc = new AtomicInteger(-1);
        private final Thread thread;
        private final int port;

        Running(final Path config) throws InterruptedException {
            final CommandLine cli = Finality.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(out, true));
            thread = new Thread(() -> rc.set(cli.execute("run", "--config", config.toString())), "run-under-test");
            thread.start();
            final long deadline = System.currentTimeMillis() + 20_000;
            Matcher m = LISTENING.matcher(out.toString());
            while (!m.find()) {
                assertTrue(System.currentTimeMillis() < deadline && thread.isAlive(), "run did not start:\n" + out);
                Thread.sleep(20);
                m = LISTENING.matcher(out.toString());
            }
            port = Integer.parseInt(m.group(1));
        }

        String output() {
            return out.toString();
        }

        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(20_000);
            assertFalse(thread.isAlive(), "run did not stop");
            return rc.get();
        }

        JsonNode post(final String path, final String body, final int status) throws Exception {
            return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)), status);
        }

        JsonNode get(final String path, final int status) throws Exception {
            return send(HttpRequest.newBuilder(uri(path)).GET(), status);
        }

        long eventsWritten() throws Exception {
            final HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/metrics")).header("Authorization", "Bearer " + TOKEN)
                .build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith("finality_events_written_total ")) {
                    return Long.parseLong(line.substring(line.indexOf(' ') + 1));
                }
            }
            throw new AssertionError(r.body());
        }

        JsonNode awaitEvents(final String id, final Predicate<JsonNode> done) throws Exception {
            final long deadline = System.currentTimeMillis() + 20_000;
            JsonNode events = get("/v1/invoices/" + id + "/events", 200);
            while (!done.test(events)) {
                assertTrue(System.currentTimeMillis() < deadline, "events of " + id + " incomplete: " + events + "\n" + out);
                Thread.sleep(50);
                events = get("/v1/invoices/" + id + "/events", 200);
            }
            return events;
        }

        private URI uri(final String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        private JsonNode send(final HttpRequest.Builder request, final int status) throws Exception {
            final HttpResponse<String> r = http.send(request.header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(status, r.statusCode(), r.body());
            return JSON.readTree(r.body());
        }
    }

    private static List<String> types(final JsonNode events) {
        final List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.get("type").stringValue()));
        return out;
    }

    private static List<Long> sequences(final JsonNode events) {
        final List<Long> out = new ArrayList<>();
        events.forEach(e -> out.add(e.get("sequence").longValue()));
        return out;
    }

    private static String address(final String id) {
        return BitcoinAddressCodec.fromScript(script(id), BitcoinNetwork.REGTEST);
    }
}
