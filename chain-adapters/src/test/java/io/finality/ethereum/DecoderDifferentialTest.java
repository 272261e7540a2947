package io.finality.ethereum;

import static io.finality.ethereum.EthFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;
import tools.jackson.databind.JsonNode;

/**
 * Our in-place decoders against web3j's object mapping and the ethereum-etl expected files, on every real
 * block and receipts response of the shared data: same transactions, senders, recipients, values, inputs,
 * receipts, statuses and logs.
 */
class DecoderDifferentialTest {
    @Test
    void shouldDecodeEveryBlockLikeWeb3j() {
        final BlockJsonDecoder decoder = new BlockJsonDecoder();
        int blocks = 0;
        int txCount = 0;
        for (String file : EthFixtures.blockFiles()) {
            final byte[] json = EthFixtures.rpc(file);
            final EthBlock.Block ref = EthFixtures.web3jBlock(json);
            // web3j maps an empty "transactions" array to null
            final List<?> refTxs = ref.getTransactions() == null ? List.of() : ref.getTransactions();
            final int[] status = new int[1];
            final List<EthFixtures.Tx> ours = EthFixtures.ourTransactions(decoder, json, status);
            final boolean hashesOnly = !refTxs.isEmpty() && !(refTxs.get(0) instanceof EthBlock.TransactionObject);
            if (hashesOnly) {
                assertEquals(JsonError.NOT_FULL_TRANSACTIONS, status[0], file);
                continue;
            }
            assertEquals(JsonError.OK, status[0], file + ": " + JsonError.name(status[0]) + " at " + decoder.errorOffset());
            assertEquals(ref.getNumber().longValueExact(), decoder.number(), file);
            assertEquals(ref.getHash(), hex(decoder.blockHash(), 0, 32), file);
            assertEquals(ref.getParentHash(), hex(decoder.parentHash(), 0, 32), file);
            assertEquals(ref.getTimestamp().longValueExact(), decoder.timestamp(), file);
            assertEquals(refTxs.size(), ours.size(), file);
            assertEquals(ours.size(), decoder.transactionCount(), file);
            for (int i = 0; i < ours.size(); i++) {
                final EthBlock.TransactionObject t = (EthBlock.TransactionObject)refTxs.get(i);
                final EthFixtures.Tx o = ours.get(i);
                final String where = file + " tx " + i;
                assertEquals(i, o.index(), where);
                assertEquals(t.getHash(), o.hash(), where);
                assertEquals(t.getFrom(), o.from(), where);
                assertEquals(t.getTo(), o.to(), where);
                assertEquals(t.getValue(), o.value(), where);
                assertEquals(t.getInput(), o.input(), where);
                txCount++;
            }
            blocks++;
        }
        assertTrue(blocks >= 8, "full blocks decoded: " + blocks);
        assertTrue(txCount >= 80, "transactions compared: " + txCount);
    }

    @Test
    void shouldDecodeEveryReceiptAndLogLikeWeb3j() {
        final List<byte[]> inputs = new ArrayList<>();
        for (String file : EthFixtures.receiptFiles()) {
            inputs.add(EthFixtures.rpc(file));
        }
        inputs.add(EthFixtures.receipts1755635());
        final ReceiptsJsonDecoder decoder = new ReceiptsJsonDecoder();
        int logCount = 0;
        for (byte[] json : inputs) {
            final List<TransactionReceipt> ref = EthFixtures.web3jReceipts(json);
            final List<String> receipts = new ArrayList<>();
            final List<EthFixtures.Log> logs = new ArrayList<>();
            final int status = decoder.decode(new UnsafeBuffer(json), 0, json.length, new ReceiptHandler() {
                @Override
                public void onReceipt(final ReceiptsJsonDecoder d) {
                    receipts.add(hex(d.txHash(), 0, 32) + "/" + d.txIndex() + "/" + d.status());
                }

                @Override
                public void onLog(final ReceiptsJsonDecoder d) {
                    final List<String> topics = new ArrayList<>();
                    for (int i = 0; i < d.topicCount(); i++) {
                        topics.add(hex(d.topics(), 32 * i, 32));
                    }
                    logs.add(new EthFixtures.Log(d.txIndex(), hex(d.txHash(), 0, 32), d.status(), hex(d.address(), 0, 20), topics,
                        "0x" + new String(json, d.dataOffset(), d.dataLength(), StandardCharsets.US_ASCII), d.logIndex()));
                    if (d.dataIsWord()) {
                        assertEquals(Numeric.toBigInt(logs.get(logs.size() - 1).data()),
                            EthFixtures.u256(d.dataWord3(), d.dataWord2(), d.dataWord1(), d.dataWord0()));
                    }
                }
            });
            final String where = new String(json, 0, Math.min(80, json.length), StandardCharsets.UTF_8);
            assertEquals(JsonError.OK, status, where + ": " + JsonError.name(status) + " at " + decoder.errorOffset());
            assertEquals(ref.size(), receipts.size(), where);
            assertEquals(ref.size(), decoder.receiptCount(), where);
            final List<EthFixtures.Log> expectedLogs = new ArrayList<>();
            for (int i = 0; i < ref.size(); i++) {
                final TransactionReceipt r = ref.get(i);
                final int expectedStatus = r.getStatus() == null
                    ? ReceiptsJsonDecoder.STATUS_UNKNOWN
                    : Numeric.toBigInt(r.getStatus()).intValueExact();
                assertEquals(r.getTransactionHash() + "/" + r.getTransactionIndex() + "/" + expectedStatus, receipts.get(i), where);
                for (org.web3j.protocol.core.methods.response.Log l : r.getLogs()) {
                    expectedLogs.add(new EthFixtures.Log(r.getTransactionIndex().intValueExact(), r.getTransactionHash(), expectedStatus,
                        l.getAddress(), l.getTopics(), l.getData(), l.getLogIndex().longValueExact()));
                }
            }
            assertEquals(expectedLogs, logs, where);
            logCount += logs.size();
        }
        assertTrue(logCount >= 5, "logs compared: " + logCount);
    }

