package io.finality.tools.cli;

import io.finality.core.pipeline.PipelineContext;
import io.finality.engine.journal.JournalContext;
import io.finality.tools.demo.Demo;
import io.finality.tools.node.NodeContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finality demo}: the whole engine on an embedded default, needing nothing installed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the engine on an embedded regtest chain: invoices, payments (exact, split, under, over, late,",
        "replaced), a reorg and expiries, with the events shown live as a gateway would read them.",
        "Exit 0 when every invoice ends in the status a payment engineer expects."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--data-dir", description = "Keep the store and journal here (default: a temporary directory, deleted).")
    private Path dataDir;

    @Option(names = "--fast", description = "No pauses between steps.")
    private boolean fast;

    @Option(names = "--no-color", description = "Plain output.")
    private boolean noColor;

    @Override
    public Integer call() throws IOException {
        final PrintWriter out = spec.commandLine().getOut();
        final boolean temporary = dataDir == null;
        final Path dir = temporary ? Files.createTempDirectory("finality-demo") : dataDir;
        final NodeContext context = new NodeContext().dataDirectory(dir)
            .pipeline(new PipelineContext().ringSize(64).maxPayloadBytes(4 * 1024 * 1024).memoryBudgetBytes(256L << 20))
            .durability(JournalContext.Durability.NONE);
        try {
            return Demo.run(context, out, fast ? 0 : 600, !noColor) ? 0 : 1;
        } finally {
            if (temporary) {
                Demo.deleteRecursively(dir);
            }
        }
    }
}
