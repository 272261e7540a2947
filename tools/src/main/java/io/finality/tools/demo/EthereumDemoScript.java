package io.finality.tools.demo;

import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.engine.journal.ChainPosition;
import io.finality.ethereum.devnet.AnvilNode;
import io.finality.ethereum.devnet.AnvilRpc;
import io.finality.ethereum.devnet.ReorgTx;
import io.finality.ethereum.sync.EthereumConnection;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.node.InvoiceRequest;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's Ethereum act, played when anvil is installed: the node's own WebSocket JSON-RPC connection follows a
 * real anvil; invoices in ETH and in an ERC-20 deployed on it; an exact ETH payment, a token payment, a wrong token,
 * a payment the receiving contract refuses (mined with status 0), and an ETH payment that an {@code anvil_reorg}
 * replaces with a smaller one; then 12 confirmations and expiry.
 *
 * <p>Runs on the caller's thread; the events are printed by the shared {@link EventPrinter}.
 */
final class EthereumDemoScript {
    private static final long HOUR = 3_600_000L;
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);

    private final FinalityNode node;
    private final AnvilNode anvil;
    private final DemoTokens tokens;
    private final EthereumConnection connection;
    private final EventPrinter printer;
    private final Narrator narrator;
    private final List<Narrator.Case> cases = new ArrayList<>();

    EthereumDemoScript(final FinalityNode node, final AnvilNode anvil, final DemoTokens tokens, final EthereumConnection connection,
                       final EventPrinter printer, final Narrator narrator) {
        this.node = node;
        this.anvil = anvil;
        this.tokens = tokens;
        this.connection = connection;
        this.printer = printer;
        this.narrator = narrator;
    }

    /** Play the act with the clock at {@code now}; true if every invoice ended as expected. */
    boolean run(final long now) {
        final AnvilRpc rpc = anvil.rpc();
        final String from = rpc.accounts().get(0);
        narrator.step("Ethereum: anvil (a real Ethereum dev node) runs on 127.0.0.1:" + anvil.port() + "; the node follows it over"
            + " WebSocket JSON-RPC (newHeads, then each block with its receipts)");
        settle();

        narrator.step("Five invoices in ETH and in DUSD, an ERC-20 token deployed on anvil at " + tokens.dusd());
        final Narrator.Case exact = plan("eth-2001", "exact ETH payment", "0.25", "ETH", address("eth-2001"), "CONFIRMED");
        final Narrator.Case token = plan("eth-2002", "paid in the DUSD token", "100", "DUSD", address("eth-2002"), "CONFIRMED");
        final Narrator.Case wrong = plan("eth-2003", "wrong token sent, then expires", "50", "DUSD", address("eth-2003"), "EXPIRED");
        final Narrator.Case reorged = plan("eth-2004", "reorged out, replaced by less", "0.5", "ETH", address("eth-2004"), "UNDERPAID");
        final Narrator.Case refused = plan("eth-2005", "contract address refuses ETH", "0.1", "ETH", tokens.refuser(), "EXPIRED");
        for (Narrator.Case c : cases) {
            node.open(new InvoiceRequest(c.id(), ChainId.ETHEREUM_DEV.configName(), c.address(), c.amount(), now + HOUR, null,
                "order-" + c.id().substring(4), "demo", c.asset()));
        }
        settle();

        narrator.step("Payments, each mined in its own block: 0.25 ETH, 100 DUSD, 50 of another token (OTHR) to the DUSD invoice,"
            + " 0.1 ETH that the receiving contract reverts (mined with status 0: never counts), and 0.5 ETH for eth-2004");
        rpc.awaitReceipt(rpc.sendEth(from, exact.address(), ETHER.divide(BigInteger.valueOf(4))));
        rpc.awaitReceipt(rpc.transferToken(tokens.dusd(), from, token.address(), ETHER.multiply(BigInteger.valueOf(100))));
        rpc.awaitReceipt(rpc.transferToken(tokens.other(), from, wrong.address(), ETHER.multiply(BigInteger.valueOf(50))));
        rpc.awaitReceipt(rpc.sendEthWithGas(from, refused.address(), ETHER.divide(BigInteger.TEN), AnvilRpc.REVERT_GAS));
        rpc.awaitReceipt(rpc.sendEth(from, reorged.address(), ETHER.divide(BigInteger.TWO)));
        settle();

        narrator.step("anvil_reorg: the last block is replaced by one in which eth-2004's customer paid 0.4 ETH; the node"
            + " disconnects the old block and connects the new one");
        rpc.reorg(1, List.of(ReorgTx.payment(from, reorged.address(), ETHER.multiply(BigInteger.valueOf(4)).divide(BigInteger.TEN), 0)));
        settle();

        narrator.step("Twelve more blocks: the Ethereum default policy counts 12 confirmations");
        rpc.mine(12);
        settle();

        narrator.step("Two hours later: the invoices still waiting expire");
        node.tick(now + 2 * HOUR + 1);
        settle();
        return narrator.summary("Summary of the Ethereum act", cases, printer);
    }

    private Narrator.Case plan(final String id, final String story, final String amount, final String asset, final String address,
                               final String expected) {
        final Narrator.Case c = new Narrator.Case(id, story, amount, asset, address, expected);
        cases.add(c);
        narrator.plan(c);
        return c;
    }

    /** An address derived from the invoice id (nobody holds its key; it only receives). */
    private static String address(final String id) {
        final byte[] hash = io.finality.bitcoin.regtest.RegtestChain.sha256d(id.getBytes(StandardCharsets.US_ASCII));
        return "0x" + Hex.toHex(hash, 0, 20);
    }

    /** Wait until the node applied anvil's head block (height and hash) and the printer went quiet. */
    private void settle() {
        final AnvilRpc rpc = anvil.rpc();
        final long deadline = System.currentTimeMillis() + 30_000;
        long seen = -1;
        while (!atHead(rpc) || seen != printer.printed()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the node did not catch up with anvil within 30 s (at "
                    + connection.connectedHeight() + ", anvil at " + rpc.blockNumber() + ")");
            }
            seen = printer.printed();
            if (!node.awaitApplied(10_000)) {
                throw new IllegalStateException("the pipeline did not apply the published slots");
            }
            Narrator.sleep(150);
        }
        narrator.pause();
    }

    private boolean atHead(final AnvilRpc rpc) {
        final long head = rpc.blockNumber();
        final ChainPosition p = node.chainPosition(ChainId.ETHEREUM_DEV);
        if (p.empty() || p.tipHeight() != head) {
            return false;
        }
        final List<byte[]> hashes = p.hashesOldestFirst();
        return ("0x" + Hex.toHex(hashes.get(hashes.size() - 1))).equals(rpc.blockHash(head));
    }
}
