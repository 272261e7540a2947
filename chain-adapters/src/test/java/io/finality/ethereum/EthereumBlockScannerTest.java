package io.finality.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;
import tools.jackson.databind.JsonNode;

/**
 * The scanner on real mainnet blocks with their receipts: the ERC-20 transfers ethereum-etl expects, the
 * Transfer logs and native transfers web3j decodes, failed receipts flagged, U256 amounts never truncated,
 * and every malformed payload answered with a code and an in-bounds offset.
 */
class EthereumBlockScannerTest {
    private static final int CHAIN = ChainId.ETHEREUM_MAINNET.code();
    private static final String TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

    static byte[] block483920() {
        return EthFixtures.rpc("etl_mainnet_483920_eth_getBlockByNumber_full.json");
    }

    static byte[] receipts483920() {
        return EthFixtures.rpc("etl_mainnet_483920_eth_getBlockReceipts.json");
    }

    static byte[] block1755635() {
        return EthFixtures.rpc("etl_mainnet_1755635_eth_getBlockByNumber_full.json");
    }

    static ChainEvent event(final byte[] block, final byte[] receipts) {
        final byte[] payload = EthereumPayload.frame(block, receipts);
        final ChainEvent event = new ChainEvent(payload.length, 1 << 24, 4);
        event.reset(EventKind.BLOCK_CONNECTED, ChainId.ETHEREUM_MAINNET).payload(payload, 0, payload.length);
        return event;
    }

    /** A match as text: kind, tx hash, output index, amount, slot, token contract. */
    static Set<String> matches(final ChainEvent event) {
        final MatchList m = event.matches();
        final Set<String> out = new TreeSet<>();
        for (int i = 0; i < m.outputCount(); i++) {
            final boolean token = (m.flags(i) & MatchList.FLAG_TOKEN) != 0;
            out.add((token ? "token " : "native ") + EthFixtures.hex(m.txids(), 32 * i, 32) + " " + m.outputIndex(i) + " "
                + EthFixtures.u128(m.amountHi(i), m.amountLo(i)) + " slot=" + m.invoiceSlot(i)
                + (token ? " " + EthFixtures.hex(m.contracts(), 20 * i, 20) : "") + " flags=" + m.flags(i));
        }
        return out;
    }

    private static int scan(final ChainEvent event, final WatchIndex index) {
        event.matches().clear();
        final int status = new EthereumBlockScanner().scan(event, index);
        assertEquals(status, event.scanStatus());
        return status;
    }

    @Test
    void shouldFindEveryTokenTransferEthereumEtlExpects() {
        final Set<String> expected = new TreeSet<>();
        final WatchIndex index = WatchIndex.of();
        int slot = 1;
        final String[] csv = new String(EthFixtures.expected("etl_mainnet_483920_expected_token_transfers.csv"), StandardCharsets.UTF_8)
            .strip().split("\n");
        for (int i = 1; i < csv.length; i++) {
            final String[] f = csv[i].split(",");
            index.watch(CHAIN, f[2], slot);
            expected.add("token " + f[4] + " " + f[5] + " " + f[3] + " slot=" + slot + " " + f[0] + " flags=" + MatchList.FLAG_TOKEN);
            slot++;
        }
        final ChainEvent event = event(block483920(), receipts483920());
        assertEquals(JsonError.OK, scan(event, index));
        assertEquals(2, expected.size());
        assertEquals(expected, matches(event));

        final JsonNode e = EthFixtures.MAPPER.readTree(EthFixtures.expected("etl_mainnet_1755634_1755635_expected_token_transfers.json"));
        final WatchIndex index2 = WatchIndex.of().watch(CHAIN, e.get("to_address").asString(), 7);
        final ChainEvent event2 = event(block1755635(), EthFixtures.receipts1755635());
        assertEquals(JsonError.OK, scan(event2, index2));
        assertEquals(Set.of("token " + e.get("transaction_hash").asString() + " " + e.get("log_index").asInt() + " "
            + new BigInteger(e.get("value").toString()) + " slot=7 " + e.get("token_address").asString()
            + " flags=" + MatchList.FLAG_TOKEN),
            matches(event2));
    }

