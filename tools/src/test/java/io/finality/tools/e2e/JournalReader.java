package io.finality.tools.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.tools.Finality;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** How the end-to-end tests read a process's journal: through {@code finality tail}, as a gateway would. */
final class JournalReader {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private JournalReader() {
    }

    /** {@code finality tail -d data}: every event as a JSON line. */
    static List<String> tail(final java.nio.file.Path data) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = Finality.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute("tail", "-d", data.toString()), err.toString());
        return out.toString().lines().toList();
    }

    /** Tail until at least {@code count} events are there (20 s at most). */
    static List<String> awaitEvents(final java.nio.file.Path data, final int count) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> events = tail(data);
        while (events.size() < count) {
            assertTrue(System.nanoTime() < deadline, "only " + events.size() + " of " + count + " events:\n" + String.join("\n", events));
            Thread.sleep(50);
            events = tail(data);
        }
        return events;
    }

    /** "sequence type invoiceId status paymentAmount flags" for each event. */
    static List<String> summaries(final List<String> lines) {
        final List<String> out = new ArrayList<>();
        for (String line : lines) {
            final JsonNode e = JSON.readTree(line);
            final List<String> flags = new ArrayList<>();
            e.get("flags").forEach(f -> flags.add(f.stringValue()));
            out.add(e.get("sequence").longValue() + " " + e.get("type").stringValue() + " " + e.get("invoiceId").stringValue() + " "
                + e.get("status").stringValue() + " " + e.get("paymentAmount").stringValue() + " " + flags);
        }
        return out;
    }

    /** Sequences 1..n with no gap, and no event id twice. */
    static void checkGapFreeAndUnique(final List<String> events) {
        final Set<String> ids = new HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            final JsonNode e = JSON.readTree(events.get(i));
            assertEquals(i + 1, e.get("sequence").longValue(), "gap or duplicate at " + events.get(i));
            assertTrue(ids.add(e.get("eventId").stringValue()), "event id twice: " + events.get(i));
        }
    }
}
