package io.finality.tools.node;

import static io.finality.tools.RegtestPayments.pay;
import static io.finality.tools.RegtestPayments.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinAddressCodec;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.p2p.BitcoinPeerConnection;
import io.finality.bitcoin.p2p.BitcoinPeerContext;
import io.finality.bitcoin.p2p.LoopbackPeer;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.core.chain.ChainId;
import io.finality.core.event.PaymentEventJson;
import io.finality.engine.journal.ChainPosition;
import io.finality.engine.journal.EventTailer;
import io.finality.engine.journal.JournalContext;
import io.finality.engine.policy.PolicyBook;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart must not change what the node watches: a cancel keeps the invoice's key watched (so a late
 * payment to a cancelled invoice is reported, never silently missed), and the index rebuilt from the store
 * at start-up must do the same. The same chain, with payments to a cancelled invoice and to a cancelled
 * invoice whose key a later invoice took over, is synced by a node that never restarts and by one that
 * restarts between the cancels and the sync: both journals must hold the same events.
 */
@Timeout(120)
class FinalityNodeCancelRestartTest {
    private static final long EXPIRES = 4_000_000_000_000L;

    @Test
    void shouldReportAPaymentToACancelledInvoiceTheSameWithAndWithoutARestart(@TempDir final Path dir) throws Exception {
        final RegtestChain chain = new RegtestChain();
        chain.mine(List.of());
        chain.mine(List.of(pay(1, "cancelled", 40_000), pay(2, "reused", 70_000)));
        chain.mine(List.of());
        try (LoopbackPeer peer = new LoopbackPeer(chain).start()) {
            final List<String> straight = run(dir.resolve("straight"), peer, false);
            final List<String> restarted = run(dir.resolve("restarted"), peer, true);
            assertEquals(straight, restarted);
            // the payment to the cancelled invoice is reported; the one to the reused key goes to the later invoice
            assertTrue(straight.stream().anyMatch(e -> e.contains("\"type\":\"LATE_PAYMENT\"") && e.contains("\"invoiceId\":\"c-1\"")),
                String.join("\n", straight));
            assertTrue(straight.stream().anyMatch(e -> e.contains("\"type\":\"PAYMENT_IN_BLOCK\"") && e.contains("\"invoiceId\":\"r-2\"")),
                String.join("\n", straight));
            assertTrue(straight.stream().noneMatch(e -> e.contains("\"invoiceId\":\"r-1\"") && e.contains("\"txid\":\"")),
                String.join("\n", straight));
        }
    }

    /** Open and cancel invoices, optionally restart the node, then sync the chain; the events without timestamps. */
    private static List<String> run(final Path dir, final LoopbackPeer peer, final boolean restart) throws Exception {
        final NodeContext context = new NodeContext().dataDirectory(dir).policies(PolicyBook.withDefaults())
            .durability(JournalContext.Durability.NONE);
        FinalityNode node = new FinalityNode(context);
        try {
            node.open(request("c-1", "cancelled", "0.001"));
            assertNotNull(node.cancel("c-1"));
            node.open(request("r-1", "reused", "0.002"));
            assertNotNull(node.cancel("r-1"));
            node.open(request("r-2", "reused", "0.0007"));
            assertTrue(node.awaitApplied(10_000));
            if (restart) {
                node.close();
                node = new FinalityNode(context);
            }
            final BitcoinPeerContext source = new BitcoinPeerContext().network(BitcoinNetwork.REGTEST)
                .node(new InetSocketAddress("127.0.0.1", peer.port())).startHash(RegtestChain.GENESIS_HASH).startHeight(0);
            try (BitcoinPeerConnection c = new BitcoinPeerConnection(node.resumeBitcoin(source))) {
                c.start(node.publisher());
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!at(node, peer.tipHeight())) {
                    assertTrue(System.nanoTime() < deadline, "sync timed out");
                    Thread.sleep(10);
                }
                assertTrue(node.awaitApplied(10_000));
            }
            final List<String> events = new ArrayList<>();
            final StringBuilder line = new StringBuilder();
            try (EventTailer tailer = new EventTailer(node.journal(), 1)) {
                while (tailer.poll(e -> {
                    line.setLength(0);
                    events.add(PaymentEventJson.render(e, line).toString().replaceAll("\"timestampMs\":\\d+,", ""));
                }, 64) > 0) {
                    Thread.onSpinWait();
                }
            }
            return events;
        } finally {
            node.close();
        }
    }

    private static boolean at(final FinalityNode node, final long height) {
        final ChainPosition p = node.chainPosition(ChainId.BITCOIN_REGTEST);
        return !p.empty() && p.tipHeight() == height;
    }

    private static InvoiceRequest request(final String id, final String key, final String amount) {
        return new InvoiceRequest(id, "bitcoin-regtest", BitcoinAddressCodec.fromScript(script(key), BitcoinNetwork.REGTEST), amount,
            EXPIRES, null, null, null);
    }
}
