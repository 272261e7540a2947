package io.finality.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The header-only decode equals Jackson on every real block response, with and without full transactions. */
class BlockHeaderDecodeTest {
    private final BlockJsonDecoder reader = new BlockJsonDecoder();

    @Test
    void shouldReadNumberHashAndParentOfEveryRealBlock() {
        for (String name : EthFixtures.blockFiles()) {
            final byte[] json = EthFixtures.rpc(name);
            assertEquals(JsonError.OK, reader.decodeHeader(new UnsafeBuffer(json), 0, json.length), name);
            final JsonNode block = EthFixtures.MAPPER.readTree(EthFixtures.enveloped(json)).get("result");
            assertEquals(new BigInteger(block.get("number").asString().substring(2), 16).longValueExact(), reader.number(), name);
            assertEquals(block.get("hash").asString(), "0x" + io.finality.core.buffer.Hex.toHex(reader.blockHash(), 0, 32), name);
            assertEquals(block.get("parentHash").asString(), "0x" + io.finality.core.buffer.Hex.toHex(reader.parentHash(), 0, 32), name);
        }
    }

    @Test
    void shouldReadAHeaderWithTransactionHashesOnlyAndRefuseNullsAndErrors() {
        final String header = "{\"number\":\"0x10\",\"timestamp\":\"0x5\",\"hash\":\"0x" + "ab".repeat(32)
            + "\",\"transactions\":[\"0x" + "01".repeat(32)
            + "\"],\"parentHash\":\"0x" + "cd".repeat(32) + "\"}";
        assertEquals(JsonError.OK, read(header));
        assertEquals(16, reader.number());
        assertEquals(JsonError.NULL_RESULT, read("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}"));
        assertEquals(JsonError.RPC_ERROR, read("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"x\"}}"));
        assertEquals(JsonError.MISSING_FIELD, read("{\"number\":\"0x10\",\"hash\":\"0x" + "ab".repeat(32) + "\"}"));
        assertEquals(JsonError.BAD_HEX, read("{\"number\":\"0x10\",\"hash\":\"0x12\",\"parentHash\":\"0x34\",\"timestamp\":\"0x1\"}"));
    }

    private int read(final String json) {
        final byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return reader.decodeHeader(new UnsafeBuffer(b), 0, b.length);
    }
}
