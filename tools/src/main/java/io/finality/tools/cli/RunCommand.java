package io.finality.tools.cli;

import io.finality.tools.run.NodeRunner;
import io.finality.tools.run.RunConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finality run}: start the node described by a {@code finality.yaml} and serve until SIGTERM
 * (or Ctrl-C), then shut down cleanly: producers and API stop, the ring drains, the engine
 * snapshots, the journal and RocksDB close. Interrupting the thread running {@link #call()} takes
 * the same path (how tests stop an in-process run).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the node from a finality.yaml: chain connections, ring, matcher, state engine, journal and",
        "the HTTP API, until SIGTERM or Ctrl-C; exit 2 if the configuration is invalid."})
public final class RunCommand implements Callable<Integer> {
    private static final System.Logger LOG = System.getLogger(RunCommand.class.getName());

    /** Exit code for an invalid configuration or one that cannot start (e.g. unreadable token). */
    public static final int INVALID = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, description = "Path of the YAML configuration file.")
    private Path config;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final RunConfig settings = ConfigFile.loadOrExplain(config, err);
        if (settings == null) {
            return INVALID;
        }
        final NodeRunner runner;
        try {
            runner = new NodeRunner(settings).start();
        } catch (final IllegalArgumentException ex) {
            err.printf("cannot start: %s%n", ex.getMessage());
            err.flush();
            return INVALID;
        }
        final Thread hook = new Thread(runner::close, "finality-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("finality running: data %s, api %s%s%n", settings.node().dataDirectory(),
            runner.apiPort() < 0 ? "off" : settings.apiAddress().replaceAll(":\\d+$", "") + ":" + runner.apiPort(),
            runner.bitcoin() == null ? "" : ", bitcoin " + settings.bitcoin().node());
        out.flush();
        boolean interrupted = false;
        try {
            synchronized (this) {
                while (!runner.closed()) {
                    wait(500);
                }
            }
        } catch (final InterruptedException ex) {
            // Close with the flag clear (the drain and the thread joins must not be cut short), restore it after.
            interrupted = true;
        } finally {
            // After SIGTERM the hook is already running (removing it then throws); otherwise close here.
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (final IllegalStateException shuttingDown) {
                LOG.log(System.Logger.Level.DEBUG, "JVM shutting down; the hook closes the node");
            }
            runner.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        out.printf("finality stopped: %d events journaled%n", runner.node().eventsWritten());
        out.flush();
        return 0;
    }
}
