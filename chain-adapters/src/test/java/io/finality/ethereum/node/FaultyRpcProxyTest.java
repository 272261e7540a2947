package io.finality.ethereum.node;

import io.finality.ethereum.devnet.AnvilNode;
import io.finality.ethereum.devnet.AnvilRpc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@link FaultyRpcProxy} in front of a real anvil, driven by the JDK's WebSocket client: honest pass-through
 * (single, batch, subscriptions), each fault, and dropping the connection. Honest answers are compared with what
 * anvil says over HTTP.
 */
class FaultyRpcProxyTest {
    private static final long TIMEOUT_MS = 10_000;

    private static AnvilNode node;
    private FaultyRpcProxy proxy;
    private WsClient ws;

    @BeforeAll
    static void startAnvil() {
        node = Anvil.start();
    }

    @AfterAll
    static void stopAnvil() {
        if (node != null) {
            node.close();
        }
    }

    @BeforeEach
    void connect() {
        proxy = FaultyRpcProxy.start(node.wsUri());
        ws = WsClient.connect(proxy.uri());
    }

    @AfterEach
    void disconnect() {
        ws.close();
        proxy.close();
    }

    @Test
    void shouldPassRequestsAndBatchesThroughAndCountEachMethod() {
        node.rpc().mine(2);
        assertEquals("0x7a69", ws.call(1, "eth_chainId", "[]").get("result").asString());
        assertEquals(node.rpc().blockNumber(), AnvilRpc.longOf(ws.call(2, "eth_blockNumber", "[]").get("result")));

        ws.send("[" + request(3, "eth_chainId", "[]") + "," + request(4, "eth_getBlockByNumber", "[\"0x1\",false]") + "]");
        final JsonNode batch = AnvilRpc.MAPPER.readTree(ws.next());
        assertTrue(batch.isArray());
        assertEquals(2, batch.size());
        assertEquals(node.rpc().blockHash(1), batch.get(1).get("result").get("hash").asString());

        assertEquals(2, proxy.requests("eth_chainId"));
        assertEquals(1, proxy.requests("eth_blockNumber"));
        assertEquals(1, proxy.requests("eth_getBlockByNumber"));
        assertEquals(0, proxy.requests("eth_getLogs"));
        assertEquals(1, proxy.connections());
    }

    @Test
    void shouldAnswerAnErrorWithoutForwardingForTheArmedNumberOfRequests() {
        proxy.failMethod("eth_sendTransaction", 2, -32601, "method not found");
        final String from = node.rpc().accounts().get(0);
        final String payee = "0x5eed00000000000000000000000000000000a001";
        final String tx = "[{\"from\":\"" + from + "\",\"to\":\"" + payee + "\",\"value\":\"0x10\"}]";
        for (int id = 1; id <= 2; id++) {
            final JsonNode answer = ws.call(id, "eth_sendTransaction", tx);
            assertEquals(id, answer.get("id").asInt());
            assertEquals(-32601, answer.get("error").get("code").asInt());
            assertEquals("method not found", answer.get("error").get("message").asString());
        }
        assertEquals(BigInteger.ZERO, node.rpc().balance(payee), "not forwarded");
        final String hash = ws.call(3, "eth_sendTransaction", tx).get("result").asString();
        assertEquals(1, AnvilRpc.longOf(node.rpc().awaitReceipt(hash).get("status")));
        assertEquals(3, proxy.requests("eth_sendTransaction"));
    }

