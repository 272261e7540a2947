package io.finality.tools.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.ethereum.devnet.AnvilNode;
import io.finality.tools.Finality;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The demo, run as a user runs it: through the CLI, on the real pipeline, to its self-checked end; with the Ethereum
 * act on anvil when it is installed (always in CI).
 */
class DemoTest {
    @Test
    void shouldEndEveryInvoiceInItsExpectedStatusWithTheReorgAndReplacementVisible() {
        final StringWriter out = new StringWriter();
        final CommandLine cli = Finality.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        final int rc = cli.execute("demo", "--fast", "--no-color");
        final String text = out.toString();
        assertEquals(0, rc, text);
        for (String expected : List.of("INVOICE_CONFIRMED", "CONFIRMATION_REVERTED", "PAYMENT_REVERTED", "PAYMENT_INVALIDATED",
            "LATE_PAYMENT", "OVERPAID", "INVOICE_UNDERPAID", "INVOICE_EXPIRED", "INVOICE_MANUAL_REVIEW")) {
            assertTrue(text.contains(expected), "missing " + expected + " in:\n" + text);
        }
        final boolean ethereum = AnvilNode.find().isPresent();
        assertEquals(ethereum ? 12 : 7, text.split("as expected", -1).length - 1, text);
        if (ethereum) {
            for (String expected : List.of("WRONG_ASSET_PAYMENT    eth-2003    -> AWAITING_PAYMENT 50 OTHR",
                "PAYMENT_FAILED         eth-2005    -> AWAITING_PAYMENT 0.1 ETH",
                "PAYMENT_REVERTED       eth-2004    -> AWAITING_PAYMENT 0.5 ETH",
                "PAYMENT_IN_BLOCK       eth-2004    -> UNDERPAID        0.4 ETH", "INVOICE_CONFIRMED      eth-2002    -> CONFIRMED")) {
                assertTrue(text.contains(expected), "missing '" + expected + "' in:\n" + text);
            }
        }
        // Gap-free sequence: the last event printed is #50 and every number before it appears once.
        for (int seq = 1; seq <= 50; seq++) {
            assertTrue(text.contains(String.format("#%-3d ", seq)), "event #" + seq + " missing");
        }
    }
}
