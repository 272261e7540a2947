package io.finality.tools.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinAddressCodec;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.pipeline.PipelineContext;
import io.finality.engine.journal.JournalContext;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.node.NodeContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP API against a real node (RocksDB store, ring, engine, Chronicle journal) over real HTTP:
 * every bad-input class gets its 4xx with a JSON error naming the problem and leaves the node
 * exactly as it was; the happy path and idempotency behave as a gateway relies on.
 */
class HttpApiTest {
    private static final String TOKEN = "test-token-0123456789abcdef";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private FinalityNode node;
    private HttpApi api;
    private HttpClient http;
    private long expiresAt;

    @BeforeEach
    void start() {
        node = new FinalityNode(new NodeContext().dataDirectory(dir)
            .pipeline(new PipelineContext().ringSize(64).maxPayloadBytes(64 * 1024).memoryBudgetBytes(64L << 20))
            .durability(JournalContext.Durability.NONE));
        api = new HttpApi(new ApiContext().port(0).token(TOKEN), node).start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        expiresAt = System.currentTimeMillis() + 3_600_000;
    }

    @AfterEach
    void stop() throws InterruptedException {
        http.close();
        api.close();
        node.close();
        final long deadline = System.currentTimeMillis() + 3_000;
        while (apiThreads() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, apiThreads(), "API threads still alive after close");
    }

