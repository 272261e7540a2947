package io.finality.ethereum;

import io.finality.core.buffer.Hex;
import io.finality.core.test.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.web3j.protocol.ObjectMapperFactory;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthGetBlockReceipts;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Real mainnet JSON-RPC files from the shared data, and web3j's reading of them (the reference). */
final class EthFixtures {
    static final ObjectMapper MAPPER = ObjectMapperFactory.getObjectMapper();

    private EthFixtures() {
    }

    static byte[] rpc(final String name) {
        return TestData.bytes("ethereum/rpc/" + name);
    }

    static byte[] expected(final String name) {
        return TestData.bytes("ethereum/expected/" + name);
    }

    /** Every eth_getBlockByNumber file of the shared data. */
    static List<String> blockFiles() {
        try (Stream<Path> files = Files.list(TestData.path("ethereum/rpc"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.contains("eth_getBlockByNumber")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every eth_getBlockReceipts file of the shared data. */
    static List<String> receiptFiles() {
        try (Stream<Path> files = Files.list(TestData.path("ethereum/rpc"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.contains("eth_getBlockReceipts")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An eth_getBlockReceipts response assembled from real single-receipt responses (for blocks whose
     * shared data has eth_getTransactionReceipt files only); the receipts are web3j's Jackson's compact
     * re-serialisation of each result, in the order given.
     */
    static byte[] assembledReceipts(final String... receiptFiles) {
        final StringBuilder sb = new StringBuilder("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[");
        for (int i = 0; i < receiptFiles.length; i++) {
            final JsonNode tree = MAPPER.readTree(rpc(receiptFiles[i]));
            sb.append(i == 0 ? "" : ",").append(tree.get("result").toString());
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Block 1755635 (two txs) and its two real receipts. */
    static byte[] receipts1755635() {
        return assembledReceipts(
            "etl_mainnet_1755634_eth_getTransactionReceipt_0x2e3dcd05.json",
            "etl_mainnet_1755634_eth_getTransactionReceipt_0x9a5437ec.json");
    }

    static boolean isEnvelope(final byte[] json) {
        final JsonNode tree = MAPPER.readTree(json);
        return tree.isObject() && (tree.has("jsonrpc") || tree.has("result") || tree.has("error"));
    }

    /** The bytes as a whole JSON-RPC response: web3j maps responses (its deserialisers hang off the response type). */
    static byte[] enveloped(final byte[] json) {
        if (isEnvelope(json)) {
            return json;
        }
        final byte[] head = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":".getBytes(StandardCharsets.US_ASCII);
        final byte[] out = Arrays.copyOf(head, head.length + json.length + 1);
        System.arraycopy(json, 0, out, head.length, json.length);
        out[out.length - 1] = '}';
        return out;
    }

    static EthBlock.Block web3jBlock(final byte[] json) {
        return MAPPER.readValue(enveloped(json), EthBlock.class).getBlock();
    }

    static List<TransactionReceipt> web3jReceipts(final byte[] json) {
        return MAPPER.readValue(enveloped(json), EthGetBlockReceipts.class).getBlockReceipts().orElseThrow();
    }

    static String hex(final DirectBuffer buffer, final int offset, final int length) {
        return "0x" + Hex.toHex(buffer, offset, length);
    }

    static BigInteger u256(final long w3, final long w2, final long w1, final long w0) {
        BigInteger v = BigInteger.ZERO;
        for (long w : new long[] {w3, w2, w1, w0}) {
            v = v.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(w)));
        }
        return v;
    }

    static BigInteger u128(final long hi, final long lo) {
        return u256(0, 0, hi, lo);
    }

    /** One transaction as our decoder saw it. */
    record Tx(int index, String hash, String from, String to, BigInteger value, String input) {
    }

    /** One log as our decoder saw it. */
    record Log(int txIndex, String txHash, int status, String address, List<String> topics, String data, long logIndex) {
    }

    /** Decode a block with our decoder, collecting its transactions; returns null after adding the status to {@code status}. */
    static List<Tx> ourTransactions(final BlockJsonDecoder decoder, final byte[] json, final int[] status) {
        final List<Tx> txs = new ArrayList<>();
        final DirectBuffer buffer = new UnsafeBuffer(json);
        status[0] = decoder.decode(buffer, 0, json.length, d -> txs.add(new Tx(
            d.txIndex(),
            hex(d.txHash(), 0, 32),
            hex(d.from(), 0, 20),
            d.hasTo() ? hex(d.to(), 0, 20) : null,
            u256(d.value3(), d.value2(), d.value1(), d.value0()),
            "0x" + new String(json, d.inputOffset(), d.inputLength(), StandardCharsets.US_ASCII))));
        return txs;
    }
}
