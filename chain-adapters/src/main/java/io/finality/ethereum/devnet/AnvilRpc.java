package io.finality.ethereum.devnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plain JSON-RPC over HTTP (java.net.http) to an anvil on 127.0.0.1, with typed helpers for what the demo and the tests do:
 * dev accounts, payments, receipts, mining, automine, reorgs and the test contracts. In tests it is their own
 * independent view of the node, used to set scenes up and as the reference the code under test is compared with.
 *
 * <p>Any thread (the HTTP client and the id counter are thread-safe); calls block.
 */
public final class AnvilRpc implements AutoCloseable {
    /** A JSON mapper for parsing anvil's answers. */
    public static final ObjectMapper MAPPER = JsonMapper.builder().build();
    /**
     * Gas for transactions meant to revert. Their gas estimation fails; anvil 1.7.1's eth_sendTransaction then falls
     * back to the block gas limit (30 M) and still mines them with status 0, but an explicit limit keeps such
     * transactions ordinary-sized and independent of that fallback.
     */
    public static final long REVERT_GAS = 200_000;

    private static final int RECEIPT_POLLS = 400;
    private static final long RECEIPT_POLL_MILLIS = 25;

    private final URI uri;
    private final HttpClient http;
    private final AtomicLong ids = new AtomicLong();

