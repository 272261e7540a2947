package io.finality.tools.cli;

import io.finality.bitcoin.p2p.BitcoinPeerContext;
import io.finality.core.chain.ChainFamily;
import io.finality.tools.importer.BlkRescanSource;
import io.finality.tools.rescan.BitcoinRescanSource;
import io.finality.tools.rescan.EthereumRescanSource;
import io.finality.tools.rescan.ProgressBarRescanProgress;
import io.finality.tools.rescan.Rescan;
import io.finality.tools.rescan.RescanException;
import io.finality.tools.rescan.RescanProgress;
import io.finality.tools.rescan.RescanSource;
import io.finality.tools.rescan.RescanSummary;
import io.finality.tools.run.RunConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finality rescan}: read again blocks the node already applied (see {@link Rescan}), then print what it
 * found and exit. Runs on the calling thread, with the node stopped.
 */
@Command(name = "rescan", mixinStandardHelpOptions = true,
    description = {"Read again blocks this node already applied, from a height up to its tip, and credit payments they hold that",
        "were not counted (e.g. paid to an invoice's address before the invoice was opened). A payment already recorded is",
        "never counted twice, so a rescan can be repeated. Reads the blocks by hash from the configured node; reaches at most",
        "the last 1,000 blocks (deeper payments are settled). Run it with `finality run` stopped (it opens the same data).",
        "Exit codes: 0 done; 2 invalid configuration or arguments; 3 heights not rescannable (above the tip, too deep, nothing",
        "applied); 4 the node could not deliver a block; 5 the data directory could not be opened or the pipeline refused a",
        "block; SIGTERM or Ctrl-C stops it between blocks (exit 130 after the summary); what was applied stays journaled."})
public final class RescanCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, description = "Path of the YAML configuration file (as for run).")
    private java.nio.file.Path config;

    @Option(names = "--chain", description = "The chain to rescan, by configuration name (needed when both are configured).")
    private String chain;

    @Option(names = {"-f", "--from-height"}, required = true, description = "First height to read again.")
    private long fromHeight;

    @Option(names = "--to-height", description = "Last height to read again (default: the applied tip).")
    private Long toHeight;

    @Option(names = {"-b", "--blocks"}, description = "Bitcoin only: read the blocks from this Bitcoin Core blocks directory"
        + " (blk*.dat) instead of the node.")
    private java.nio.file.Path blocks;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar on stderr.")
    private boolean quiet;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final RunConfig settings = ConfigFile.loadOrExplain(config, err);
        if (settings == null) {
            return RescanException.INVALID;
        }
        final RescanProgress progress = quiet ? RescanProgress.NONE : new ProgressBarRescanProgress(err);
        final java.nio.file.Path blocksDir = blocks;
        final Rescan rescan = new Rescan(settings, chain, fromHeight, toHeight == null ? Long.MAX_VALUE : toHeight,
            (cfg, c) -> source(cfg, c, blocksDir), progress);
        final StopOnSignal signal = new StopOnSignal("finality-rescan-shutdown", rescan::stop);
        try {
            final RescanSummary summary = rescan.run();
            out.println(summary.render());
            out.flush();
            if (summary.stopped()) {
                err.printf("rescan: stopped after height %d; run it again from %d to continue%n", summary.lastHeight(),
                    summary.lastHeight() + 1);
                err.flush();
                return RescanException.STOPPED;
            }
            return summary.refused() > 0 ? RescanException.FAILED : 0;
        } catch (final RescanException ex) {
            err.printf("rescan: %s%n", ex.getMessage());
            err.flush();
            return ex.exitCode();
        } finally {
            signal.close();
        }
    }

    /** The configured node of the chain: JSON-RPC for Ethereum, P2P for Bitcoin; or a Bitcoin blocks directory. */
    static RescanSource source(final RunConfig settings, final io.finality.core.chain.ChainId chain, final java.nio.file.Path blocksDir) {
        if (chain.family() == ChainFamily.ETHEREUM) {
            if (blocksDir != null) {
                throw new RescanException(RescanException.INVALID, "--blocks reads Bitcoin Core files: not for " + chain.configName());
            }
            return new EthereumRescanSource(settings.ethereum().rpc());
        }
        if (blocksDir != null) {
            final BitcoinPeerContext bitcoin = settings.bitcoinSettings();
            return new BlkRescanSource(blocksDir, bitcoin.network(), bitcoin.powLimitBits());
        }
        return new BitcoinRescanSource(settings.bitcoin());
    }
}