    @Test
    void shouldMatchEveryTransferLogAndNativeTransferWeb3jDecodesWhenEveryAddressIsWatched() {
        int tokens = 0;
        int natives = 0;
        final List<byte[][]> cases = List.of(
            new byte[][] {block483920(), receipts483920()},
            new byte[][] {block1755635(), EthFixtures.receipts1755635()});
        for (byte[][] c : cases) {
            final Set<String> expected = new TreeSet<>();
            final EthBlock.Block block = EthFixtures.web3jBlock(c[0]);
            for (Object o : block.getTransactions()) {
                final EthBlock.TransactionObject t = (EthBlock.TransactionObject)o;
                if (t.getTo() != null && t.getValue().signum() > 0) {
                    expected.add("native " + t.getHash() + " " + EthereumPayload.NATIVE_OUTPUT_INDEX + " " + t.getValue()
                        + " slot=" + (Numeric.hexStringToByteArray(t.getTo())[0] & 0xFF) + " flags=0");
                    natives++;
                }
            }
            for (TransactionReceipt r : EthFixtures.web3jReceipts(c[1])) {
                for (org.web3j.protocol.core.methods.response.Log l : r.getLogs()) {
                    if (l.getTopics().size() == 3 && TRANSFER.equals(l.getTopics().get(0)) && l.getData().length() == 66) {
                        final byte[] to = Numeric.hexStringToByteArray(l.getTopics().get(2));
                        expected.add("token " + r.getTransactionHash() + " " + l.getLogIndex() + " " + Numeric.toBigInt(l.getData())
                            + " slot=" + (to[12] & 0xFF) + " " + l.getAddress() + " flags=" + MatchList.FLAG_TOKEN);
                        tokens++;
                    }
                }
            }
            final ChainEvent event = event(c[0], c[1]);
            assertEquals(JsonError.OK, scan(event, WatchIndex.all()));
            assertEquals(expected, matches(event));
        }
        assertEquals(3, tokens);
        assertTrue(natives >= 2, "native transfers compared: " + natives);
    }

    @Test
    void shouldFlagEveryMatchOfAFailedTransaction() {
        final String receipts = new String(receipts483920(), StandardCharsets.UTF_8);
        final ChainEvent ok = event(block483920(), utf8(receipts.replace("\"status\": null", "\"status\": \"0x1\"")));
        final ChainEvent failed = event(block483920(), utf8(receipts.replace("\"status\": null", "\"status\": \"0x0\"")));
        assertEquals(JsonError.OK, scan(ok, WatchIndex.all()));
        assertEquals(JsonError.OK, scan(failed, WatchIndex.all()));
        final MatchList good = ok.matches();
        final MatchList bad = failed.matches();
        assertTrue(good.outputCount() >= 3);
        assertEquals(good.outputCount(), bad.outputCount());
        for (int i = 0; i < good.outputCount(); i++) {
            assertEquals(0, good.flags(i) & MatchList.FLAG_FAILED);
            assertEquals(good.flags(i) | MatchList.FLAG_FAILED, bad.flags(i));
            assertEquals(good.amountLo(i), bad.amountLo(i));
        }
    }

