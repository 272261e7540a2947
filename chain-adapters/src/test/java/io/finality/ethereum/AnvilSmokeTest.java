package io.finality.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Smoke test against a real node: starts anvil on a free loopback port, pays a watched address from a
 * dev account over plain JSON-RPC, fetches the mined block (full transactions) and its receipts as raw
 * bytes, and checks that the scanner finds exactly that payment. Anvil comes from {@code FINALITY_ANVIL}
 * (set by {@code .ci/run}) or {@code .anvil/} in the checkout; without it the test fails in CI
 * ({@code CI} set) and is skipped locally. Only 127.0.0.1 is ever contacted.
 */
class AnvilSmokeTest {
    private static final String ANVIL_IN_CHECKOUT = ".anvil/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
    private static final String RECIPIENT = "0x5eed00000000000000000000000000000000c0de";
    private static final BigInteger ONE_ETH = BigInteger.TEN.pow(18);

    private final AtomicLong ids = new AtomicLong();

    @Test
    void shouldFindANativePaymentMinedByARealAnvil() throws Exception {
        final Path anvil = locateAnvil();
        final int port = freeLoopbackPort();
        final Process process = new ProcessBuilder(anvil.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
            "--chain-id", "31337", "--silent")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            final URI uri = URI.create("http://127.0.0.1:" + port);
            awaitReady(http, uri, process);
            final String from = call(http, uri, "eth_accounts", "[]").get("result").get(0).asString();
            final String txHash = call(http, uri, "eth_sendTransaction",
                "[{\"from\":\"" + from + "\",\"to\":\"" + RECIPIENT + "\",\"value\":\"0x" + ONE_ETH.toString(16) + "\"}]")
                .get("result").asString();
            final String blockNumber = awaitReceipt(http, uri, txHash).get("blockNumber").asString();

            final byte[] block = rawCall(http, uri, "eth_getBlockByNumber", "[\"" + blockNumber + "\",true]");
            final byte[] receipts = rawCall(http, uri, "eth_getBlockReceipts", "[\"" + blockNumber + "\"]");
            final byte[] payload = EthereumPayload.frame(block, receipts);
            final ChainEvent event = new ChainEvent(payload.length, 1 << 20, 4);
            event.reset(EventKind.BLOCK_CONNECTED, ChainId.ETHEREUM_DEV).payload(payload, 0, payload.length);
            final WatchIndex index = WatchIndex.of().watch(ChainId.ETHEREUM_DEV.code(), RECIPIENT, 42);
            final EthereumBlockScanner scanner = new EthereumBlockScanner();

            assertEquals(JsonError.OK, scanner.scan(event, index), () -> JsonError.name(event.scanStatus()) + " at "
                + event.scanErrorOffset() + " in " + new String(payload, StandardCharsets.UTF_8));
            assertEquals(new BigInteger(blockNumber.substring(2), 16).longValueExact(), scanner.block().number());
            final MatchList m = event.matches();
            assertEquals(1, m.outputCount());
            assertEquals(txHash, EthFixtures.hex(m.txids(), 0, 32));
            assertEquals(ONE_ETH, EthFixtures.u128(m.amountHi(0), m.amountLo(0)));
            assertEquals(42, m.invoiceSlot(0));
            assertEquals(EthereumPayload.NATIVE_OUTPUT_INDEX, m.outputIndex(0));
            assertEquals(0, m.flags(0));
            assertTrue(index.probes() >= 1);
        } finally {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        assertTrue(!process.isAlive(), "anvil must be stopped");
    }

    private static Path locateAnvil() {
        final List<Path> candidates = new ArrayList<>();
        final String env = System.getenv("FINALITY_ANVIL");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        final Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        candidates.add(dir.resolve(ANVIL_IN_CHECKOUT));
        if (dir.getParent() != null) {
            candidates.add(dir.getParent().resolve(ANVIL_IN_CHECKOUT));
        }
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        final String message = "anvil not found (looked at " + candidates + "): run .ci/run, or set FINALITY_ANVIL to an anvil 1.7.1 binary"
            + " (npm install --no-save --prefix .anvil @foundry-rs/anvil-linux-amd64@1.7.1)";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.abort(message);
        return null;
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady(final HttpClient http, final URI uri, final Process process) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("anvil exited with " + process.exitValue());
            }
            try {
                if (call(http, uri, "eth_chainId", "[]").get("result").asString().equals("0x7a69")) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(25);
            }
        }
        fail("anvil did not answer on " + uri + " within 20 s");
    }

    /** Anvil with automine may answer a receipt as null right after the send: poll. */
    private JsonNode awaitReceipt(final HttpClient http, final URI uri, final String txHash) throws IOException, InterruptedException {
        for (int i = 0; i < 200; i++) {
            final JsonNode receipt = call(http, uri, "eth_getTransactionReceipt", "[\"" + txHash + "\"]").get("result");
            if (receipt != null && !receipt.isNull()) {
                return receipt;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no receipt for " + txHash);
    }

    private JsonNode call(final HttpClient http, final URI uri, final String method, final String params)
        throws IOException, InterruptedException {
        final JsonNode response = EthFixtures.MAPPER.readTree(rawCall(http, uri, method, params));
        if (response.has("error")) {
            throw new AssertionError(method + " failed: " + response.get("error"));
        }
        return response;
    }

    private byte[] rawCall(final HttpClient http, final URI uri, final String method, final String params)
        throws IOException, InterruptedException {
        final String body = "{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet()
            + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
        final HttpRequest request = HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        final HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), method);
        return response.body();
    }
}