    @Test
    void shouldOpenGetListEventsAndCancel() throws Exception {
        final HttpResponse<String> created = send("POST", "/v1/invoices", body("inv-1", address("a"), "0.005"), TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("/v1/invoices/inv-1", created.headers().firstValue("location").orElseThrow());
        // A second invoice: its events must not show up in inv-1's list.
        assertEquals(201, send("POST", "/v1/invoices", body("inv-2", address("b"), "1"), TOKEN).statusCode());

        final JsonNode got = json(send("GET", "/v1/invoices/inv-1", null, TOKEN), 200);
        assertEquals("inv-1", got.get("invoiceId").stringValue());
        assertEquals("bitcoin-regtest", got.get("chain").stringValue());
        assertEquals(address("a"), got.get("address").stringValue());
        assertEquals("0.00500000", got.get("amount").stringValue());
        assertEquals(expiresAt, got.get("expiresAt").longValue());
        assertEquals("order-inv-1", got.get("orderId").stringValue());
        assertEquals("OPEN", got.get("status").stringValue());

        assertTrue(node.awaitApplied(5_000));
        assertEquals(List.of("INVOICE_OPENED"), types(json(send("GET", "/v1/invoices/inv-1/events", null, TOKEN), 200)));

        final JsonNode cancelled = json(send("POST", "/v1/invoices/inv-1/cancel", "", TOKEN), 200);
        assertEquals("CANCELLED", cancelled.get("status").stringValue());
        assertTrue(node.awaitApplied(5_000));
        final JsonNode events = json(send("GET", "/v1/invoices/inv-1/events", null, TOKEN), 200);
        assertEquals(List.of("INVOICE_OPENED", "INVOICE_CANCELLED"), types(events));
        assertTrue(events.get(0).get("sequence").longValue() < events.get(1).get("sequence").longValue());
        for (JsonNode e : events) {
            assertEquals("inv-1", e.get("invoiceId").stringValue());
        }
        assertEquals(List.of("INVOICE_OPENED"), types(json(send("GET", "/v1/invoices/inv-2/events", null, TOKEN), 200)));

        final JsonNode byOrder = json(send("GET", "/v1/search?orderId=order-inv-2", null, TOKEN), 200);
        assertEquals("[\"inv-2\"]", byOrder.get("invoiceIds").toString());
        final JsonNode byAddress = json(send("GET", "/v1/search?chain=bitcoin-regtest&address=" + address("b"), null, TOKEN), 200);
        assertEquals("[\"inv-2\"]", byAddress.get("invoiceIds").toString());
        // The key index holds open invoices only: the cancelled inv-1 no longer watches its address.
        final JsonNode cancelledAddress = json(send("GET", "/v1/search?chain=bitcoin-regtest&address=" + address("a"), null, TOKEN),
            200);
        assertEquals(0, cancelledAddress.get("invoiceIds").size());
        final JsonNode none = json(send("GET", "/v1/search?orderId=nobody", null, TOKEN), 200);
        assertEquals(0, none.get("invoiceIds").size());
    }

    @Test
    void shouldReplayAnIdenticalOpenWith200AndNoSecondEvent() throws Exception {
        final String request = body("inv-r", address("r"), "0.1");
        assertEquals(201, send("POST", "/v1/invoices", request, TOKEN).statusCode());
        assertTrue(node.awaitApplied(5_000));
        final State before = state();
        final HttpResponse<String> replay = send("POST", "/v1/invoices", request, TOKEN);
        assertEquals(200, replay.statusCode(), replay.body());
        assertEquals("inv-r", JSON.readTree(replay.body()).get("invoiceId").stringValue());
        assertEquals(before, state());
    }

    @Test
    void shouldRefuseAConflictingReopenWith409() throws Exception {
        assertEquals(201, send("POST", "/v1/invoices", body("inv-c", address("c"), "0.1"), TOKEN).statusCode());
        assertTrue(node.awaitApplied(5_000));
        final State before = state();
        final JsonNode error = json(send("POST", "/v1/invoices", body("inv-c", address("c"), "0.2"), TOKEN), 409);
        assertEquals("invoiceId", error.get("field").stringValue());
        assertEquals(before, state());
        assertEquals("0.10000000", json(send("GET", "/v1/invoices/inv-c", null, TOKEN), 200).get("amount").stringValue());
    }

    @Test
    void shouldRefuseMalformedJson() throws Exception {
        for (String bad : List.of("{", "not json", "[1,2]", "{\"invoiceId\":\"x\"} trailing", "\"just a string\"",
            "{\"invoiceId\":\"inv-x\",\"invoiceId\":\"inv-y\"}")) {
            final JsonNode error = refused("POST", "/v1/invoices", bad, TOKEN, 400);
            assertFalse(error.get("error").stringValue().isEmpty(), bad);
        }
        assertAbsent("inv-x");
    }

    @Test
    void shouldRefuseMissingOrMistypedFieldsNamingThem() throws Exception {
        assertEquals("address", refused("POST", "/v1/invoices",
            "{\"invoiceId\":\"inv-x\",\"chain\":\"bitcoin-regtest\",\"amount\":\"1\",\"expiresAt\":" + expiresAt + "}",
            TOKEN, 400).get("field").stringValue());
        assertEquals("amount", refused("POST", "/v1/invoices",
            "{\"invoiceId\":\"inv-x\",\"chain\":\"bitcoin-regtest\",\"address\":\"" + address("x") + "\",\"amount\":1,\"expiresAt\":"
                + expiresAt + "}", TOKEN, 400).get("field").stringValue());
        assertEquals("expiresAt", refused("POST", "/v1/invoices",
            "{\"invoiceId\":\"inv-x\",\"chain\":\"bitcoin-regtest\",\"address\":\"" + address("x") + "\",\"amount\":\"1\",\"expiresAt\":"
                + "\"soon\"}", TOKEN, 400).get("field").stringValue());
        assertEquals("colour", refused("POST", "/v1/invoices",
            body("inv-x", address("x"), "1").replace("{", "{\"colour\":\"red\","), TOKEN, 400).get("field").stringValue());
        assertEquals("invoiceId", refused("POST", "/v1/invoices", body("bad id!", address("x"), "1"), TOKEN, 400)
            .get("field").stringValue());
        assertAbsent("inv-x");
    }

    @Test
    void shouldRefuseAnUnknownChain() throws Exception {
        final JsonNode error = refused("POST", "/v1/invoices",
            body("inv-x", address("x"), "1").replace("bitcoin-regtest", "dogecoin"), TOKEN, 400);
        assertEquals("chain", error.get("field").stringValue());
        assertTrue(error.get("error").stringValue().contains("dogecoin"), error.toString());
        assertAbsent("inv-x");
    }

    @Test
    void shouldRefuseAnAddressOfAnotherNetwork() throws Exception {
        final String mainnet = BitcoinAddressCodec.fromScript(script("x"), BitcoinNetwork.MAINNET);
        assertEquals("address", refused("POST", "/v1/invoices", body("inv-x", mainnet, "1"), TOKEN, 400).get("field").stringValue());
        assertEquals("address", refused("POST", "/v1/invoices", body("inv-x", "bcrt1qnotanaddress", "1"), TOKEN, 400)
            .get("field").stringValue());
        assertAbsent("inv-x");
    }

    @Test
    void shouldRefuseNegativeZeroAndTooPreciseAmounts() throws Exception {
        for (String amount : List.of("-1", "0", "0.000000000", "0.123456789", "1e3", "", "abc", "1.2.3")) {
            final JsonNode error = refused("POST", "/v1/invoices", body("inv-x", address("x"), amount), TOKEN, 400);
            assertEquals("amount", error.get("field").stringValue(), amount + " -> " + error);
        }
        assertAbsent("inv-x");
    }

    @Test
    void shouldRefuseMissingAndWrongTokens() throws Exception {
        final String request = body("inv-x", address("x"), "1");
        refused("POST", "/v1/invoices", request, null, 401);
        refused("POST", "/v1/invoices", request, TOKEN + "x", 401);
        refused("POST", "/v1/invoices", request, TOKEN.substring(1), 401);
        refused("GET", "/metrics", null, null, 401);
        refused("GET", "/v1/invoices/inv-x", null, "wrong-token-0123456789", 401);
        // Health needs no token, and says nothing secret.
        final JsonNode health = json(send("GET", "/health", null, null), 200);
        assertEquals("ok", health.get("status").stringValue());
        assertAbsent("inv-x");
    }

    @Test
    void shouldRefuseAnOversizedBodyWith413WithoutReadingIt() throws Exception {
        for (int size : new int[] {ApiContext.DEFAULT_MAX_BODY_BYTES, 256 * 1024, 4 << 20, ApiContext.DEFAULT_MAX_BODY_BYTES}) {
            final String padding = "x".repeat(size);
            final String request = body("inv-x", address("x"), "1").replace("}", ",\"correlationId\":\"" + padding + "\"}");
            final JsonNode error = refused("POST", "/v1/invoices", request, TOKEN, 413);
            assertTrue(error.get("error").stringValue().contains(String.valueOf(ApiContext.DEFAULT_MAX_BODY_BYTES)), error.toString());
        }
        // Just under the limit is read (and refused for its content, not its size).
        final String under = body("inv-x", address("x"), "1").replace("}", ",\"correlationId\":\"" + "y".repeat(60_000) + "\"}");
        final JsonNode tooLong = refused("POST", "/v1/invoices", under, TOKEN, 400);
        assertEquals("correlationId", tooLong.get("field").stringValue(), tooLong.toString());
        assertAbsent("inv-x");
    }

    @Test
    void shouldAnswerUnknownPathsAndWrongMethods() throws Exception {
        refused("GET", "/v2/invoices", null, TOKEN, 404);
        refused("GET", "/v1/invoices/inv-x/refund", null, TOKEN, 404);
        refused("GET", "/v1/invoices/nobody", null, TOKEN, 404);
        refused("GET", "/v1/invoices/nobody/events", null, TOKEN, 404);
        refused("POST", "/v1/invoices/nobody/cancel", "", TOKEN, 404);
        refused("GET", "/v1/invoices", null, TOKEN, 405);
        refused("DELETE", "/v1/invoices/inv-x", null, TOKEN, 405);
        refused("POST", "/health", "", null, 405);
        refused("GET", "/v1/search?orderId=a&txid=b", null, TOKEN, 400);
        refused("GET", "/v1/search?txid=zz", null, TOKEN, 400);
        refused("GET", "/v1/search?address=" + address("x"), null, TOKEN, 400);
        assertAbsent("inv-x");
    }

    @Test
    void shouldExposeCountersAsPrometheusText() throws Exception {
        assertEquals(201, send("POST", "/v1/invoices", body("inv-m", address("m"), "1"), TOKEN).statusCode());
        assertTrue(node.awaitApplied(5_000));
        final HttpResponse<String> metrics = send("GET", "/metrics", null, TOKEN);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        final String text = metrics.body();
        assertEquals(node.pipeline().counters().published(), metric(text, "finality_ring_published_total"));
        assertEquals(1, metric(text, "finality_events_written_total"));
        assertEquals(0, metric(text, "finality_errors_total{kind=\"scanErrors\"}"));
        assertEquals(0, metric(text, "finality_ring_backlog"));
        final JsonNode ring = json(send("GET", "/health", null, null), 200).get("ring");
        assertEquals(node.pipeline().counters().published(), ring.get("published").longValue());
        assertNotEquals(0, ring.get("applied").longValue());
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrder() throws Exception {
        assertEquals(201, send("POST", "/v1/invoices", body("inv-p", address("p"), "1"), TOKEN).statusCode());
        final StringBuilder requests = new StringBuilder();
        final List<String> paths = List.of("/v1/invoices/inv-p/events", "/v1/invoices/nobody", "/health", "/v1/invoices/inv-p",
            "/v2", "/v1/search?orderId=order-inv-p", "/v1/invoices/inv-p/events", "/v1/invoices/nobody");
        for (String path : paths) {
            requests.append("GET ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ").append(TOKEN)
                .append("\r\n\r\n");
        }
        final List<Integer> statuses = new ArrayList<>();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            final java.io.InputStream in = socket.getInputStream();
            final StringBuilder received = new StringBuilder();
            while (statuses.size() < paths.size()) {
                final int b = in.read();
                assertTrue(b >= 0, "connection closed after " + statuses + ": " + received);
                received.append((char)b);
                final java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTP/1\\.1 (\\d{3}) [^\r]*\r\n$")
                    .matcher(received);
                if (m.find()) {
                    statuses.add(Integer.parseInt(m.group(1)));
                    received.setLength(0);
                }
            }
        }
        assertEquals(List.of(200, 404, 200, 200, 404, 200, 200, 404), statuses);
    }

    private static long metric(final String text, final String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no " + name + " in\n" + text);
    }

    private JsonNode refused(final String method, final String path, final String body, final String token, final int status)
        throws Exception {
        assertTrue(node.awaitApplied(5_000));
        final State before = state();
        final JsonNode error = json(send(method, path, body, token), status);
        assertTrue(error.has("error") && error.has("field"), error.toString());
        assertTrue(node.awaitApplied(5_000));
        assertEquals(before, state(), method + " " + path + " changed state");
        return error;
    }

    private void assertAbsent(final String id) throws Exception {
        json(send("GET", "/v1/invoices/" + id, null, TOKEN), 404);
    }

    /** What a refused request must leave untouched: the store's next slot, ring and journal. */
    private record State(int nextSlot, long published, long events) {
    }

    private State state() {
        return new State(node.store().nextSlot(), node.pipeline().counters().published(), node.eventsWritten());
    }

    private static JsonNode json(final HttpResponse<String> response, final int status) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    private static List<String> types(final JsonNode events) {
        final List<String> out = new ArrayList<>();
        for (JsonNode e : events) {
            out.add(e.get("type").stringValue());
        }
        return out;
    }

    private HttpResponse<String> send(final String method, final String path, final String body, final String token)
        throws IOException, InterruptedException {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String body(final String id, final String address, final String amount) {
        return "{\"invoiceId\":\"" + id + "\",\"chain\":\"bitcoin-regtest\",\"address\":\"" + address + "\",\"amount\":\""
            + amount + "\",\"expiresAt\":" + expiresAt + ",\"orderId\":\"order-" + id + "\"}";
    }

    private static String address(final String seed) {
        return BitcoinAddressCodec.fromScript(script(seed), BitcoinNetwork.REGTEST);
    }

    private static byte[] script(final String seed) {
        final byte[] hash = RegtestChain.sha256d(seed.getBytes(StandardCharsets.US_ASCII));
        final byte[] s = new byte[22];
        s[1] = 0x14;
        System.arraycopy(hash, 0, s, 2, 20);
        return s;
    }

    private static long apiThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith("finality-api")).count();
    }
}
