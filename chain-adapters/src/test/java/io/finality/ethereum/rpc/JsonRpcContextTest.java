package io.finality.ethereum.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Endpoint rules, and that what logs show of an endpoint never carries its secret. */
class JsonRpcContextTest {
    @Test
    void shouldShowOnlySchemeHostAndPortOfAnEndpoint() {
        assertEquals("ws://127.0.0.1:8545", new JsonRpcContext().uri(URI.create("ws://127.0.0.1:8545")).redactedUri());
        final String keyed = new JsonRpcContext().uri(URI.create("ws://node.internal:8546/v3/0123456789abcdefSECRET")).redactedUri();
        assertEquals("ws://node.internal:8546/...", keyed);
        final String user = new JsonRpcContext().uri(URI.create("ws://user:SECRET@node.internal:8546")).redactedUri();
        assertFalse(user.contains("SECRET"), user);
        final String query = new JsonRpcContext().uri(URI.create("ws://node.internal/?key=SECRET")).redactedUri();
        assertFalse(query.contains("SECRET"), query);
    }

    @Test
    void shouldRefuseEndpointsItCannotUse() {
        assertThrows(IllegalArgumentException.class, () -> new JsonRpcContext().uri(URI.create("http://127.0.0.1:8545")));
        assertThrows(IllegalArgumentException.class, () -> new JsonRpcContext().uri(URI.create("wss://127.0.0.1:8545")));
        assertThrows(IllegalArgumentException.class, () -> new JsonRpcContext().maxFrameBytes(100));
        assertThrows(IllegalArgumentException.class, () -> new JsonRpcContext().requestTimeoutMs(0));
        assertThrows(IllegalArgumentException.class, () -> new JsonRpcContext().backoffMs(10, 5));
    }
}
