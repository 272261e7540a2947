package io.finality.tools.node;

import static io.finality.tools.RegtestPayments.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinAddressCodec;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.engine.journal.JournalContext;
import io.finality.engine.policy.PolicyBook;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch indexes' maintenance pauses, which {@code /metrics} shows, count the index the node really probes: a node
 * sized for 16 watched keys that is handed 200 invoices grows its script index (each growth a pause of the scan
 * thread), while its outpoint index, which nothing paid into, never pauses; restarted, it sizes the script index for
 * its store and grows nothing.
 */
@Timeout(60)
class FinalityNodeIndexPausesTest {
    private static final long EXPIRES = 4_000_000_000_000L;
    private static final int INVOICES = 200;

    @Test
    void shouldCountTheGrowthPausesOfTheScriptIndexItProbes(@TempDir final Path dir) throws Exception {
        final NodeContext context = context(dir);
        try (FinalityNode node = new FinalityNode(context)) {
            final long before = node.indexPauses(FinalityNode.WatchIndex.SCRIPTS);
            openInvoices(node);
            // 16 expected keys make a table of 32 slots; 200 keys at the default load factor of 0.65 take four doublings
            final long grown = node.indexPauses(FinalityNode.WatchIndex.SCRIPTS) - before;
            assertTrue(grown >= 4, "script index pauses: " + grown);
            assertTrue(node.indexMaxPauseNanos(FinalityNode.WatchIndex.SCRIPTS) > 0);
            assertEquals(0, node.indexPauses(FinalityNode.WatchIndex.OUTPOINTS));
            assertEquals(0, node.indexMaxPauseNanos(FinalityNode.WatchIndex.OUTPOINTS));
        }
    }

    /** A restarted node sizes its script index for the invoices in its store: loading them grows nothing. */
    @Test
    void shouldSizeTheScriptIndexForTheStoreAtRestart(@TempDir final Path dir) throws Exception {
        final NodeContext context = context(dir);
        try (FinalityNode node = new FinalityNode(context)) {
            openInvoices(node);
        }
        try (FinalityNode node = new FinalityNode(context)) {
            assertEquals(0, node.indexPauses(FinalityNode.WatchIndex.SCRIPTS), "growth while loading 200 invoices");
        }
    }

    /** A node whose indexes are sized for 16 watched keys. */
    private static NodeContext context(final Path dir) {
        return new NodeContext().dataDirectory(dir).policies(PolicyBook.withDefaults()).durability(JournalContext.Durability.NONE)
            .expectedKeys(16);
    }

    private static void openInvoices(final FinalityNode node) throws Exception {
        for (int i = 0; i < INVOICES; i++) {
            node.open(new InvoiceRequest("p-" + i, "bitcoin-regtest",
                BitcoinAddressCodec.fromScript(script("key-" + i), BitcoinNetwork.REGTEST), "0.001", EXPIRES, null, null, null));
        }
        assertTrue(node.awaitApplied(10_000));
    }
}
