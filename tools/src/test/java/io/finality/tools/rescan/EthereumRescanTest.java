package io.finality.tools.rescan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.engine.journal.ChainPosition;
import io.finality.ethereum.devnet.AnvilNode;
import io.finality.ethereum.devnet.AnvilRpc;
import io.finality.ethereum.node.Anvil;
import io.finality.ethereum.sync.EthereumConnection;
import io.finality.tools.Finality;
import io.finality.tools.cli.RescanCommandAccess;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.node.InvoiceRequest;
import io.finality.tools.run.RunConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code finality rescan} against a real anvil, through the real pipeline and journal: payments made to addresses
 * before their invoices were opened are missed live and found by the rescan, with the confirmations their blocks
 * have; a payment the live sync counted is not counted again; a second rescan finds nothing; the state it leaves
 * carries on when the node runs again.
 */
class EthereumRescanTest {
    private static final String EARLY = "0x5eed0000000000000000000000000000000000a1";
    private static final String LIVE = "0x5eed0000000000000000000000000000000000a2";
    private static final String TOKEN_EARLY = "0x5eed0000000000000000000000000000000000a3";
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);
    private static final long EXPIRES = System.currentTimeMillis() + 3_600_000;

    @TempDir
    Path dir;

    @Test
    void shouldFindPaymentsMadeBeforeTheirInvoicesOpenedExactlyOnce() throws Exception {
        try (AnvilNode anvil = Anvil.start()) {
            final AnvilRpc rpc = anvil.rpc();
            final String from = rpc.accounts().get(0);
            final String token = rpc.deployToken(from, ETHER.multiply(BigInteger.valueOf(1_000)));
            final RunConfig config = RunConfig.load(config(anvil, token));

            // live: inv-live is watched when it is paid; EARLY and TOKEN_EARLY are paid before their invoices exist
            final long paidEarly;
            final long tipBefore;
            try (FinalityNode node = new FinalityNode(config.node());
                 EthereumConnection connection = new EthereumConnection(node.resumeEthereum(config.ethereum()))) {
                connection.start(node.publisher());
                node.open(new InvoiceRequest("inv-live", "ethereum-dev", LIVE, "1", EXPIRES, null, null, null));
                assertTrue(node.awaitApplied(10_000));
                paidEarly = AnvilRpc.longOf(rpc.awaitReceipt(rpc.sendEth(from, EARLY, ETHER.multiply(BigInteger.TWO))).get("blockNumber"));
                rpc.awaitReceipt(rpc.transferToken(token, from, TOKEN_EARLY, ETHER.multiply(BigInteger.valueOf(5))));
                rpc.awaitReceipt(rpc.sendEth(from, LIVE, ETHER));
                rpc.mine(2);
                awaitHead(node, rpc);
                node.open(new InvoiceRequest("inv-early", "ethereum-dev", EARLY, "2", EXPIRES, null, null, null));
                node.open(new InvoiceRequest("inv-token", "ethereum-dev", TOKEN_EARLY, "5", EXPIRES, null, null, null, "TST"));
                assertTrue(node.awaitApplied(10_000));
                tipBefore = node.chainPosition(ChainId.ETHEREUM_DEV).tipHeight();
                assertEquals(List.of("inv-live INVOICE_OPENED", "inv-live PAYMENT_IN_BLOCK", "inv-live INVOICE_CONFIRMING",
                    "inv-early INVOICE_OPENED", "inv-token INVOICE_OPENED"), JournalEvents.of(node, 1));
            }

            // the rescan from before the payments finds the two early ones, and only those
            final RescanSummary first = rescan(config, paidEarly - 1);
            assertEquals(tipBefore - paidEarly + 2, first.read());
            assertEquals(first.read(), first.applied());
            assertEquals(0, first.refused());
            final long confirmations = tipBefore - paidEarly + 1;
            assertEquals(List.of(
                "PAYMENT_IN_BLOCK       invoice inv-early, now CONFIRMING: 2000000000000000000 base units at height " + paidEarly
                    + " (" + confirmations + " confirmations)",
                "INVOICE_CONFIRMING     invoice inv-early, now CONFIRMING",
                "PAYMENT_IN_BLOCK       invoice inv-token, now CONFIRMING: 5000000000000000000 base units at height " + (paidEarly + 1)
                    + " (" + (confirmations - 1) + " confirmations)",
                "INVOICE_CONFIRMING     invoice inv-token, now CONFIRMING"), first.listed());
            assertEquals(4, first.events());

            // again, through the command line: nothing new
            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();
            final CommandLine cli = Finality.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            assertEquals(0, cli.execute("rescan", "-c", dir.resolve("finality.yaml").toString(), "-f", Long.toString(paidEarly - 1), "-q"),
                err.toString());
            assertTrue(out.toString().contains("0 events journaled") && out.toString().contains("no payment found"), out.toString());

            // the node runs on from there: 12 confirmations confirm the found payments
            try (FinalityNode node = new FinalityNode(config.node());
                 EthereumConnection connection = new EthereumConnection(node.resumeEthereum(config.ethereum()))) {
                final long firstNew = node.firstEventSequence();
                connection.start(node.publisher());
                rpc.mine(12);
                awaitHead(node, rpc);
                // each at its own block's twelfth confirmation: the early payments were mined first
                assertEquals(List.of("inv-early INVOICE_CONFIRMED", "inv-token INVOICE_CONFIRMED", "inv-live INVOICE_CONFIRMED"),
                    JournalEvents.of(node, firstNew));
            }
        }
    }

    @Test
    void shouldRefuseHeightsItCannotRescanWithAClearReason() throws Exception {
        try (AnvilNode anvil = Anvil.start()) {
            final RunConfig config = RunConfig.load(config(anvil, "0x" + "7e".repeat(20)));
            final RescanException nothing = assertThrows(RescanException.class, () -> rescan(config, 0));
            assertEquals(RescanException.OUT_OF_RANGE, nothing.exitCode());
            assertTrue(nothing.getMessage().contains("no block of ethereum-dev is applied yet"), nothing.getMessage());
            final long tip;
            try (FinalityNode node = new FinalityNode(config.node());
                 EthereumConnection connection = new EthereumConnection(node.resumeEthereum(config.ethereum()))) {
                connection.start(node.publisher());
                anvil.rpc().mine(3);
                awaitHead(node, anvil.rpc());
                tip = node.chainPosition(ChainId.ETHEREUM_DEV).tipHeight();
            }
            final RescanException above = assertThrows(RescanException.class, () -> rescan(config, tip + 1));
            assertEquals(RescanException.OUT_OF_RANGE, above.exitCode());
            assertTrue(above.getMessage().contains("above the applied tip"), above.getMessage());
            final RescanException wrongChain = assertThrows(RescanException.class,
                () -> new Rescan(config, "bitcoin-mainnet", 0, Long.MAX_VALUE, RescanCommandAccess::source, RescanProgress.NONE).run());
            assertEquals(RescanException.INVALID, wrongChain.exitCode());
            assertTrue(wrongChain.getMessage().contains("not watched by this configuration (ethereum-dev)"), wrongChain.getMessage());
            // a node that lost the blocks cannot serve them: a clear error, nothing applied
            anvil.stop();
            final RescanException gone = assertThrows(RescanException.class, () -> rescan(config, tip));
            assertEquals(RescanException.SOURCE, gone.exitCode());
            assertTrue(gone.getMessage().contains("attempts"), gone.getMessage());
        }
    }

    private static RescanSummary rescan(final RunConfig config, final long from) {
        return new Rescan(config, null, from, Long.MAX_VALUE, RescanCommandAccess::source, RescanProgress.NONE).run();
    }

    private Path config(final AnvilNode anvil, final String token) throws Exception {
        return Files.writeString(dir.resolve("finality.yaml"), String.join("\n",
            "data_dir: data",
            "ethereum:",
            "  chain: ethereum-dev",
            "  node: " + anvil.wsUri(),
            "  pending_transactions: false",
            "  request_timeout: 2s",
            "  tokens:",
            "    - { symbol: TST, contract: \"" + token + "\", decimals: 18 }",
            "journal:",
            "  durability: async",
            ""));
    }

    private static void awaitHead(final FinalityNode node, final AnvilRpc rpc) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            final long head = rpc.blockNumber();
            final ChainPosition p = node.chainPosition(ChainId.ETHEREUM_DEV);
            if (!p.empty() && p.tipHeight() == head && ("0x" + Hex.toHex(p.tipHash())).equals(rpc.blockHash(head))
                && node.awaitApplied(1_000)) {
                return;
            }
            assertTrue(System.currentTimeMillis() < deadline, "the node did not reach anvil's head " + head);
            Thread.sleep(10);
        }
    }
}
