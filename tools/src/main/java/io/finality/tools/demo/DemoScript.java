package io.finality.tools.demo;

import io.finality.bitcoin.address.BitcoinAddressCodec;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.p2p.BitcoinPeerConnection;
import io.finality.bitcoin.p2p.LoopbackPeer;
import io.finality.bitcoin.regtest.RawTransactionBuilder;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.node.InvoiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's story, played through the real pipeline: invoices opened through the node's API
 * path; payments (exact, split, under, over, late, replaced) announced and mined by a loopback
 * Bitcoin node that serves a regtest chain over the P2P wire protocol, which the node's own
 * {@link BitcoinPeerConnection} syncs from (handshake, headers-first, getdata, inv, reorg); a
 * two-block reorg; expiry by clock ticks. Each invoice has the outcome a payment
 * engineer expects; {@link #run} reports whether the engine reached all of them.
 *
 * <p>Runs on the caller's thread; the events are printed by an {@link EventPrinter}.
 */
final class DemoScript {
    private static final long HOUR = 3_600_000L;

    private final FinalityNode node;
    private final LoopbackPeer peer;
    private final BitcoinPeerConnection connection;
    private final EventPrinter printer;
    private final Narrator narrator;
    private final Map<String, byte[]> scripts = new LinkedHashMap<>();
    private final List<Narrator.Case> cases = new ArrayList<>();
    private final Map<String, Long> expiries = new LinkedHashMap<>();
    private int nextOutpoint;

    DemoScript(
        final FinalityNode node,
        final LoopbackPeer peer,
        final BitcoinPeerConnection connection,
        final EventPrinter printer,
        final Narrator narrator) {
        this.node = node;
        this.peer = peer;
        this.connection = connection;
        this.printer = printer;
        this.narrator = narrator;
    }

    /** Play the story; returns true if every invoice ended as expected. */
    boolean run(final long now) {
        narrator.step("The node connects to a Bitcoin node on 127.0.0.1:" + peer.port() + " (regtest, P2P protocol) and syncs block 1");
        settle();

        narrator.step("Seven invoices are opened through the API path (validated, stored durably in RocksDB, then sent into the ring)");
        plan("shop-1001", "exact payment", "0.005", now + HOUR, "CONFIRMED");
        plan("shop-1002", "paid in two parts", "0.5", now + HOUR, "CONFIRMED");
        plan("shop-1003", "underpaid, then expires", "0.03", now + HOUR, "UNDERPAID");
        plan("shop-1004", "overpaid", "0.004", now + HOUR, "CONFIRMED");
        plan("shop-1005", "paid after it expired", "0.002", now - 2 * HOUR, "MANUAL_REVIEW");
        plan("shop-1006", "payment replaced (RBF)", "0.007", now + HOUR, "EXPIRED");
        plan("shop-1007", "paid, reorged out, re-mined", "0.009", now + HOUR, "CONFIRMED");
        for (Narrator.Case c : cases) {
            open(c);
        }
        settle();

        narrator.step("The clock ticks: shop-1005 was due two hours ago (plus the one-hour grace), so it closes");
        node.tick(now);
        settle();

        narrator.step("Two payments appear in the mempool: detected, never final");
        final byte[] exact = pay("shop-1001", 500_000);
        final int contested = nextOutpoint++;
        final byte[] original = payFrom(contested, "shop-1006", 700_000);
        peer.addTransaction(exact);
        peer.addTransaction(original);
        settle();

        narrator.step("The shop-1006 customer replaces the payment by fee, spending the same coin to themselves");
        final byte[] replacement = new RawTransactionBuilder().spend(outpoint(contested), 0)
            .pay(690_000, new byte[] {0x51}).build();
        peer.addTransaction(replacement);
        settle();

        narrator.step("Block 2 mines the exact payment, part one of shop-1002, the under-, over- and late payments, and the replacement");
        final byte[] part1 = pay("shop-1002", 30_000_000);
        final byte[] under = pay("shop-1003", 1_000_000);
        final byte[] over = pay("shop-1004", 600_000);
        final byte[] late = pay("shop-1005", 200_000);
        peer.mine(List.of(exact, part1, under, over, late, replacement));
        settle();

        narrator.step("Block 3 mines part two of shop-1002 and the shop-1007 payment");
        final byte[] part2 = pay("shop-1002", 20_000_000);
        final byte[] reorged = pay("shop-1007", 900_000);
        peer.mine(List.of(part2, reorged));
        settle();

        narrator.step("A reorganisation: the node switches to a longer branch 2', 3', 4' built on block 1. Blocks 3 and 2 are"
            + " disconnected (tip first), then 2' re-mines block 2's transactions, 3' is empty, 4' mines the rest");
        peer.reorg(2, List.of(List.of(exact, part1, under, over, late, replacement), List.of(), List.of(part2, reorged)));
        settle();

        narrator.step("Two more blocks: shop-1002 (0.5 BTC) needs 3 confirmations");
        peer.mineEmpty(2);
        settle();

        narrator.step("Two hours later: unpaid and underpaid invoices close");
        node.tick(now + 2 * HOUR + 1);
        settle();

        return summary();
    }

    /** Announce an invoice of the story (opened afterwards, so the narration is not interleaved with events). */
    private void plan(final String id, final String story, final String amount, final long expiresAt, final String expected) {
        final Narrator.Case c = new Narrator.Case(id, story, amount, "BTC", address(id), expected);
        cases.add(c);
        expiries.put(id, expiresAt);
        narrator.plan(c);
    }

    private void open(final Narrator.Case c) {
        node.open(new InvoiceRequest(c.id(), "bitcoin-regtest", c.address(), c.amount(), expiries.get(c.id()), null,
            "order-" + c.id().substring(5), "demo"));
    }

    private String address(final String id) {
        return BitcoinAddressCodec.fromScript(script(id), BitcoinNetwork.REGTEST);
    }

    /** A P2WPKH script whose key hash is derived from the invoice id (no private keys involved). */
    private byte[] script(final String id) {
        return scripts.computeIfAbsent(id, k -> {
            final byte[] hash = RegtestChain.sha256d(k.getBytes(StandardCharsets.US_ASCII));
            final byte[] s = new byte[22];
            s[0] = 0x00;
            s[1] = 0x14;
            System.arraycopy(hash, 0, s, 2, 20);
            return s;
        });
    }

    private byte[] pay(final String id, final long satoshis) {
        return payFrom(nextOutpoint++, id, satoshis);
    }

    private byte[] payFrom(final int coin, final String id, final long satoshis) {
        return new RawTransactionBuilder().spend(outpoint(coin), 0).pay(satoshis, script(id))
            .pay(10_000, new byte[] {0x51}).build();
    }

    /** A distinct previous txid per customer coin. */
    private static byte[] outpoint(final int coin) {
        return RegtestChain.sha256d(("coin-" + coin).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Wait until the connection has synced the peer's tip, both stages applied everything published,
     * and the printer has been quiet for a moment (mempool relay is asynchronous), then pause for the reader.
     */
    private void settle() {
        final long deadline = System.currentTimeMillis() + 30_000;
        long published = -1;
        long seen = -1;
        while (connection.connectedHeight() != peer.tipHeight() || published != node.pipeline().counters().published()
            || seen != printer.printed()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the node did not catch up with the peer within 30 s (synced "
                    + connection.connectedHeight() + " of " + peer.tipHeight() + ")");
            }
            published = node.pipeline().counters().published();
            seen = printer.printed();
            if (!node.awaitApplied(10_000)) {
                throw new IllegalStateException("the pipeline did not apply the published slots");
            }
            Narrator.sleep(150);
        }
        narrator.pause();
    }

    private boolean summary() {
        return narrator.summary("Summary of the Bitcoin act (each invoice's last event, as a gateway tailing the journal sees it)",
            cases, printer);
    }
}
