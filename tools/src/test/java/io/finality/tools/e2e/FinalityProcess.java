package io.finality.tools.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.tools.Finality;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * {@code finality run} as a separate JVM, started like {@code tools/bin/finality} starts it (the same module
 * and Chronicle flags, taken from this test JVM, whose surefire argLine carries the project's list) on the
 * test classpath, so it runs exactly the code under test; the shaded jar is not used because the test phase
 * runs before it is rebuilt. Its output is collected on a reader thread. One test thread drives it.
 */
final class FinalityProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("api 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;
    private final int apiPort;

    private FinalityProcess(final Process process) throws Exception {
        this.process = process;
        this.reader = new Thread(this::collect, "finality-process-output");
        reader.setDaemon(true);
        reader.start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Matcher m = LISTENING.matcher(output);
        while (!m.find()) {
            assertTrue(System.nanoTime() < deadline && process.isAlive(), "finality run did not start:\n" + output);
            Thread.sleep(20);
            m = LISTENING.matcher(output);
        }
        apiPort = Integer.parseInt(m.group(1));
    }

    /** Start {@code finality run --config config} with {@code token} in {@code FINALITY_API_TOKEN}. */
    static FinalityProcess start(final Path config, final String token) throws Exception {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native") || argument.startsWith("--sun-misc")
                || argument.startsWith("-Dchronicle")) {
                command.add(argument);
            }
        }
        command.addAll(List.of("-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true", "-Xmx512m",
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Finality.class.getName(),
            "run", "--config", config.toString()));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("FINALITY_API_TOKEN", token);
        return new FinalityProcess(builder.start());
    }

    private void collect() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
            }
        } catch (final IOException ex) {
            output.append("(output reader: ").append(ex).append(")\n");
        }
    }

    int apiPort() {
        return apiPort;
    }

    /** {@code finality invoice open} against this process's API (the token from {@code tokenFile}); the API's JSON answer. */
    JsonNode openInvoice(final Path tokenFile, final String... options) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = Finality.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        final List<String> args = new ArrayList<>(List.of("invoice", "open", "--api", "http://127.0.0.1:" + apiPort,
            "--token-file", tokenFile.toString()));
        args.addAll(List.of(options));
        assertEquals(0, cli.execute(args.toArray(String[]::new)), err.toString());
        return JournalReader.JSON.readTree(out.toString());
    }

    /** {@code GET /health} with the bearer token. */
    JsonNode health(final HttpClient http, final String token) throws Exception {
        return JournalReader.JSON.readTree(http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + apiPort + "/health"))
            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString()).body());
    }

    long pid() {
        return process.pid();
    }

    String output() {
        return output.toString();
    }

    /** SIGTERM, as a service manager stops it; returns the exit code. */
    int terminate() throws Exception {
        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "no exit within 30 s of SIGTERM:\n" + output);
        reader.join(5_000);
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no drain, no snapshot; returns the exit code. */
    int kill() throws Exception {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "no exit after SIGKILL");
        reader.join(5_000);
        return process.exitValue();
    }

    /** Kill it if a failed test left it running (never blocks for long, never throws). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
