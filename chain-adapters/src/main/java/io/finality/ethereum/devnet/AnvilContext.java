package io.finality.ethereum.devnet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start an {@link AnvilNode}: where its chain is persisted ({@code --state}), how often it is dumped
 * ({@code --state-interval}) and any further anvil options. Fluent accessors; the defaults start an in-memory
 * dev chain with automine.
 *
 * <p>Built and read by the thread that starts the node; not shared.
 */
public final class AnvilContext {
    private Path stateFile;
    private int stateIntervalSeconds;
    private final List<String> extraArgs = new ArrayList<>();

    /** The file anvil loads its chain from at start and dumps it to on graceful exit, or null (in memory only). */
    public Path stateFile() {
        return stateFile;
    }

    /** Persist the chain in {@code file} ({@code --state}): needed to keep the chain across {@link AnvilNode#restart()}. */
    public AnvilContext stateFile(final Path file) {
        this.stateFile = file;
        return this;
    }

    /** Seconds between periodic state dumps ({@code --state-interval}), 0 for none (dump on graceful exit only). */
    public int stateIntervalSeconds() {
        return stateIntervalSeconds;
    }

    /** Dump the state every {@code seconds} as well: what survives a {@link AnvilNode#kill()}. */
    public AnvilContext stateIntervalSeconds(final int seconds) {
        this.stateIntervalSeconds = seconds;
        return this;
    }

    /** Further anvil command-line options, in order. */
    public List<String> extraArgs() {
        return List.copyOf(extraArgs);
    }

    /** Append anvil command-line options (e.g. {@code "--no-mining"}, {@code "--block-time", "1"}). */
    public AnvilContext extraArgs(final String... args) {
        extraArgs.addAll(List.of(args));
        return this;
    }

    /** The full command line for {@code anvil} on {@code port}; loopback only, chain id 31337. */
    List<String> command(final Path anvil, final int port) {
        final List<String> cmd = new ArrayList<>(List.of(anvil.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
            "--chain-id", Long.toString(AnvilNode.CHAIN_ID), "--silent"));
        if (stateFile != null) {
            cmd.add("--state");
            cmd.add(stateFile.toString());
            if (stateIntervalSeconds > 0) {
                cmd.add("--state-interval");
                cmd.add(Integer.toString(stateIntervalSeconds));
            }
        }
        cmd.addAll(extraArgs);
        return cmd;
    }
}
