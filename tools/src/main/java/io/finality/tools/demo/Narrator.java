package io.finality.tools.demo;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * The demo's voice: numbered steps, plain lines, pauses for the reader, and the summary table that checks each
 * invoice's last status against the one the story expects. Shared by the Bitcoin and Ethereum acts; prints under
 * the writer's lock so narration and live events never interleave within a line.
 */
final class Narrator {
    /** One invoice of a story: what happens to it and the status it must end in. */
    record Case(String id, String story, String amount, String asset, String address, String expected) {
    }

    private final PrintWriter out;
    private final long pauseMs;

    Narrator(final PrintWriter out, final long pauseMs) {
        this.out = out;
        this.pauseMs = pauseMs;
    }

    void step(final String text) {
        say("");
        say("── " + text);
    }

    void say(final String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** Announce an invoice (before opening, so the narration is not interleaved with its events). */
    void plan(final Case c) {
        say(String.format("    %s  %-31s due %-6s %-4s to %s", c.id(), c.story(), c.amount(), c.asset(), c.address()));
    }

    /** Print each case's last status beside the expected one; true if all match. */
    boolean summary(final String title, final List<Case> cases, final EventPrinter printer) {
        say("");
        say("── " + title);
        boolean ok = true;
        for (Case c : cases) {
            final String got = printer.lastStatus().get(c.id());
            final boolean match = c.expected().equals(got);
            ok &= match;
            say(String.format("    %s  %-31s %-14s received/due %-30s %s", c.id(), c.story(), got,
                printer.lastTotals().get(c.id()), match ? "as expected" : "EXPECTED " + c.expected()));
        }
        return ok;
    }

    void pause() {
        sleep(pauseMs);
    }

    static void sleep(final long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts of events by type, for the closing line. */
    void counts(final Map<?, Integer> counts) {
        say("    events by type: " + counts);
    }
}