    /** A client of the node at {@code uri} (http://127.0.0.1:port). */
    public AnvilRpc(final URI uri) {
        if (!"127.0.0.1".equals(uri.getHost())) {
            throw new IllegalArgumentException("loopback only: " + uri);
        }
        this.uri = uri;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** The response bytes of {@code method} with {@code paramsJson} (a JSON array), whatever they say. */
    public byte[] rawCall(final String method, final String paramsJson) {
        final String body = "{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet() + ",\"method\":\"" + method + "\",\"params\":"
            + paramsJson + "}";
        final HttpRequest request = HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        try {
            final HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException(method + ": HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        }
    }

    /** The whole response of {@code method}, which must not be an error. */
    public JsonNode call(final String method, final String paramsJson) {
        final JsonNode response = MAPPER.readTree(rawCall(method, paramsJson));
        if (response.has("error")) {
            throw new RpcException(method, response.get("error"));
        }
        return response;
    }

    /** The {@code result} of {@code method} (a JSON null node when the node answered null). */
    public JsonNode result(final String method, final String paramsJson) {
        return call(method, paramsJson).get("result");
    }

    /** eth_chainId. */
    public long chainId() {
        return longOf(result("eth_chainId", "[]"));
    }

    /** The ten funded dev accounts (eth_accounts). */
    public List<String> accounts() {
        final List<String> out = new ArrayList<>();
        for (JsonNode a : result("eth_accounts", "[]")) {
            out.add(a.asString());
        }
        return out;
    }

    /** eth_blockNumber. */
    public long blockNumber() {
        return longOf(result("eth_blockNumber", "[]"));
    }

    /** eth_getBalance at latest. */
    public BigInteger balance(final String address) {
        return bigOf(result("eth_getBalance", "[\"" + address + "\",\"latest\"]"));
    }

    /** The block at {@code number} with full transactions, or a null node. */
    public JsonNode block(final long number) {
        return result("eth_getBlockByNumber", "[\"" + quantity(number) + "\",true]");
    }

    /** The hash of the block at {@code number}, or null when there is none. */
    public String blockHash(final long number) {
        final JsonNode block = result("eth_getBlockByNumber", "[\"" + quantity(number) + "\",false]");
        return block == null || block.isNull() ? null : block.get("hash").asString();
    }

    /** Pay {@code wei} from dev account {@code from} to {@code to} (eth_sendTransaction); returns the tx hash. */
    public String sendEth(final String from, final String to, final BigInteger wei) {
        return sendTransaction("{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"value\":\"" + quantity(wei) + "\"}");
    }

    /**
     * Pay {@code wei} with an explicit gas limit, so that a payment which reverts (e.g. to a
     * {@link #deployRevertingReceiver RevertingReceiver}) is mined with receipt status 0 without depending on gas
     * estimation (see {@link #REVERT_GAS}).
     */
    public String sendEthWithGas(final String from, final String to, final BigInteger wei, final long gas) {
        return sendTransaction("{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"value\":\"" + quantity(wei) + "\",\"gas\":\""
            + quantity(gas) + "\"}");
    }

    /** eth_sendTransaction of the transaction request {@code txJson} (a JSON object); returns the tx hash. */
    public String sendTransaction(final String txJson) {
        return result("eth_sendTransaction", "[" + txJson + "]").asString();
    }

    /**
     * The receipt of {@code txHash}, polling: with automine about 3 % of receipts are still null right after
     * eth_sendTransaction. Fails after ~10 s (never mined, e.g. automine off and nothing mined).
     */
    public JsonNode awaitReceipt(final String txHash) {
        for (int i = 0; i < RECEIPT_POLLS; i++) {
            final JsonNode receipt = result("eth_getTransactionReceipt", "[\"" + txHash + "\"]");
            if (receipt != null && !receipt.isNull()) {
                return receipt;
            }
            sleep(RECEIPT_POLL_MILLIS);
        }
        throw new IllegalStateException("no receipt for " + txHash + " after " + RECEIPT_POLLS * RECEIPT_POLL_MILLIS + " ms");
    }

    /** Mine {@code blocks} empty-or-pending blocks now (anvil_mine). */
    public void mine(final int blocks) {
        result("anvil_mine", "[\"" + quantity(blocks) + "\"]");
    }

    /** Switch automine (a block per transaction) on or off (evm_setAutomine). */
    public void setAutomine(final boolean on) {
        result("evm_setAutomine", "[" + on + "]");
    }

    /**
     * Replace the last {@code depth} blocks with {@code depth} new ones carrying {@code txs} (anvil_reorg); the
     * head height stays the same, the replaced heights get new hashes and anvil re-announces newHeads for them.
     */
    public void reorg(final int depth, final List<ReorgTx> txs) {
        final StringBuilder sb = new StringBuilder("[").append(depth).append(",[");
        for (int i = 0; i < txs.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(txs.get(i).toJson());
        }
        result("anvil_reorg", sb.append("]]").toString());
    }

    /** Deploy TestToken minting {@code supply} to {@code from}; returns the contract address. */
    public String deployToken(final String from, final BigInteger supply) {
        return deploy(from, Contracts.tokenCreation(supply));
    }

    /** Deploy a RevertingReceiver (refuses every payment); returns the contract address. */
    public String deployRevertingReceiver(final String from) {
        return deploy(from, Contracts.revertingReceiverCreation());
    }

    /** {@code token.transfer(to, amount)} from {@code from}, gas estimated by anvil (see {@link #REVERT_GAS} when it reverts). */
    public String transferToken(final String token, final String from, final String to, final BigInteger amount) {
        return sendTransaction("{\"from\":\"" + from + "\",\"to\":\"" + token + "\",\"data\":\"" + Contracts.transferCall(to, amount)
            + "\"}");
    }

    /** {@code token.transfer(to, amount)} with an explicit gas limit: mined even when it reverts (status 0). */
    public String transferTokenWithGas(final String token, final String from, final String to, final BigInteger amount,
        final long gas) {
        return sendTransaction("{\"from\":\"" + from + "\",\"to\":\"" + token + "\",\"data\":\"" + Contracts.transferCall(to, amount)
            + "\",\"gas\":\"" + quantity(gas) + "\"}");
    }

    /** The token balance of {@code owner} (eth_call of balanceOf(address), selector 70a08231). */
    public BigInteger tokenBalance(final String token, final String owner) {
        return bigOf(result("eth_call", "[{\"to\":\"" + token + "\",\"data\":\"0x70a08231" + Contracts.address(owner)
            + "\"},\"latest\"]"));
    }

    @Override
    public void close() {
        http.close();
    }

    private String deploy(final String from, final String creationCode) {
        final String txHash = sendTransaction("{\"from\":\"" + from + "\",\"data\":\"" + creationCode + "\"}");
        final JsonNode receipt = awaitReceipt(txHash);
        if (longOf(receipt.get("status")) != 1) {
            throw new IllegalStateException("deployment failed: " + receipt);
        }
        return receipt.get("contractAddress").asString();
    }

    /** A JSON-RPC quantity: "0x" + minimal hex. */
    public static String quantity(final long value) {
        return "0x" + Long.toHexString(value);
    }

    /** A JSON-RPC quantity: "0x" + minimal hex. */
    public static String quantity(final BigInteger value) {
        return "0x" + value.toString(16);
    }

    /** A quantity node ("0x..." hex) as a long. */
    public static long longOf(final JsonNode quantity) {
        return bigOf(quantity).longValueExact();
    }

    /** A quantity or data node ("0x..." hex) as an unsigned number. */
    public static BigInteger bigOf(final JsonNode quantity) {
        final String s = quantity.asString();
        return s.length() == 2 ? BigInteger.ZERO : new BigInteger(s.substring(2), 16);
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
