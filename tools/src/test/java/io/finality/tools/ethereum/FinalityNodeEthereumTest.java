package io.finality.tools.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.chain.Asset;
import io.finality.core.chain.ChainId;
import io.finality.core.event.PaymentEventJson;
import io.finality.engine.journal.ChainPosition;
import io.finality.engine.journal.EventTailer;
import io.finality.engine.journal.JournalContext;
import io.finality.engine.policy.PolicyBook;
import io.finality.ethereum.devnet.AnvilNode;
import io.finality.ethereum.devnet.AnvilRpc;
import io.finality.ethereum.devnet.ReorgTx;
import io.finality.ethereum.node.Anvil;
import io.finality.ethereum.sync.EthereumConnection;
import io.finality.ethereum.sync.EthereumContext;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.node.InvoiceRequest;
import io.finality.tools.node.NodeContext;
import io.finality.tools.node.TokenBook;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole pipeline on Ethereum against a real anvil: the node connection, the scanner, the engine and the journal.
 * An ETH invoice, a token invoice and one at a contract that refuses ether; a refused payment, a payment in the
 * wrong token, a reverted token transfer, the right token, an ETH payment that an {@code anvil_reorg} replaces with
 * an underpayment; then 12 confirmations. The journal must hold exactly the events a payment engineer expects, in
 * order.
 */
