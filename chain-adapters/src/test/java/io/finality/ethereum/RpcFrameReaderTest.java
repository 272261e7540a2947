package io.finality.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The envelope reader against hand-made frames, the real mainnet responses, every truncation and random mutations. */
class RpcFrameReaderTest {
    private final RpcFrameReader reader = new RpcFrameReader();

    private int read(final String json) {
        final byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return reader.read(new UnsafeBuffer(b), 0, b.length);
    }

    @Test
    void shouldRouteAResponseByIdWhereverTheIdSits() {
        assertEquals(RpcFrameReader.RESPONSE, read("{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":\"0x1f\"}"));
        assertEquals(42, reader.id());
        assertEquals(RpcFrameReader.RESPONSE, read("{\"result\":{\"a\":[1,2,{\"b\":null}]} , \"jsonrpc\":\"2.0\", \"id\" : 7 }"));
        assertEquals(7, reader.id());
        assertFalse(reader.isError());
    }

    @Test
    void shouldReadQuantityAndStringResults() {
        final byte[] b = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x50\"}".getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer v = new UnsafeBuffer(b);
        assertEquals(RpcFrameReader.RESPONSE, reader.read(v, 0, b.length));
        assertEquals(0x50, reader.resultAsLong(v));
        assertEquals("0x50", reader.resultAsString(v));
    }

    @Test
    void shouldReadErrorsAndNullResults() {
        final byte[] b = "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}"
            .getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer v = new UnsafeBuffer(b);
        assertEquals(RpcFrameReader.RESPONSE, reader.read(v, 0, b.length));
        assertTrue(reader.isError());
        assertEquals(-32601, reader.errorCode());
        assertEquals("Method not found", reader.errorMessage(v));
        assertEquals(RpcFrameReader.RESPONSE, read("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":null}"));
        assertTrue(reader.resultNull());
        assertEquals(-1, reader.resultAsLong(v));
    }

    @Test
    void shouldTreatIdsThatAreNotOursAsNoId() {
        for (String id : new String[] {"null", "\"7\"", "1.5", "-2", "1e3", "12345678901234567890"}) {
            assertEquals(RpcFrameReader.RESPONSE, read("{\"id\":" + id + ",\"result\":1}"), id);
            assertEquals(RpcFrameReader.NO_ID, reader.id(), id);
        }
    }

    @Test
    void shouldReadSubscriptionNotifications() {
        final String n = "{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\",\"params\":{\"subscription\":\"0xabc\","
            + "\"result\":{\"number\":\"0x5\"}}}";
        final byte[] b = n.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer v = new UnsafeBuffer(b);
        assertEquals(RpcFrameReader.NOTIFICATION, reader.read(v, 0, b.length));
        assertEquals("0xabc", v.getStringWithoutLengthAscii(reader.subscriptionOffset(), reader.subscriptionLength()));
        assertEquals("{\"number\":\"0x5\"}", v.getStringWithoutLengthAscii(reader.resultOffset(), reader.resultLength()));
        assertEquals(RpcFrameReader.MALFORMED, read("{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\",\"params\":{\"result\":1}}"));
    }

    @Test
    void shouldSplitABatchIntoItsResponses() {
        final String batch = "[{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"0x2\"}, {\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-1}}]";
        final byte[] b = batch.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer v = new UnsafeBuffer(b);
        assertEquals(RpcFrameReader.BATCH, reader.read(v, 0, b.length));
        assertEquals(2, reader.elementCount());
        assertEquals(RpcFrameReader.RESPONSE, reader.readElement(v, 0));
        assertEquals(2, reader.id());
        assertEquals(2, reader.resultAsLong(v));
        assertEquals(RpcFrameReader.RESPONSE, reader.readElement(v, 1));
        assertEquals(1, reader.id());
        assertEquals(-1, reader.errorCode());
        assertEquals(RpcFrameReader.MALFORMED, read("[1,2]"));
    }

    @Test
    void shouldFindTheResultOfEveryRealResponse() {
        for (String name : EthFixtures.blockFiles()) {
            final byte[] json = EthFixtures.enveloped(EthFixtures.rpc(name));
            final UnsafeBuffer v = new UnsafeBuffer(json);
            assertEquals(RpcFrameReader.RESPONSE, reader.read(v, 0, json.length), name);
            final JsonNode expected = EthFixtures.MAPPER.readTree(json).get("result");
            final JsonNode ours = EthFixtures.MAPPER.readTree(v.getStringWithoutLengthUtf8(reader.resultOffset(), reader.resultLength()));
            assertEquals(expected, ours, name);
        }
    }

    @Test
    void shouldRefuseEveryTruncationWithoutThrowing() {
        final byte[] json = EthFixtures.enveloped(EthFixtures.rpc("etl_mainnet_483920_eth_getBlockReceipts.json"));
        final UnsafeBuffer v = new UnsafeBuffer(json);
        int end = json.length;
        while (end > 0 && Character.isWhitespace(json[end - 1])) {
            end--;
        }
        for (int n = 0; n < end; n++) {
            assertEquals(RpcFrameReader.MALFORMED, reader.read(v, 0, n), "prefix of " + n + " bytes");
            assertNotEquals(JsonError.OK, reader.error());
        }
    }

    @Test
    void shouldNeverThrowOnMutatedFrames() {
        final long seed = Long.getLong("finality.seed", 20261121L);
        final Random random = new Random(seed);
        final byte[] original = EthFixtures.enveloped(EthFixtures.rpc("etl_mainnet_483920_eth_getBlockByNumber_full.json"));
        final int rounds = io.finality.core.test.TestScale.pick(2_000, 50_000);
        for (int i = 0; i < rounds; i++) {
            final byte[] m = original.clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                m[random.nextInt(m.length)] = (byte)random.nextInt(256);
            }
            final int length = random.nextInt(4) == 0 ? random.nextInt(m.length) : m.length;
            try {
                final int kind = reader.read(new UnsafeBuffer(m), 0, length);
                assertTrue(kind == RpcFrameReader.RESPONSE || kind == RpcFrameReader.MALFORMED
                    || kind == RpcFrameReader.NOTIFICATION || kind == RpcFrameReader.BATCH, "seed " + seed + " round " + i);
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + seed + " round " + i + " threw", ex);
            }
        }
    }
}