    @Test
    void shouldReplaceAnswersWithNullGarbageOrAHugeFrameOnce() {
        proxy.nullResult("eth_blockNumber", 1).garbage("eth_chainId", 1).oversize("eth_gasPrice", 1, 3 << 20);

        final JsonNode nulled = ws.call(1, "eth_blockNumber", "[]");
        assertEquals(1, nulled.get("id").asInt());
        assertTrue(nulled.get("result").isNull());
        assertEquals(node.rpc().blockNumber(), AnvilRpc.longOf(ws.call(2, "eth_blockNumber", "[]").get("result")));

        ws.send(request(3, "eth_chainId", "[]"));
        final String garbage = ws.next();
        assertThrows(JacksonException.class, () -> AnvilRpc.MAPPER.readTree(garbage));
        assertTrue(garbage.contains("\"id\":3"), garbage);
        assertEquals("0x7a69", ws.call(4, "eth_chainId", "[]").get("result").asString());

        ws.send(request(5, "eth_gasPrice", "[]"));
        final String huge = ws.next();
        assertEquals(3 << 20, huge.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(5, AnvilRpc.MAPPER.readTree(huge).get("id").asInt());
        assertTrue(ws.call(6, "eth_gasPrice", "[]").get("result").asString().length() < 40);
    }

    @Test
    void shouldSwallowTheAnswerButForwardTheRequest() {
        proxy.swallow("eth_sendTransaction", 1);
        final String payee = "0x5eed00000000000000000000000000000000a002";
        ws.send(request(1, "eth_sendTransaction", "[{\"from\":\"" + node.rpc().accounts().get(0) + "\",\"to\":\"" + payee
            + "\",\"value\":\"0x20\"}]"));
        assertNull(ws.poll(500), "no answer");
        assertEquals("0x7a69", ws.call(2, "eth_chainId", "[]").get("result").asString(), "the connection still works");
        assertEquals(BigInteger.valueOf(0x20), awaitBalance(payee), "the node executed it");
    }

    @Test
    void shouldRelaySubscriptionNotifications() {
        final String subscription = ws.call(1, "eth_subscribe", "[\"newHeads\"]").get("result").asString();
        node.rpc().mine(1);
        final JsonNode notification = AnvilRpc.MAPPER.readTree(ws.next());
        assertEquals("eth_subscription", notification.get("method").asString());
        assertEquals(subscription, notification.get("params").get("subscription").asString());
        final long number = AnvilRpc.longOf(notification.get("params").get("result").get("number"));
        assertEquals(node.rpc().blockHash(number), notification.get("params").get("result").get("hash").asString());
    }

    @Test
    void shouldDropTheConnectionAndAcceptANewOne() {
        assertEquals("0x7a69", ws.call(1, "eth_chainId", "[]").get("result").asString());
        proxy.dropConnection();
        ws.awaitClosed();
        ws.close();
        ws = WsClient.connect(proxy.uri());
        assertEquals("0x7a69", ws.call(2, "eth_chainId", "[]").get("result").asString());
        assertEquals(2, proxy.connections());
    }

    @Test
    void shouldCloseTheClientWhenTheNodeGoesAwayAndServeItAgainAfterARestart() {
        try (AnvilNode own = Anvil.start(); FaultyRpcProxy ownProxy = FaultyRpcProxy.start(own.wsUri())) {
            final WsClient client = WsClient.connect(ownProxy.uri());
            try {
                assertEquals("0x7a69", client.call(1, "eth_chainId", "[]").get("result").asString());
                own.kill();
                client.awaitClosed();
            } finally {
                client.close();
            }
            own.restart();
            try (WsClient again = WsClient.connect(ownProxy.uri())) {
                assertEquals("0x7a69", again.call(2, "eth_chainId", "[]").get("result").asString());
            }
            assertEquals(2, ownProxy.connections());
        }
    }

    private static BigInteger awaitBalance(final String address) {
        final long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        BigInteger balance = node.rpc().balance(address);
        while (balance.signum() == 0 && System.currentTimeMillis() < deadline) {
            pause();
            balance = node.rpc().balance(address);
        }
        return balance;
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static String request(final long id, final String method, final String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    /**
     * A JDK WebSocket client that queues whole text messages. Its listener runs on the JDK client's threads;
     * the queue hands messages to the test thread.
     */
    static final class WsClient implements WebSocket.Listener, AutoCloseable {
        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final HttpClient http = HttpClient.newHttpClient();
        private WebSocket socket;

        static WsClient connect(final URI uri) {
            final WsClient client = new WsClient();
            client.socket = client.http.newWebSocketBuilder().buildAsync(uri, client).join();
            return client;
        }

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(final WebSocket webSocket, final Throwable error) {
            closed.complete(-1);
        }

        void send(final String text) {
            socket.sendText(text, true).join();
        }

        JsonNode call(final long id, final String method, final String params) {
            send(request(id, method, params));
            return AnvilRpc.MAPPER.readTree(next());
        }

        String next() {
            final String message = poll(TIMEOUT_MS);
            if (message == null) {
                throw new AssertionError("no message within " + TIMEOUT_MS + " ms");
            }
            return message;
        }

        String poll(final long millis) {
            try {
                return messages.poll(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        void awaitClosed() {
            closed.orTimeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).join();
        }

        @Override
        public void close() {
            socket.abort();
            http.close();
        }
    }
}
