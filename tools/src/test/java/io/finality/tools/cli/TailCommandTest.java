package io.finality.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.ethereum.devnet.AnvilNode;
import io.finality.tools.Finality;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo writes a real journal; tail must read it back as JSON lines, gap-free and resumable. */
class TailCommandTest {
    private static String run(final String... args) {
        final StringWriter out = new StringWriter();
        final CommandLine cli = Finality.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        assertEquals(0, cli.execute(args), out.toString());
        return out.toString();
    }

    @Test
    void shouldPrintEveryEventOfARealJournalAsJsonLinesFromASequenceOrACursor(@TempDir final Path dir) {
        run("demo", "--fast", "--no-color", "--data-dir", dir.toString());
        final List<String> all = run("tail", "-d", dir.toString()).lines().toList();
        // the Bitcoin act journals 50 events, the Ethereum act (when anvil is installed) 20 more
        assertEquals(AnvilNode.find().isPresent() ? 70 : 50, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertTrue(all.get(i).startsWith("{") && all.get(i).endsWith("}"), all.get(i));
            assertTrue(all.get(i).contains("\"sequence\":" + (i + 1) + ","), all.get(i));
        }
        assertTrue(all.get(0).contains("\"INVOICE_OPENED\"") && all.get(0).contains("shop-1001"), all.get(0));
        assertEquals(all.subList(40, all.size()), run("tail", "-d", dir.toString(), "--from", "41").lines().toList());

        final List<String> firstTen = run("tail", "-d", dir.toString(), "--cursor", "gw", "--limit", "10").lines().toList();
        assertEquals(all.subList(0, 10), firstTen);
    }
}
