package io.finality.ethereum.devnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real anvil (Foundry 1.7.1) on a free 127.0.0.1 port, for the demo and the tests: HTTP and WebSocket JSON-RPC share the port,
 * chain id 31337, automine on unless told otherwise. Kill it ({@link #kill()}, SIGKILL), stop it
 * ({@link #stop()}, SIGTERM) and {@link #restart()} it on the same port.
 *
 * <p><b>Restart and persistence, as measured with anvil 1.7.1</b> (see AnvilNodeTest, which asserts each point):
 * <ul>
 *   <li>Without {@link AnvilContext#stateFile} a restart starts a new chain from genesis (head 0); the genesis
 *   timestamp is the start time, so even the genesis hash differs unless both starts fall in the same second:
 *   a client sees a different chain.</li>
 *   <li>With {@code --state <file>} a <em>graceful</em> stop (SIGTERM) dumps the chain on exit and the restart loads
 *   it: same head height, the same block hash at every height, transactions and receipts still served, balances
 *   kept. A client that saw block N before the stop sees the same block N after.</li>
 *   <li>After {@code kill -9} nothing is dumped on exit. With {@code --state-interval S} as well the restart
 *   resumes from the last periodic dump: the head goes back to the height of that dump (blocks mined after it
 *   are gone, their heights answer null until mined again, then with different hashes: a reorg as the client
 *   sees it); the blocks up to the dump keep their hashes. Without an interval no file is written before the
 *   kill and the restart is a new chain as in the first point.</li>
 * </ul>
 *
 * <p>Where anvil comes from ({@link #find()}): {@code FINALITY_ANVIL} (set by {@code .ci/run}) or
 * {@code .anvil/} in the checkout (or its parent). The demo uses it when found; tests require it (skipped locally
 * when missing, failed in CI). Only 127.0.0.1 is ever used.
 *
 * <p>Threading: start, stop, kill and restart from the owning thread; {@link #port()}, the URIs and {@link #rpc()}
 * (thread-safe) from any thread.
 */
public final class AnvilNode implements AutoCloseable {
    /** Chain id every node here runs with (anvil's default, 0x7a69). */
    public static final long CHAIN_ID = 31337;

    private static final String ANVIL_IN_CHECKOUT = ".anvil/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
    private static final long READY_TIMEOUT_MS = 20_000;
    private static final long STOP_TIMEOUT_MS = 10_000;
    private static final int START_ATTEMPTS = 3;

    private final Path binary;
    private final AnvilContext context;
    private final int port;
    private final AnvilRpc rpc;
    private Process process;

    private AnvilNode(final Path binary, final AnvilContext context, final int port) {
        this.binary = binary;
        this.context = context;
        this.port = port;
        this.rpc = new AnvilRpc(httpUri());
    }

    /** Start anvil from {@code binary} as {@code context} says, on a free loopback port; returns once it answers eth_chainId. */
    public static AnvilNode start(final Path binary, final AnvilContext context) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            final AnvilNode node = new AnvilNode(binary, context, freeLoopbackPort());
            try {
                node.launch();
                return node;
            } catch (IllegalStateException e) {
                // Another process may have taken the port between probe and bind: try another one.
                node.close();
                last = e;
            }
        }
        throw last;
    }

    /**
     * The anvil binary, if one is installed: {@code FINALITY_ANVIL}, else {@code .anvil/} (where {@code .ci/run} and the
     * README put it) in the working directory or its parent.
     */
    public static Optional<Path> find() {
        for (Path p : candidates()) {
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Where {@link #find()} looks, in order (for messages). */
    public static List<Path> candidates() {
        final List<Path> candidates = new ArrayList<>();
        final String env = System.getenv("FINALITY_ANVIL");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        final Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        candidates.add(dir.resolve(ANVIL_IN_CHECKOUT));
        if (dir.getParent() != null) {
            candidates.add(dir.getParent().resolve(ANVIL_IN_CHECKOUT));
        }
        return candidates;
    }

    /** A TCP port free on 127.0.0.1 right now. */
    public static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port (HTTP and WebSocket); stays the same across restarts. */
    public int port() {
        return port;
    }

    /** http://127.0.0.1:port. */
    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** ws://127.0.0.1:port. */
    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    /** The JSON-RPC over HTTP helper for this node (survives restarts). */
    public AnvilRpc rpc() {
        return rpc;
    }

    /** Whether the anvil process is running. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL the process and wait for it: no state dump on exit, connections reset. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            await(process);
        }
    }

    /** SIGTERM the process and wait for it: with a state file, anvil dumps the chain on the way out. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!awaitExit(process, STOP_TIMEOUT_MS)) {
                kill();
            }
        }
    }

    /** Start again on the same port (stopping gracefully first if still running); see the class doc for what survives. */
    public void restart() {
        stop();
        launch();
    }

    /** Stop gracefully (killing after 10 s). */
    @Override
    public void close() {
        stop();
        rpc.close();
    }

    private void launch() {
        try {
            process = new ProcessBuilder(context.command(binary, port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
    }

    private void awaitReady() {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("anvil exited with " + process.exitValue() + " (port " + port + ")");
            }
            try {
                if (rpc.chainId() == CHAIN_ID) {
                    return;
                }
            } catch (UncheckedIOException e) {
                pause();
            }
        }
        kill();
        throw new IllegalStateException("anvil did not answer on " + httpUri() + " within " + READY_TIMEOUT_MS + " ms");
    }

    private static void await(final Process p) {
        if (!awaitExit(p, STOP_TIMEOUT_MS)) {
            throw new IllegalStateException("anvil (pid " + p.pid() + ") did not exit");
        }
    }

    private static boolean awaitExit(final Process p, final long millis) {
        try {
            return p.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for anvil", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
