package io.finality.tools.rescan;

import io.finality.engine.journal.EventTailer;
import io.finality.tools.node.FinalityNode;
import java.util.ArrayList;
import java.util.List;

/** The rescan tests' view of a node's journal: "invoiceId TYPE" per event. */
final class JournalEvents {
    private JournalEvents() {
    }

    /** "invoiceId TYPE" of every event from {@code fromSequence} on. */
    static List<String> of(final FinalityNode node, final long fromSequence) {
        final List<String> out = new ArrayList<>();
        try (EventTailer tailer = new EventTailer(node.journal(), fromSequence)) {
            while (tailer.poll(e -> out.add(e.invoiceId() + " " + e.eventType()), 64) > 0) {
                Thread.onSpinWait();
            }
        }
        return out;
    }
}
