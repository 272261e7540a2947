package io.finality.tools;

import io.finality.tools.cli.CheckConfigCommand;
import io.finality.tools.cli.DemoCommand;
import io.finality.tools.cli.ImportBlkCommand;
import io.finality.tools.cli.InvoiceCommand;
import io.finality.tools.cli.RescanCommand;
import io.finality.tools.cli.RunCommand;
import io.finality.tools.cli.TailCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code finality} executable: the entry point of every command.
 *
 * <p>Sets the Chronicle "no analytics" properties before any Chronicle class can load, so no entry
 * point can forget them (Chronicle otherwise tries to reach a host on the internet).
 */
@Command(
    name = "finality",
    mixinStandardHelpOptions = true,
    version = "finality 0.1.0-SNAPSHOT",
    description = "Chain indexer and payment confirmation engine.",
    subcommands = {RunCommand.class, DemoCommand.class, TailCommand.class, InvoiceCommand.class, CheckConfigCommand.class,
        ImportBlkCommand.class, RescanCommand.class, CommandLine.HelpCommand.class})
public final class Finality {
    static {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
    }

    public static void main(final String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree, for tests that run commands in-process. */
    public static CommandLine commandLine() {
        // descriptions are written as lines of up to ~115 characters: do not re-wrap them at 80
        return new CommandLine(new Finality()).setUsageHelpWidth(120);
    }
}