    @Test
    void shouldFlagNativeAndTokenAmountsAboveU128InsteadOfTruncating() {
        final String block = new String(block483920(), StandardCharsets.UTF_8);
        final String receipts = new String(receipts483920(), StandardCharsets.UTF_8);
        final String token = "0x00000000000000000000000000000000000000000000000000000000000186a0";
        assertTrue(receipts.contains(token));
        final List<String> values = new ArrayList<>();
        final WatchIndex index = WatchIndex.all();
        for (String v : new String[] {"ffffffffffffffffffffffffffffffff", "100000000000000000000000000000000",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}) {
            final String padded = "0x" + "0".repeat(64 - v.length()) + v;
            final ChainEvent event = event(
                utf8(block.replaceAll("\"value\": \"0x[0-9a-f]*[1-9a-f][0-9a-f]*\"", "\"value\": \"0x" + v + "\"")),
                utf8(receipts.replaceAll("\"data\": \"0x[0-9a-f]{64}\"", "\"data\": \"" + padded + "\"")));
            assertEquals(JsonError.OK, scan(event, index));
            final MatchList m = event.matches();
            assertTrue(m.outputCount() >= 2);
            final boolean fits = v.length() <= 32;
            for (int i = 0; i < m.outputCount(); i++) {
                assertEquals(fits ? 0 : EthereumScanFlags.FLAG_AMOUNT_OVERFLOW, m.flags(i) & EthereumScanFlags.FLAG_AMOUNT_OVERFLOW);
                assertEquals(fits ? new BigInteger(v, 16) : BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE),
                    EthFixtures.u128(m.amountHi(i), m.amountLo(i)));
            }
            values.add(v);
        }
        assertEquals(3, values.size());
    }

    @Test
    void shouldAnswerBadResponsesWithTheirCodes() {
        final byte[] block = block483920();
        final byte[] receipts = receipts483920();
        assertCode(JsonError.RPC_ERROR, utf8("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32000,\"message\":\"x\"}}"), receipts);
        assertCode(JsonError.NULL_RESULT, block, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":null}".getBytes(StandardCharsets.UTF_8));
        assertCode(JsonError.NOT_FULL_TRANSACTIONS,
            EthFixtures.rpc("ethjs_mainnet_9515350_eth_getBlockByNumber_with_uncles.json"), receipts);
        assertCode(JsonError.RECEIPT_COUNT_MISMATCH, block1755635(), receipts);
        assertCode(JsonError.TRAILING_BYTES, block, utf8(new String(receipts, StandardCharsets.UTF_8) + " x"));
        assertCode(JsonError.MISSING_FIELD, "{\"result\":{\"number\":\"0x1\"}}".getBytes(StandardCharsets.UTF_8), receipts);
        assertCode(JsonError.BAD_HEX, new String(block, StandardCharsets.UTF_8).replace("\"from\": \"0x", "\"from\": \"0xz")
            .getBytes(StandardCharsets.UTF_8), receipts);
        assertCode(JsonError.TOO_DEEP, utf8("{\"result\":{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}}"), receipts);

        final byte[] payload = EthereumPayload.frame(block, receipts);
        final UnsafeBuffer buffer = new UnsafeBuffer(payload);
        final EthereumBlockScanner scanner = new EthereumBlockScanner();
        final MatchList matches = new MatchList(4);
        buffer.putInt(0, Integer.MAX_VALUE, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(JsonError.BAD_FRAMING, scanner.scanBlock(buffer, 0, payload.length, CHAIN, WatchIndex.all(), matches));
        buffer.putInt(0, block.length, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(JsonError.BAD_FRAMING, scanner.scanBlock(buffer, 0, payload.length - 1, CHAIN, WatchIndex.all(), matches));
        assertEquals(JsonError.BAD_FRAMING, scanner.scanBlock(buffer, 0, 7, CHAIN, WatchIndex.all(), matches));
        assertEquals(JsonError.OK, scanner.scanBlock(buffer, 0, payload.length, CHAIN, WatchIndex.all(), matches));
    }

    @Test
    void shouldFailEveryTruncationWithAnOffsetInsideThePayload() {
        final byte[] block = block483920();
        final byte[] receipts = receipts483920();
        final EthereumBlockScanner scanner = new EthereumBlockScanner();
        final MatchList matches = new MatchList(4);
        final WatchIndex index = WatchIndex.all();
        int checked = 0;
        for (int cut = 0; cut < receipts.length; cut += 3) {
            final byte[] payload = EthereumPayload.frame(block, java.util.Arrays.copyOf(receipts, cut));
            matches.clear();
            final int status = scanner.scanBlock(new UnsafeBuffer(payload), 0, payload.length, CHAIN, index, matches);
            assertNotEquals(JsonError.OK, status, "cut " + cut);
            assertTrue(scanner.errorOffset() >= 0 && scanner.errorOffset() <= payload.length, "cut " + cut);
            checked++;
        }
        for (int cut = 0; cut < block.length; cut += 3) {
            final byte[] payload = EthereumPayload.frame(java.util.Arrays.copyOf(block, cut), receipts);
            matches.clear();
            final int status = scanner.scanBlock(new UnsafeBuffer(payload), 0, payload.length, CHAIN, index, matches);
            assertNotEquals(JsonError.OK, status, "cut " + cut);
            assertTrue(scanner.errorOffset() >= 0 && scanner.errorOffset() <= payload.length, "cut " + cut);
            checked++;
        }
        assertTrue(checked > 4000);
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertCode(final int code, final byte[] block, final byte[] receipts) {
        final ChainEvent event = event(block, receipts);
        final int status = scan(event, WatchIndex.all());
        assertEquals(JsonError.name(code), JsonError.name(status));
        assertTrue(event.scanErrorOffset() >= 0 && event.scanErrorOffset() <= event.payloadLength());
    }
}
