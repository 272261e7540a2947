package io.finality.tools.cli;

import io.finality.tools.importer.BlkImport;
import io.finality.tools.importer.ImportException;
import io.finality.tools.importer.ImportProgress;
import io.finality.tools.importer.ImportSummary;
import io.finality.tools.importer.ProgressBarImportProgress;
import io.finality.tools.run.RunConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finality import-blk}: feed the best chain of a Bitcoin Core blocks directory through the node's
 * pipeline (see {@link BlkImport}), then print a summary and exit. Runs on the calling thread.
 */
@Command(name = "import-blk", mixinStandardHelpOptions = true,
    description = {"Catch the node up from a Bitcoin Core blocks directory (blk*.dat, xor.dat) at disk speed: the best chain",
        "after the journal's Bitcoin tip (or the configured start block) goes through the real pipeline as P2P blocks would;",
        "a later `finality run` resumes after the imported tip.",
        "Exit codes: 0 imported; 2 invalid configuration or no bitcoin section; 3 unusable blocks directory (missing,",
        "no blk files, bad xor.dat, another network, no block); 4 imported, but block records were lost to damage",
        "(truncated, oversized, junk-only files); 5 the pipeline refused a block (what was applied stays consistent);",
        "SIGTERM or Ctrl-C stops it between blocks: it drains, snapshots, prints the summary and exits with the signal's",
        "status (143/130); the next import-blk or run continues from there."})
public final class ImportBlkCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, description = "Path of the YAML configuration file (as for run).")
    private Path config;

    @Option(names = {"-b", "--blocks"}, required = true, description = "Bitcoin Core's blocks directory (holds blk*.dat).")
    private Path blocks;

    @Option(names = "--to-height", description = "Stop after the block at this height (default: as far as the files link).")
    private Long toHeight;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars on stderr.")
    private boolean quiet;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final RunConfig settings = ConfigFile.loadOrExplain(config, err);
        if (settings == null) {
            return ImportException.INVALID_CONFIG;
        }
        if (toHeight != null && toHeight < 0) {
            err.printf("--to-height must not be negative: %d%n", toHeight);
            err.flush();
            return ImportException.INVALID_CONFIG;
        }
        final ImportProgress progress = quiet ? ImportProgress.NONE : new ProgressBarImportProgress(err);
        final BlkImport importer = new BlkImport(settings, blocks, toHeight == null ? Long.MAX_VALUE : toHeight, progress);
        final StopOnSignal signal = new StopOnSignal("finality-import-shutdown", importer::stop);
        try {
            return importAndReport(importer, out, err);
        } finally {
            signal.close();
        }
    }

    private static int importAndReport(final BlkImport importer, final PrintWriter out, final PrintWriter err) {
        final ImportSummary summary;
        try {
            summary = importer.run();
        } catch (final ImportException ex) {
            err.printf("import-blk: %s%n", ex.getMessage());
            err.flush();
            return ex.exitCode();
        }
        out.println(summary.render());
        out.flush();
        if (summary.stopped()) {
            err.printf("import-blk: stopped at height %d; run import-blk again (or run) to continue from there%n", summary.tipHeight());
            err.flush();
            return ImportException.STOPPED;
        }
        if (summary.damaged()) {
            err.printf("import-blk: block records lost to damage in %s (see the counts above); the journal holds every block up to"
                + " height %d and a later run resumes from there%n", String.join(", ", summary.damagedFiles()), summary.tipHeight());
            err.flush();
            return ImportException.DAMAGED;
        }
        return 0;
    }
}
