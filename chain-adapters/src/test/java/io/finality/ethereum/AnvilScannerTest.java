package io.finality.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.ethereum.devnet.AnvilNode;
import io.finality.ethereum.devnet.AnvilRpc;
import io.finality.ethereum.devnet.Contracts;
import io.finality.ethereum.node.Anvil;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Ethereum scanner on blocks mined by a real anvil with the test ERC-20 and RevertingReceiver contracts:
 * token payments (two different tokens to one invoice address), a reverting token transfer, a failed native
 * payment. Expected matches are derived from anvil's own receipts and transactions (eth_getTransactionReceipt,
 * eth_getTransactionByHash), never hard-coded.
 */
class AnvilScannerTest {
    private static final int INVOICE_SLOT = 7;
    private static final int RECEIVER_SLOT = 9;
    private static final String INVOICE = "0x5eed0000000000000000000000000000000f00d1";
    private static final String OTHER = "0x5eed0000000000000000000000000000000f00d2";
    private static final BigInteger SUPPLY = BigInteger.TEN.pow(27);

    private static AnvilNode node;
    private static AnvilRpc rpc;
    private static List<String> accounts;
    private static String tokenA;
    private static String tokenB;
    private static String receiver;

    @BeforeAll
    static void startAnvil() {
        node = Anvil.start();
        rpc = node.rpc();
        accounts = rpc.accounts();
        tokenA = rpc.deployToken(accounts.get(0), SUPPLY);
        tokenB = rpc.deployToken(accounts.get(2), SUPPLY);
        receiver = rpc.deployRevertingReceiver(accounts.get(0));
    }

    @AfterAll
    static void stopAnvil() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void shouldFindATokenPaymentWithItsContractAmountAndLogIndex() {
        final BigInteger amount = new BigInteger("123456789012345678901");
        final String tx = rpc.transferToken(tokenA, accounts.get(0), INVOICE, amount);
        final JsonNode receipt = rpc.awaitReceipt(tx);
        assertEquals(1, AnvilRpc.longOf(receipt.get("status")));

        final List<String> found = scan(AnvilRpc.longOf(receipt.get("blockNumber")), index());

        assertEquals(expectedFromNode(receipt), found);
        assertEquals(List.of("token " + tx + " log=" + AnvilRpc.longOf(receipt.get("logs").get(0).get("logIndex")) + " " + amount
            + " slot=" + INVOICE_SLOT + " " + tokenA + " flags=" + MatchList.FLAG_TOKEN), found);
    }

    @Test
    void shouldFindPaymentsInTwoTokensToOneAddressInOneBlockEachWithItsContract() {
        rpc.setAutomine(false);
        final List<String> txs = new ArrayList<>();
        try {
            txs.add(rpc.transferToken(tokenA, accounts.get(0), OTHER, BigInteger.valueOf(5)));
            txs.add(rpc.transferToken(tokenA, accounts.get(0), INVOICE, BigInteger.valueOf(1_000)));
            txs.add(rpc.transferToken(tokenB, accounts.get(2), INVOICE, BigInteger.valueOf(2_000)));
            rpc.mine(1);
        } finally {
            rpc.setAutomine(true);
        }
        final List<JsonNode> receipts = new ArrayList<>();
        for (String tx : txs) {
            receipts.add(rpc.awaitReceipt(tx));
        }
        final long block = AnvilRpc.longOf(receipts.get(0).get("blockNumber"));
        for (JsonNode r : receipts) {
            assertEquals(block, AnvilRpc.longOf(r.get("blockNumber")), "one block");
            assertEquals(1, AnvilRpc.longOf(r.get("status")));
        }

        final List<String> found = scan(block, index());

        final List<String> expected = new ArrayList<>();
        receipts.forEach(r -> expected.addAll(expectedFromNode(r)));
        assertEquals(new TreeSet<>(expected), new TreeSet<>(found));
        assertEquals(2, found.size(), "the transfer to an unwatched address is not a match");
        assertTrue(found.stream().anyMatch(s -> s.endsWith(tokenA + " flags=" + MatchList.FLAG_TOKEN)), found::toString);
        assertTrue(found.stream().anyMatch(s -> s.endsWith(tokenB + " flags=" + MatchList.FLAG_TOKEN)), found::toString);
    }

    @Test
    void shouldFindNothingForAMinedTokenTransferThatReverted() {
        final BigInteger balance = rpc.tokenBalance(tokenA, accounts.get(1));
        final String tx = rpc.transferTokenWithGas(tokenA, accounts.get(1), INVOICE, balance.add(BigInteger.ONE), AnvilRpc.REVERT_GAS);
        final JsonNode receipt = rpc.awaitReceipt(tx);
        assertEquals(0, AnvilRpc.longOf(receipt.get("status")), "mined, reverted");
        assertEquals(0, receipt.get("logs").size());

        assertEquals(List.of(), scan(AnvilRpc.longOf(receipt.get("blockNumber")), index()));
    }