    @Test
    void shouldAgreeWithEthereumEtlExpectedTransactions() {
        final List<EthFixtures.Tx> ours = new ArrayList<>();
        final BlockJsonDecoder decoder = new BlockJsonDecoder();
        for (String file : List.of(
            "etl_mainnet_1755634_eth_getBlockByNumber_full.json", "etl_mainnet_1755635_eth_getBlockByNumber_full.json")) {
            final int[] status = new int[1];
            ours.addAll(EthFixtures.ourTransactions(decoder, EthFixtures.rpc(file), status));
            assertEquals(JsonError.OK, status[0], file);
        }
        final String[] lines = new String(EthFixtures.expected("etl_mainnet_1755634_1755635_expected_transactions.json"),
            StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(lines.length, ours.size());
        for (int i = 0; i < lines.length; i++) {
            final JsonNode e = EthFixtures.MAPPER.readTree(lines[i]);
            final EthFixtures.Tx o = ours.get(i);
            assertEquals(e.get("hash").asString(), o.hash());
            assertEquals(e.get("from_address").asString(), o.from());
            assertEquals(e.get("to_address").isNull() ? null : e.get("to_address").asString(), o.to());
            assertEquals(new BigInteger(e.get("value").toString()), o.value());
            assertEquals(e.get("input").asString(), o.input());
            assertEquals(e.get("transaction_index").asInt(), o.index());
        }
    }

    @Test
    void shouldDecodeEveryTokenTransferEthereumEtlExpects() {
        final List<String> expected = new ArrayList<>();
        final String[] csv = new String(EthFixtures.expected("etl_mainnet_483920_expected_token_transfers.csv"), StandardCharsets.UTF_8)
            .strip().split("\n");
        for (int i = 1; i < csv.length; i++) {
            final String[] f = csv[i].split(",");
            expected.add(String.join(" ", f[0], f[1], f[2], f[3], f[4], f[5]));
        }
        final JsonNode e = EthFixtures.MAPPER.readTree(
            EthFixtures.expected("etl_mainnet_1755634_1755635_expected_token_transfers.json"));
        expected.add(String.join(" ", e.get("token_address").asString(), e.get("from_address").asString(),
            e.get("to_address").asString(), e.get("value").toString(), e.get("transaction_hash").asString(),
            e.get("log_index").toString()));

        final List<String> ours = new ArrayList<>();
        final ReceiptsJsonDecoder decoder = new ReceiptsJsonDecoder();
        for (byte[] json : List.of(EthFixtures.rpc("etl_mainnet_483920_eth_getBlockReceipts.json"), EthFixtures.receipts1755635())) {
            final int status = decoder.decode(new UnsafeBuffer(json), 0, json.length, new ReceiptHandler() {
                @Override
                public void onReceipt(final ReceiptsJsonDecoder d) {
                }

                @Override
                public void onLog(final ReceiptsJsonDecoder d) {
                    if (d.topicCount() == 3 && d.dataIsWord()
                        && hex(d.topics(), 0, 32).equals("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")) {
                        ours.add(String.join(" ", hex(d.address(), 0, 20), hex(d.topics(), 32 + 12, 20), hex(d.topics(), 64 + 12, 20),
                            EthFixtures.u256(d.dataWord3(), d.dataWord2(), d.dataWord1(), d.dataWord0()).toString(),
                            hex(d.txHash(), 0, 32), Long.toString(d.logIndex())));
                    }
                }
            });
            assertEquals(JsonError.OK, status);
        }
        assertEquals(3, expected.size());
        assertEquals(expected, ours);
    }
}
