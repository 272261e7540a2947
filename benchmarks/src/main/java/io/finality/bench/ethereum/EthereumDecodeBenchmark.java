package io.finality.bench.ethereum;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.MatchList;
import io.finality.core.spi.AddressIndex;
import io.finality.ethereum.BlockJsonDecoder;
import io.finality.ethereum.EthereumBlockScanner;
import io.finality.ethereum.EthereumPayload;
import io.finality.ethereum.JsonError;
import io.finality.ethereum.ReceiptHandler;
import io.finality.ethereum.ReceiptsJsonDecoder;
import io.finality.ethereum.TransactionHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.web3j.protocol.ObjectMapperFactory;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthGetBlockReceipts;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Our in-place decode of real block (full transactions) and {@code eth_getBlockReceipts} JSON-RPC
 * responses against web3j's object mapping of the same bytes.
 * <ol>
 *   <li>{@link #finalityDecode}: {@link BlockJsonDecoder} and {@link ReceiptsJsonDecoder} with handlers
 *   that fold every transaction value and every log index into a sum (allocation-free);</li>
 *   <li>{@link #web3j}: web3j's {@link ObjectMapperFactory} mapper reads each response into
 *   {@link EthBlock} / {@link EthGetBlockReceipts} and the same sum is taken from the object graph;</li>
 *   <li>{@link #finalityScan}: the whole stage-1 job on the framed block+receipts pairs (decode, probe every
 *   recipient and Transfer log in an index, record matches), for scale.</li>
 * </ol>
 * Fixture: every full-transaction block response and every receipts response of {@code shared/data/ethereum/rpc}
 * (bare results wrapped in a JSON-RPC envelope so both sides read identical bytes); one op decodes all of them
 * once, so MB/s = ops/s x fixture bytes (printed at setup). {@link #layout}: {@code pretty} is the files as
 * stored (mostly pretty-printed test data, 13 % whitespace); {@code compact} is the same responses re-serialized
 * without whitespace, which is what a node sends. One benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "-Xms1g", "-Xmx1g",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.provider=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true"})
public class EthereumDecodeBenchmark {
    private static final ObjectMapper MAPPER = ObjectMapperFactory.getObjectMapper();
    /** Never matches, so that the scan measures decode + probes, not match recording. */
    private static final AddressIndex NEVER = (chain, key, offset, length) -> AddressIndex.MISSING;

    /** {@code pretty}: the files as stored; {@code compact}: the same JSON without whitespace (a node's output). */
    @Param({"pretty", "compact"})
    public String layout;

    private byte[][] blocks;
    private byte[][] receipts;
    private UnsafeBuffer[] blockBuffers;
    private UnsafeBuffer[] receiptBuffers;
    private UnsafeBuffer[] payloads;
    private final BlockJsonDecoder blockDecoder = new BlockJsonDecoder();
    private final ReceiptsJsonDecoder receiptsDecoder = new ReceiptsJsonDecoder();
    private final EthereumBlockScanner scanner = new EthereumBlockScanner();
    private final MatchList matches = new MatchList(64);
    private final int chain = ChainId.ETHEREUM_MAINNET.code();
    private long sum;
    private final TransactionHandler txSum = d -> sum += d.value0();
    private final ReceiptHandler logSum = new ReceiptHandler() {
        @Override
        public void onReceipt(final ReceiptsJsonDecoder d) {
            sum += d.status();
        }

        @Override
        public void onLog(final ReceiptsJsonDecoder d) {
            sum += d.logIndex();
        }
    };

    @Setup
    public void setUp() throws IOException {
        final Path rpc = dataRoot().resolve("ethereum/rpc");
        final List<byte[]> blockList = new ArrayList<>();
        final List<byte[]> receiptList = new ArrayList<>();
        try (var files = Files.list(rpc)) {
            for (Path p : files.sorted().toList()) {
                final String name = p.getFileName().toString();
                final byte[] json = laidOut(enveloped(Files.readAllBytes(p)));
                if (name.contains("eth_getBlockByNumber") && isFullBlock(json)) {
                    blockList.add(json);
                } else if (name.contains("eth_getBlockReceipts")) {
                    receiptList.add(json);
                }
            }
        }
        blocks = blockList.toArray(new byte[0][]);
        receipts = receiptList.toArray(new byte[0][]);
        blockBuffers = wrap(blocks);
        receiptBuffers = wrap(receipts);
        long bytes = 0;
        int txs = 0;
        for (byte[] b : blocks) {
            bytes += b.length;
        }
        for (byte[] r : receipts) {
            bytes += r.length;
        }
        final List<UnsafeBuffer> pairs = new ArrayList<>();
        // Block 1755635's receipts exist only as eth_getTransactionReceipt responses: assemble them (compact JSON).
        final String receipts1755635 = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":["
            + MAPPER.readTree(rpc.resolve("etl_mainnet_1755634_eth_getTransactionReceipt_0x2e3dcd05.json").toFile()).get("result") + ","
            + MAPPER.readTree(rpc.resolve("etl_mainnet_1755634_eth_getTransactionReceipt_0x9a5437ec.json").toFile()).get("result") + "]}";
        final byte[][][] pairBytesList = {
            {Files.readAllBytes(rpc.resolve("etl_mainnet_483920_eth_getBlockByNumber_full.json")),
                Files.readAllBytes(rpc.resolve("etl_mainnet_483920_eth_getBlockReceipts.json"))},
            {Files.readAllBytes(rpc.resolve("etl_mainnet_1755635_eth_getBlockByNumber_full.json")),
                receipts1755635.getBytes(StandardCharsets.UTF_8)},
        };
        long pairBytes = 0;
        for (byte[][] pair : pairBytesList) {
            final byte[] framed = EthereumPayload.frame(laidOut(pair[0]), laidOut(pair[1]));
            pairs.add(new UnsafeBuffer(framed));
            pairBytes += framed.length;
        }
        payloads = pairs.toArray(new UnsafeBuffer[0]);
        for (int i = 0; i < blocks.length; i++) {
            if (blockDecoder.decode(blockBuffers[i], 0, blocks[i].length, txSum) != JsonError.OK) {
                throw new IllegalStateException("block " + i + " does not decode");
            }
            txs += blockDecoder.transactionCount();
        }
        System.out.printf("%nEthereum fixture (%s): %d block responses (%d txs) + %d receipts responses = %d bytes; scan pairs %d bytes%n",
            layout, blocks.length, txs, receipts.length, bytes, pairBytes);
    }

    @Benchmark
    public long finalityDecode() {
        sum = 0;
        for (int i = 0; i < blockBuffers.length; i++) {
            final int status = blockDecoder.decode(blockBuffers[i], 0, blocks[i].length, txSum);
            if (status != JsonError.OK) {
                throw new IllegalStateException(JsonError.name(status));
            }
        }
        for (int i = 0; i < receiptBuffers.length; i++) {
            final int status = receiptsDecoder.decode(receiptBuffers[i], 0, receipts[i].length, logSum);
            if (status != JsonError.OK) {
                throw new IllegalStateException(JsonError.name(status));
            }
        }
        return sum;
    }

    @Benchmark
    public long web3j() {
        long total = 0;
        for (byte[] b : blocks) {
            final EthBlock.Block block = MAPPER.readValue(b, EthBlock.class).getBlock();
            if (block.getTransactions() != null) {
                for (Object o : block.getTransactions()) {
                    total += ((EthBlock.TransactionObject)o).getValue().longValue();
                }
            }
        }
        for (byte[] r : receipts) {
            for (TransactionReceipt receipt : MAPPER.readValue(r, EthGetBlockReceipts.class).getBlockReceipts().orElseThrow()) {
                total += receipt.getStatus() == null ? -1 : new BigInteger(receipt.getStatus().substring(2), 16).longValue();
                for (Log log : receipt.getLogs()) {
                    total += log.getLogIndex().longValue();
                }
            }
        }
        return total;
    }

    @Benchmark
    public int finalityScan() {
        int txs = 0;
        for (UnsafeBuffer p : payloads) {
            matches.clear();
            final int status = scanner.scanBlock(p, 0, p.capacity(), chain, NEVER, matches);
            if (status != JsonError.OK) {
                throw new IllegalStateException(JsonError.name(status));
            }
            txs += scanner.block().transactionCount();
        }
        return txs;
    }

    private static UnsafeBuffer[] wrap(final byte[][] arrays) {
        final UnsafeBuffer[] out = new UnsafeBuffer[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = new UnsafeBuffer(arrays[i]);
        }
        return out;
    }

    private static boolean isFullBlock(final byte[] json) {
        final JsonNode txs = MAPPER.readTree(json).get("result").get("transactions");
        return txs != null && (txs.isEmpty() || txs.get(0).isObject());
    }

    /** The bytes as stored, or re-serialized without whitespace for the {@code compact} layout. */
    private byte[] laidOut(final byte[] json) {
        switch (layout) {
            case "pretty":
                return json;
            case "compact":
                return MAPPER.writeValueAsBytes(MAPPER.readTree(json));
            default:
                throw new IllegalArgumentException("layout " + layout);
        }
    }

    /** Wrap a bare result in a JSON-RPC response: web3j maps responses, and both sides must read the same bytes. */
    private static byte[] enveloped(final byte[] json) {
        final JsonNode tree = MAPPER.readTree(json);
        if (tree.isObject() && (tree.has("jsonrpc") || tree.has("result"))) {
            return json;
        }
        final String text = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + new String(json, StandardCharsets.UTF_8) + "}";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Path dataRoot() {
        final String configured = System.getProperty("finality.data");
        for (String candidate : new String[] {configured, "../shared/data", "../../shared/data", "/work/shared/data"}) {
            if (candidate != null && Files.isDirectory(Paths.get(candidate, "ethereum", "rpc"))) {
                return Paths.get(candidate);
            }
        }
        throw new UncheckedIOException(new IOException("shared data not found: pass -Dfinality.data=<shared/data> in @Fork"));
    }
}
