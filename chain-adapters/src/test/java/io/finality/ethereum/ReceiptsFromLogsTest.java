package io.finality.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.MatchList;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Differential on mainnet block 483920: the receipts built from its real {@code Transfer} logs
 * ({@code eth_getFilterLogs}) and the statuses of its value transfers scan to exactly the matches that the
 * real {@code eth_getBlockReceipts} gives, with every address watched.
 */
class ReceiptsFromLogsTest {
    private static final String BLOCK = "etl_mainnet_483920_eth_getBlockByNumber_full.json";
    private static final String RECEIPTS = "etl_mainnet_483920_eth_getBlockReceipts.json";
    private static final String LOGS = "etl_mainnet_483920_eth_getFilterLogs_Transfer.json";

    @Test
    void shouldScanLikeTheRealReceipts() {
        final byte[] block = EthFixtures.rpc(BLOCK);
        final byte[] receipts = EthFixtures.rpc(RECEIPTS);
        final int[] statuses = realStatuses(receipts);

        final ReceiptsFromLogs builder = new ReceiptsFromLogs();
        assertEquals(JsonError.OK, builder.readBlock(new UnsafeBuffer(block), 0, block.length));
        assertEquals(statuses.length, builder.transactionCount());
        int valueTransfers = 0;
        for (int i = 0; i < builder.transactionCount(); i++) {
            if (builder.carriesValue(i)) {
                builder.status(i, statuses[i] == 1);
                valueTransfers++;
            }
        }
        assertTrue(valueTransfers > 0, "the block moves ether");
        final byte[] logsFrame = EthFixtures.enveloped(EthFixtures.rpc(LOGS));
        final UnsafeBuffer logsView = new UnsafeBuffer(logsFrame);
        final RpcFrameReader frame = new RpcFrameReader();
        assertEquals(RpcFrameReader.RESPONSE, frame.read(logsView, 0, logsFrame.length));
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
        final int n = builder.build(logsView, frame.resultOffset(), frame.resultLength(), out);
        assertTrue(n > 0, () -> "build failed: " + JsonError.name(-n));
        final byte[] built = new byte[n];
        out.getBytes(0, built);

        final List<String> expected = scan(block, receipts);
        final List<String> ours = scan(block, built);
        assertTrue(expected.stream().anyMatch(s -> s.contains("token")), "the block has Transfer matches: " + expected);
        assertEquals(expected, ours);
    }

    @Test
    void shouldRefuseLogsOfTransactionsTheBlockDoesNotHave() {
        final byte[] block = EthFixtures.rpc(BLOCK);
        final ReceiptsFromLogs builder = new ReceiptsFromLogs();
        builder.readBlock(new UnsafeBuffer(block), 0, block.length);
        final byte[] logs = ("[{\"address\":\"0x" + "11".repeat(20) + "\",\"topics\":[],\"data\":\"0x\",\"logIndex\":\"0x0\","
            + "\"transactionIndex\":\"0x" + Integer.toHexString(builder.transactionCount()) + "\"}]").getBytes(StandardCharsets.UTF_8);
        assertEquals(-JsonError.BAD_QUANTITY, builder.build(new UnsafeBuffer(logs), 0, logs.length, new ExpandableArrayBuffer()));
        final byte[] noIndex = "[{\"logIndex\":\"0x0\"}]".getBytes(StandardCharsets.UTF_8);
        assertEquals(-JsonError.MISSING_FIELD, builder.build(new UnsafeBuffer(noIndex), 0, noIndex.length, new ExpandableArrayBuffer()));
        final byte[] truncated = "[{\"transactionIndex\":\"0x0\"".getBytes(StandardCharsets.UTF_8);
        assertTrue(builder.build(new UnsafeBuffer(truncated), 0, truncated.length, new ExpandableArrayBuffer()) < 0);
    }

    private static int[] realStatuses(final byte[] receipts) {
        final List<Integer> out = new ArrayList<>();
        final ReceiptsJsonDecoder decoder = new ReceiptsJsonDecoder();
        assertEquals(JsonError.OK, decoder.decode(new UnsafeBuffer(receipts), 0, receipts.length, new ReceiptHandler() {
            @Override
            public void onReceipt(final ReceiptsJsonDecoder d) {
                out.add(d.status() == ReceiptsJsonDecoder.STATUS_FAILED ? 0 : 1);
            }

            @Override
            public void onLog(final ReceiptsJsonDecoder d) {
            }
        }));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<String> scan(final byte[] block, final byte[] receipts) {
        final byte[] payload = EthereumPayload.frame(block, receipts);
        final MatchList m = new MatchList(16);
        final EthereumBlockScanner scanner = new EthereumBlockScanner();
        assertEquals(JsonError.OK, scanner.scanBlock(new UnsafeBuffer(payload), 0, payload.length, ChainId.ETHEREUM_MAINNET.code(),
            WatchIndex.all(), m), () -> JsonError.name(scanner.errorOffset()));
        final List<String> out = new ArrayList<>();
        final UnsafeBuffer contract = new UnsafeBuffer(new byte[20]);
        for (int i = 0; i < m.outputCount(); i++) {
            m.copyTokenContract(i, contract, 0);
            out.add(EthFixtures.hex(m.txids(), i * 32, 32) + "/" + m.outputIndex(i) + " " + m.amountHi(i) + ":" + m.amountLo(i)
                + " flags " + m.flags(i) + ((m.flags(i) & MatchList.FLAG_TOKEN) != 0 ? " token " + EthFixtures.hex(contract, 0, 20) : ""));
        }
        return out;
    }
}
