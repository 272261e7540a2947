package io.finality.tools.cli;

import io.finality.core.event.PaymentEventJson;
import io.finality.engine.journal.EventJournal;
import io.finality.engine.journal.EventTailer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finality tail}: print the journal's payment events as JSON lines, from a sequence or a
 * named cursor, optionally following new ones, as a gateway would consume them.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Print payment events from the journal as JSON lines (one object per event).")
public final class TailCommand implements Callable<Integer> {
    /** Exit code when the journal cannot be read. */
    public static final int NO_JOURNAL = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-d", "--data-dir"}, required = true, description = "The node's data directory (holds journal/).")
    private Path dataDir;

    @Option(names = "--from", defaultValue = "1", description = "First event sequence to print (default: ${DEFAULT-VALUE}).")
    private long from;

    @Option(names = "--cursor", description = "A named cursor kept in the journal: resume after what it last read.")
    private String cursor;

    @Option(names = {"-f", "--follow"}, description = "Keep waiting for new events (stop with Ctrl-C).")
    private boolean follow;

    @Option(names = "--limit", defaultValue = "-1", description = "Stop after this many events (default: no limit).")
    private long limit;

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter out = spec.commandLine().getOut();
        final Path journalDir = dataDir.resolve("journal");
        if (!Files.isDirectory(journalDir)) {
            spec.commandLine().getErr().printf("no journal at %s%n", journalDir);
            spec.commandLine().getErr().flush();
            return NO_JOURNAL;
        }
        final StringBuilder line = new StringBuilder(1024);
        final long[] printed = {0};
        try (EventJournal journal = EventJournal.open(new io.finality.engine.journal.JournalContext().directory(journalDir));
            EventTailer tailer = cursor != null ? EventTailer.named(journal, cursor) : new EventTailer(journal, from)) {
            while (limit < 0 || printed[0] < limit) {
                final int documents = tailer.poll(e -> {
                    if (limit < 0 || printed[0] < limit) {
                        line.setLength(0);
                        out.println(PaymentEventJson.render(e, line));
                        printed[0]++;
                    }
                }, 64);
                if (documents == 0) {
                    out.flush();
                    if (!follow) {
                        break;
                    }
                    Thread.sleep(50);
                }
            }
        }
        out.flush();
        return 0;
    }
}