class FinalityNodeEthereumTest {
    private static final String PAYEE_ETH = "0x5eed0000000000000000000000000000000000e1";
    private static final String PAYEE_TOKEN = "0x5eed0000000000000000000000000000000000e2";
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);
    private static final long EXPIRES = System.currentTimeMillis() + 3_600_000;

    @TempDir
    Path dir;

    @Test
    void shouldJournalTokenWrongTokenRevertedAndReorganisedPaymentsInOrder() throws Exception {
        try (AnvilNode anvil = Anvil.start()) {
            final AnvilRpc rpc = anvil.rpc();
            final String from = rpc.accounts().get(0);
            final String token = rpc.deployToken(from, ETHER.multiply(BigInteger.valueOf(1_000_000)));
            final String otherToken = rpc.deployToken(from, ETHER.multiply(BigInteger.valueOf(1_000_000)));
            final String refuser = rpc.deployRevertingReceiver(from);
            final NodeContext context = new NodeContext().dataDirectory(dir).durability(JournalContext.Durability.NONE)
                .tokens(new TokenBook().add(Asset.token(ChainId.ETHEREUM_DEV, token, 18, "TST")));
            final FinalityNode node = new FinalityNode(context);
            final EthereumContext eth = new EthereumContext().chain(ChainId.ETHEREUM_DEV).startHeight(0).pendingTransactions(false);
            eth.rpc().uri(anvil.wsUri());
            try (EthereumConnection connection = new EthereumConnection(node.resumeEthereum(eth))) {
                connection.start(node.publisher());
                node.open(new InvoiceRequest("inv-eth", "ethereum-dev", PAYEE_ETH, "1.5", EXPIRES, null, "order-1", null));
                node.open(new InvoiceRequest("inv-tok", "ethereum-dev", PAYEE_TOKEN, "250", EXPIRES, null, "order-2", null, "TST"));
                node.open(new InvoiceRequest("inv-refused", "ethereum-dev", refuser, "0.1", EXPIRES, null, "order-3", null));
                assertTrue(node.awaitApplied(10_000));

                rpc.awaitReceipt(rpc.sendEthWithGas(from, refuser, ETHER.divide(BigInteger.TEN), AnvilRpc.REVERT_GAS));

                rpc.awaitReceipt(rpc.transferToken(otherToken, from, PAYEE_TOKEN, ETHER.multiply(BigInteger.valueOf(250))));
                rpc.awaitReceipt(rpc.transferTokenWithGas(token, from, PAYEE_TOKEN, ETHER.pow(2), AnvilRpc.REVERT_GAS));
                rpc.awaitReceipt(rpc.transferToken(token, from, PAYEE_TOKEN, ETHER.multiply(BigInteger.valueOf(250))));
                rpc.awaitReceipt(rpc.sendEth(from, PAYEE_ETH, ETHER.multiply(BigInteger.valueOf(3)).shiftRight(1)));
                rpc.mine(1);
                awaitApplied(node, rpc);
                rpc.reorg(2, List.of(ReorgTx.payment(from, PAYEE_ETH, ETHER, 0)));
                awaitApplied(node, rpc);
                rpc.mine(12);
                awaitApplied(node, rpc);
            }
            final List<String> events = events(node);
            node.close();
            assertEquals(List.of(
                "inv-eth INVOICE_OPENED AWAITING_PAYMENT 0 native",
                "inv-tok INVOICE_OPENED AWAITING_PAYMENT 0 TST",
                "inv-refused INVOICE_OPENED AWAITING_PAYMENT 0 native",
                "inv-refused PAYMENT_FAILED AWAITING_PAYMENT 100000000000000000 native",
                "inv-tok WRONG_ASSET_PAYMENT AWAITING_PAYMENT 250000000000000000000 OTHER",
                "inv-tok PAYMENT_IN_BLOCK CONFIRMING 250000000000000000000 TST",
                "inv-tok INVOICE_CONFIRMING CONFIRMING 0 TST",
                "inv-eth PAYMENT_IN_BLOCK CONFIRMING 1500000000000000000 native",
                "inv-eth INVOICE_CONFIRMING CONFIRMING 0 native",
                "inv-eth PAYMENT_REVERTED AWAITING_PAYMENT 1500000000000000000 native",
                "inv-eth PAYMENT_IN_BLOCK UNDERPAID 1000000000000000000 native",
                "inv-tok INVOICE_CONFIRMED CONFIRMED 0 TST"),
                events.stream().map(e -> e.replace(token, "TST").replace(otherToken, "OTHER")).toList());
        }
    }

    @Test
    void shouldConfirmByTheFinalizedTagUnderTheFinalizedPolicy() throws Exception {
        try (AnvilNode anvil = Anvil.start()) {
            final AnvilRpc rpc = anvil.rpc();
            final String from = rpc.accounts().get(0);
            final FinalityNode node = new FinalityNode(new NodeContext().dataDirectory(dir).durability(JournalContext.Durability.NONE));
            final EthereumContext eth = new EthereumContext().chain(ChainId.ETHEREUM_DEV).startHeight(0).pendingTransactions(false);
            eth.rpc().uri(anvil.wsUri());
            final long paidAt;
            final List<Long> confirmedWhenFinalized = new ArrayList<>();
            try (EthereumConnection connection = new EthereumConnection(node.resumeEthereum(eth))) {
                connection.start(node.publisher());
                node.open(new InvoiceRequest("inv-final", "ethereum-dev", PAYEE_ETH, "2", EXPIRES, PolicyBook.ETHEREUM_FINALIZED, null,
                    null));
                assertTrue(node.awaitApplied(10_000));
                paidAt = AnvilRpc.longOf(rpc.awaitReceipt(rpc.sendEth(from, PAYEE_ETH, ETHER.shiftLeft(1))).get("blockNumber"));
                // anvil's finalized tag trails its head; mine one block at a time until the tag passes the payment
                while (events(node).stream().noneMatch(e -> e.contains("INVOICE_CONFIRMED"))) {
                    assertTrue(rpc.blockNumber() < paidAt + 200, "never confirmed");
                    rpc.mine(1);
                    awaitApplied(node, rpc);
                    final long finalized = AnvilRpc.longOf(rpc.result("eth_getBlockByNumber", "[\"finalized\",false]").get("number"));
                    if (events(node).stream().anyMatch(e -> e.contains("INVOICE_CONFIRMED"))) {
                        confirmedWhenFinalized.add(finalized);
                    } else {
                        assertTrue(finalized < paidAt, "finalized " + finalized + " passed the payment at " + paidAt + " unconfirmed");
                    }
                }
            }
            node.close();
            // never before the tag reaches the payment; the tag travels with the next block, so at most one block later
            assertEquals(1, confirmedWhenFinalized.size());
            final long tag = confirmedWhenFinalized.get(0);
            assertTrue(tag >= paidAt && tag <= paidAt + 1, "confirmed when the node's finalized tag was " + tag + ", payment at " + paidAt);
        }
    }

    @Test
    void shouldReportPendingPaymentsOnceAndDropReplacedOnes() throws Exception {
        try (AnvilNode anvil = Anvil.start()) {
            final AnvilRpc rpc = anvil.rpc();
            final String from = rpc.accounts().get(0);
            rpc.mine(1);
            rpc.setAutomine(false);
            final FinalityNode node = new FinalityNode(new NodeContext().dataDirectory(dir).durability(JournalContext.Durability.NONE));
            final EthereumContext eth = new EthereumContext().chain(ChainId.ETHEREUM_DEV).startHeight(0);
            eth.rpc().uri(anvil.wsUri());
            try (EthereumConnection connection = new EthereumConnection(node.resumeEthereum(eth))) {
                connection.start(node.publisher());
                node.open(new InvoiceRequest("inv-pending", "ethereum-dev", PAYEE_ETH, "1", EXPIRES, null, null, null));
                node.open(new InvoiceRequest("inv-replaced", "ethereum-dev", PAYEE_TOKEN, "1", EXPIRES, null, null, null));
                awaitApplied(node, rpc);
                final long deadline = System.currentTimeMillis() + 10_000;
                while (!connection.pendingSubscribed()) {
                    assertTrue(System.currentTimeMillis() < deadline, "no pending subscription");
                    Thread.sleep(10);
                }
                rpc.sendEth(from, PAYEE_ETH, ETHER);
                awaitEvents(node, 3);
                final long nonce = AnvilRpc.longOf(rpc.result("eth_getTransactionCount", "[\"" + from + "\",\"pending\"]"));
                rpc.sendTransaction(legacy(from, PAYEE_TOKEN, ETHER, nonce, 3));
                awaitEvents(node, 4);
                rpc.sendTransaction(legacy(from, "0x5eed0000000000000000000000000000000000e3", BigInteger.ONE, nonce, 30));
                for (int i = 0; i < EthereumContext.DEFAULT_PENDING_GONE_AFTER_BLOCKS + 2; i++) {
                    rpc.mine(1);
                    awaitApplied(node, rpc);
                }
                awaitEvents(node, 7);
            }
            final List<String> events = events(node);
            node.close();
            assertEquals(List.of(
                "inv-pending INVOICE_OPENED AWAITING_PAYMENT 0 native",
                "inv-replaced INVOICE_OPENED AWAITING_PAYMENT 0 native",
                "inv-pending PAYMENT_DETECTED DETECTED 1000000000000000000 native",
                "inv-replaced PAYMENT_DETECTED DETECTED 1000000000000000000 native",
                "inv-pending PAYMENT_IN_BLOCK CONFIRMING 1000000000000000000 native",
                "inv-pending INVOICE_CONFIRMING CONFIRMING 0 native",
                "inv-replaced PAYMENT_INVALIDATED AWAITING_PAYMENT 1000000000000000000 native"), events);
        }
    }

    private static String legacy(final String from, final String to, final BigInteger wei, final long nonce, final long gwei) {
        return "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"value\":\"" + AnvilRpc.quantity(wei) + "\",\"nonce\":\""
            + AnvilRpc.quantity(nonce) + "\",\"gasPrice\":\"" + AnvilRpc.quantity(BigInteger.TEN.pow(9).multiply(BigInteger.valueOf(gwei)))
            + "\"}";
    }

    private static void awaitEvents(final FinalityNode node, final int count) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + 15_000;
        while (events(node).size() < count) {
            assertTrue(System.currentTimeMillis() < deadline, "only " + events(node));
            Thread.sleep(20);
        }
    }

    private static void awaitApplied(final FinalityNode node, final AnvilRpc rpc) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            final long head = rpc.blockNumber();
            final ChainPosition p = node.chainPosition(ChainId.ETHEREUM_DEV);
            if (!p.empty() && p.tipHeight() == head && ("0x" + io.finality.core.buffer.Hex.toHex(p.hashesOldestFirst()
                .get(p.hashesOldestFirst().size() - 1))).equals(rpc.blockHash(head)) && node.awaitApplied(1_000)) {
                return;
            }
            assertTrue(System.currentTimeMillis() < deadline, "the node did not reach anvil's head " + head);
            Thread.sleep(10);
        }
    }

    private static List<String> events(final FinalityNode node) {
        final JsonMapper json = JsonMapper.builder().build();
        final List<String> out = new ArrayList<>();
        final StringBuilder line = new StringBuilder();
        try (EventTailer tailer = new EventTailer(node.journal(), 1)) {
            while (tailer.poll(e -> {
                line.setLength(0);
                final JsonNode n = json.readTree(PaymentEventJson.render(e, line).toString());
                out.add(n.get("invoiceId").asString() + " " + n.get("type").asString() + " " + n.get("status").asString() + " "
                    + n.get("paymentAmount").asString() + " " + n.get("asset").asString());
            }, 64) > 0) {
                Thread.onSpinWait();
            }
        }
        return out;
    }
}
