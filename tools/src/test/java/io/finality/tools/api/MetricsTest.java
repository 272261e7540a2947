package io.finality.tools.api;

import static io.finality.tools.RegtestPayments.pay;
import static io.finality.tools.RegtestPayments.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinAddressCodec;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.p2p.LoopbackPeer;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.event.PaymentEventType;
import io.finality.tools.run.NodeRunner;
import io.finality.tools.run.RunConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /metrics} and {@code /health} of a real node ({@link NodeRunner}: P2P connection to a loopback peer,
 * ring, matcher, engine, journal, HTTP API) through a real flow: invoices opened over HTTP, a matching and an
 * unrelated mempool transaction, a block paying both invoices, then a one-block reorg onto two empty blocks.
 * Every counter must move by exactly what the flow implies (transaction counts taken from the blocks the test
 * built), events by type must equal the events the API lists, and the whole page must parse as Prometheus text.
 */
@Timeout(120)
class MetricsTest {
    private static final String TOKEN = "metrics-test-token-0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CHAIN = "bitcoin-regtest";
    /** name{labels} value, as the exposition format allows (label values here never hold escapes). */
    private static final Pattern SAMPLE = Pattern.compile(
        "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"\\\\\\n]*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"\\\\\\n]*\")*\\})? "
            + "(NaN|[+-]Inf|-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?)");
    private static final Pattern META = Pattern.compile("# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int port;

    @Test
    void shouldMoveEveryCounterByExactlyWhatARealFlowImplies() throws Exception {
        final RegtestChain chain = new RegtestChain();
        chain.mine(List.of());
        try (LoopbackPeer peer = new LoopbackPeer(chain).start();
            NodeRunner runner = new NodeRunner(RunConfig.load(config(peer.port()))).start()) {
            port = runner.apiPort();
            await("the first block", () -> metric(scrape(), "finality_blocks_connected_total", CHAIN) == 1);
            final Map<String, Double> before = scrape();

            open("m-a", "0.001");
            open("m-b", "0.002");
            // one mempool transaction paying m-b, one paying nobody: both scanned, one matched and journaled
            final byte[] mempoolPay = pay(1, "m-b", 200_000);
            peer.addTransaction(mempoolPay);
            peer.addTransaction(pay(2, "nobody", 5_000));
            await("two mempool transactions", () -> delta(before, scrape(), "finality_transactions_scanned_total", CHAIN) == 2);

            final RegtestChain.BuiltBlock paid = peer.mine(List.of(pay(3, "m-a", 100_000), mempoolPay, pay(4, "nobody", 7_000)));
            await("the paying block", () -> metric(scrape(), "finality_blocks_connected_total", CHAIN) == 2);
            peer.reorg(1, 2);
            await("the reorg", () -> metric(scrape(), "finality_blocks_connected_total", CHAIN) == 4
                && runner.node().awaitApplied(5_000));
            final int unauthorised = send("GET", "/metrics", "wrong-token-0000000000").statusCode();
            assertEquals(401, unauthorised);
            // refused by the body limit before the request handler: counted all the same
            assertEquals(413, send("POST", "/v1/invoices", TOKEN, "x".repeat(ApiContext.DEFAULT_MAX_BODY_BYTES + 1)).statusCode());

            final String page = send("GET", "/metrics", TOKEN).body();
            final Map<String, Double> after = parse(page);
            final long blockTxs = paid.txids().size();
            assertEquals(4, blockTxs, "coinbase and three payments");
            assertEquals(3, delta(before, after, "finality_blocks_connected_total", CHAIN), "the paying block and the two of the branch");
            assertEquals(1, delta(before, after, "finality_blocks_disconnected_total", CHAIN));
            assertEquals(1, delta(before, after, "finality_reorgs_total", CHAIN));
            // 2 mempool + the paying block's 4 + a coinbase in each of the two empty blocks
            assertEquals(2 + blockTxs + 2, delta(before, after, "finality_transactions_scanned_total", CHAIN));
            // the mempool payment, then in the block the payments to m-a and m-b
            assertEquals(3, after.get("finality_matches_total{chain=\"bitcoin-regtest\",kind=\"output\"}")
                - before.get("finality_matches_total{chain=\"bitcoin-regtest\",kind=\"output\"}"));
            // every paying transaction also reports the outpoints it spends (one input each: the mempool one and the two mined)
            assertEquals(3, after.get("finality_matches_total{chain=\"bitcoin-regtest\",kind=\"spend\"}")
                - before.get("finality_matches_total{chain=\"bitcoin-regtest\",kind=\"spend\"}"));
            assertEquals(3, delta(before, after, "finality_detection_latency_seconds_count", "kind=\"block\""), "one per connected block");
            assertEquals(1, delta(before, after, "finality_detection_latency_seconds_count", "kind=\"mempool\""), "the matched one only");
            final double p50 = after.get("finality_detection_latency_seconds{kind=\"block\",quantile=\"0.5\"}");
            final double max = after.get("finality_detection_latency_seconds{kind=\"block\",quantile=\"1.0\"}");
            final double sum = after.get("finality_detection_latency_seconds_sum{kind=\"block\"}");
            assertTrue(p50 > 0 && p50 <= max && max < 30 && sum >= max && sum <= 4 * max * 1.01, page);
            assertTrue(after.get("finality_last_step_age_seconds") < 30, page);
            assertEquals(0, after.get("finality_ring_backlog"));
            // no probe helper in this node (pipeline.scan_helper off), so nothing to take over
            assertEquals(0, after.get("finality_scan_helper_takeovers_total"), page);
            // two invoices and three spent outpoints grow neither index from its initial size (FinalityNodeIndexPausesTest grows one)
            for (String index : List.of("scripts", "outpoints")) {
                assertEquals(0, after.get("finality_matcher_pauses_total{index=\"" + index + "\"}"), page);
                assertEquals(0, after.get("finality_matcher_pause_max_seconds{index=\"" + index + "\"}"), page);
            }
            assertEquals(2, delta(before, after, "finality_errors_total", "kind=\"apiClientErrors\""), "the 401 and the 413");
            for (String kind : List.of("scanErrors", "engineErrors", "malformedSteps", "unscannedSlots", "truncatedFields", "journalFailed",
                "apiServerErrors")) {
                assertEquals(0, after.get("finality_errors_total{kind=\"" + kind + "\"}"), kind);
            }
            assertEquals(1, after.get("finality_chain_connected{chain=\"bitcoin-regtest\"}"));
            assertEquals(peer.tipHeight(), after.get("finality_chain_height{chain=\"bitcoin-regtest\"}"));
            assertEquals(0, after.get("finality_chain_errors_total{chain=\"bitcoin-regtest\",kind=\"BAD_CHECKSUM\"}"));

            // events by type: exactly the events the API lists for the two invoices (nothing else happened)
            final Map<String, Integer> listed = new HashMap<>();
            for (String id : List.of("m-a", "m-b")) {
                for (JsonNode e : get("/v1/invoices/" + id + "/events")) {
                    listed.merge(e.get("type").stringValue(), 1, Integer::sum);
                }
            }
            assertTrue(listed.getOrDefault("PAYMENT_REVERTED", 0) >= 2, listed.toString());
            long total = 0;
            for (PaymentEventType type : PaymentEventType.values()) {
                final double counted = after.get("finality_events_total{type=\"" + type.name() + "\"}");
                assertEquals(listed.getOrDefault(type.name(), 0), (int) counted, type.name());
                total += (long) counted;
            }
            assertEquals(total, delta(before, after, "finality_events_written_total", null));

            final JsonNode health = get("/health").get("chains").get(CHAIN);
            assertTrue(health.get("connected").booleanValue(), health.toString());
            assertEquals(peer.tipHeight(), health.get("height").longValue());
            assertEquals(peer.tipHeight(), health.get("appliedHeight").longValue());
            // the node's tip as its headers showed it; everything applied, so no lag
            assertEquals(0, health.get("lag").longValue(), health.toString());
        } finally {
            http.close();
        }
    }

    /** The page parsed strictly: every family announced once by HELP and TYPE before its samples, no series twice. */
    private static Map<String, Double> parse(final String page) {
        final Map<String, Double> samples = new LinkedHashMap<>();
        final Map<String, String> types = new HashMap<>();
        final Set<String> helped = new HashSet<>();
        for (String line : page.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            final Matcher meta = META.matcher(line);
            if (meta.matches()) {
                if ("HELP".equals(meta.group(1))) {
                    assertTrue(helped.add(meta.group(2)), "HELP twice for " + meta.group(2));
                } else {
                    assertTrue(Set.of("counter", "gauge", "summary").contains(meta.group(3)), line);
                    assertEquals(null, types.put(meta.group(2), meta.group(3)), "TYPE twice for " + meta.group(2));
                }
                continue;
            }
            final Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a Prometheus sample: '" + line + "'");
            final String family = m.group(1).replaceAll("_(sum|count)$", "");
            assertTrue(types.containsKey(m.group(1)) || "summary".equals(types.get(family)), "sample before its TYPE: " + line);
            if (m.group(1).endsWith("_total")) {
                assertEquals("counter", types.get(m.group(1)), line);
            }
            final String series = m.group(1) + (m.group(2) == null ? "" : m.group(2));
            assertEquals(null, samples.put(series, Double.parseDouble(m.group(4))), "series twice: " + series);
        }
        return samples;
    }

    private static double metric(final Map<String, Double> samples, final String name, final String chain) {
        return samples.getOrDefault(name + "{chain=\"" + chain + "\"}", 0.0);
    }

    private static double delta(final Map<String, Double> before, final Map<String, Double> after, final String name, final String label) {
        final String series = label == null ? name : label.contains("=") ? name + "{" + label + "}" : name + "{chain=\"" + label + "\"}";
        assertTrue(after.containsKey(series), "missing " + series);
        return after.get(series) - before.getOrDefault(series, 0.0);
    }

    private Map<String, Double> scrape() throws Exception {
        final HttpResponse<String> r = send("GET", "/metrics", TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        return parse(r.body());
    }

    private void open(final String id, final String amount) throws Exception {
        final String body = "{\"invoiceId\":\"" + id + "\",\"chain\":\"" + CHAIN + "\",\"address\":\""
            + BitcoinAddressCodec.fromScript(script(id), BitcoinNetwork.REGTEST) + "\",\"amount\":\"" + amount
            + "\",\"expiresAt\":4000000000000}";
        final HttpResponse<String> r = send("POST", "/v1/invoices", TOKEN, body);
        assertEquals(201, r.statusCode(), r.body());
    }

    private JsonNode get(final String path) throws Exception {
        final HttpResponse<String> r = send("GET", path, TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(final String method, final String path, final String token) throws Exception {
        return send(method, path, token, null);
    }

    private HttpResponse<String> send(final String method, final String path, final String token, final String body) throws Exception {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(final String what, final Check check) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!check.ok()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    private Path config(final int peerPort) throws Exception {
        Files.writeString(dir.resolve("api.token"), TOKEN);
        return Files.writeString(dir.resolve("finality.yaml"), String.join("\n",
            "data_dir: data",
            "api:",
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
            ""));
    }
}