    @Test
    void shouldFlagANativePaymentToARevertingReceiverAsFailed() {
        final BigInteger wei = BigInteger.valueOf(777_000_000_000L);
        final String tx = rpc.sendEthWithGas(accounts.get(3), receiver, wei, AnvilRpc.REVERT_GAS);
        final JsonNode receipt = rpc.awaitReceipt(tx);
        assertEquals(0, AnvilRpc.longOf(receipt.get("status")));

        final List<String> found = scan(AnvilRpc.longOf(receipt.get("blockNumber")), index());

        assertEquals(expectedFromNode(receipt), found);
        assertEquals(List.of("native " + tx + " log=" + EthereumPayload.NATIVE_OUTPUT_INDEX + " " + wei + " slot=" + RECEIVER_SLOT
            + " flags=" + MatchList.FLAG_FAILED), found);
    }

    private static WatchIndex index() {
        return WatchIndex.of()
            .watch(ChainId.ETHEREUM_DEV.code(), INVOICE, INVOICE_SLOT)
            .watch(ChainId.ETHEREUM_DEV.code(), receiver, RECEIVER_SLOT);
    }

    /** What the scanner should report for one transaction, from the node's receipt and transaction. */
    private static List<String> expectedFromNode(final JsonNode receipt) {
        final List<String> out = new ArrayList<>();
        final String txHash = receipt.get("transactionHash").asString();
        final boolean ok = AnvilRpc.longOf(receipt.get("status")) == 1;
        final int failed = ok ? 0 : MatchList.FLAG_FAILED;
        final JsonNode tx = rpc.result("eth_getTransactionByHash", "[\"" + txHash + "\"]");
        final BigInteger value = AnvilRpc.bigOf(tx.get("value"));
        final String to = tx.get("to").asString();
        if (value.signum() > 0) {
            final Integer slot = slotOf(to);
            if (slot != null) {
                out.add("native " + txHash + " log=" + EthereumPayload.NATIVE_OUTPUT_INDEX + " " + value + " slot=" + slot + " flags="
                    + failed);
            }
        }
        for (JsonNode log : receipt.get("logs")) {
            final JsonNode topics = log.get("topics");
            if (topics.size() == 3 && Contracts.TRANSFER_TOPIC.equals(topics.get(0).asString())) {
                final Integer slot = slotOf("0x" + topics.get(2).asString().substring(26));
                if (slot != null) {
                    out.add("token " + txHash + " log=" + AnvilRpc.longOf(log.get("logIndex")) + " " + AnvilRpc.bigOf(log.get("data"))
                        + " slot=" + slot + " " + log.get("address").asString() + " flags=" + (MatchList.FLAG_TOKEN | failed));
                }
            }
        }
        return out;
    }

    private static Integer slotOf(final String address) {
        final String a = address.toLowerCase(Locale.ROOT);
        if (a.equals(INVOICE)) {
            return INVOICE_SLOT;
        }
        return a.equals(receiver) ? RECEIVER_SLOT : null;
    }

    /** Fetch block {@code number} and its receipts as raw bytes, scan them, and list the matches. */
    private static List<String> scan(final long number, final WatchIndex index) {
        final String n = "\"" + AnvilRpc.quantity(number) + "\"";
        final byte[] payload = EthereumPayload.frame(
            rpc.rawCall("eth_getBlockByNumber", "[" + n + ",true]"), rpc.rawCall("eth_getBlockReceipts", "[" + n + "]"));
        final ChainEvent event = new ChainEvent(payload.length, 1 << 20, 4);
        event.reset(EventKind.BLOCK_CONNECTED, ChainId.ETHEREUM_DEV).payload(payload, 0, payload.length);
        final EthereumBlockScanner scanner = new EthereumBlockScanner();
        assertEquals(JsonError.OK, scanner.scan(event, index), () -> JsonError.name(event.scanStatus()) + " at "
            + event.scanErrorOffset() + " in " + new String(payload, StandardCharsets.UTF_8));
        assertEquals(number, scanner.block().number());
        final MatchList m = event.matches();
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < m.outputCount(); i++) {
            final boolean token = (m.flags(i) & MatchList.FLAG_TOKEN) != 0;
            out.add((token ? "token " : "native ") + EthFixtures.hex(m.txids(), 32 * i, 32) + " log=" + m.outputIndex(i) + " "
                + EthFixtures.u128(m.amountHi(i), m.amountLo(i)) + " slot=" + m.invoiceSlot(i)
                + (token ? " " + EthFixtures.hex(m.contracts(), 20 * i, 20) : "") + " flags=" + m.flags(i));
        }
        return out;
    }
}
