package io.finality.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.bitcoin.address.BitcoinAddressCodec;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.regtest.RegtestChain;
import io.finality.tools.Finality;
import io.finality.tools.run.NodeRunner;
import io.finality.tools.run.RunConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code finality invoice open|get|cancel} against a real {@link NodeRunner} serving its HTTP API: answers are
 * printed as the API's JSON with exit 0; refusals exit 1 with the API's own error message; an unreachable API
 * exits 3; the token never appears in any output.
 */
class InvoiceCommandTest {
    private static final String TOKEN = "cli-test-token-0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long EXPIRES = 4_000_000_000_000L;

    @TempDir
    Path dir;

    private NodeRunner runner;
    private Path tokenFile;
    private String api;

    /** One CLI run: exit code, stdout, stderr. */
    private record Result(int exit, String out, String err) {
        JsonNode json() {
            return JSON.readTree(out);
        }
    }

    @BeforeEach
    void start() throws Exception {
        tokenFile = Files.writeString(dir.resolve("api.token"), TOKEN + "\n");
        final Path config = Files.writeString(dir.resolve("finality.yaml"), String.join("\n",
            "data_dir: data",
            "api:",
            "  port: 0",
            "  token_file: api.token",
            "pipeline:",
            "  ring_size: 64",
            "  max_payload_bytes: 64KiB",
            "  memory_budget_bytes: 64MiB",
            "journal:",
            "  durability: none",
            ""));
        runner = new NodeRunner(RunConfig.load(config)).start();
        api = "http://127.0.0.1:" + runner.apiPort();
    }

    @AfterEach
    void stop() {
        runner.close();
    }

    private Result run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = Finality.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        final int exit = cli.execute(args);
        assertFalse(out.toString().contains(TOKEN) || err.toString().contains(TOKEN), "the token leaked into the output");
        return new Result(exit, out.toString(), err.toString());
    }

    private Result open(final String id, final String address, final String amount, final String... extra) {
        final String[] base = {"invoice", "open", "--api", api, "--token-file", tokenFile.toString(), "--id", id,
            "--chain", "bitcoin-regtest", "--address", address, "--amount", amount, "--expires-at", Long.toString(EXPIRES)};
        final String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return run(all);
    }

    @Test
    void shouldOpenGetAndCancelPrintingTheApisJson() {
        final Result opened = open("cli-1", address("a"), "0.005", "--order-id", "order-9");
        assertEquals(0, opened.exit(), opened.err());
        assertEquals("cli-1", opened.json().get("invoiceId").stringValue());
        assertEquals("0.00500000", opened.json().get("amount").stringValue(), "the API renders the chain's 8 decimals");
        assertEquals("order-9", opened.json().get("orderId").stringValue());
        assertEquals(EXPIRES, opened.json().get("expiresAt").longValue());
        assertEquals("OPEN", opened.json().get("status").stringValue());

        final Result replay = open("cli-1", address("a"), "0.005", "--order-id", "order-9");
        assertEquals(0, replay.exit(), replay.err());
        assertEquals(opened.json(), replay.json(), "an identical re-open returns the stored invoice");

        final Result got = run("invoice", "get", "--api", api, "--token-file", tokenFile.toString(), "cli-1");
        assertEquals(0, got.exit(), got.err());
        assertEquals(opened.json(), got.json());

        final Result cancelled = run("invoice", "cancel", "--api", api, "--token-file", tokenFile.toString(), "cli-1");
        assertEquals(0, cancelled.exit(), cancelled.err());
        assertEquals("CANCELLED", cancelled.json().get("status").stringValue());
        assertEquals("CANCELLED", run("invoice", "get", "--api", api, "--token-file", tokenFile.toString(), "cli-1")
            .json().get("status").stringValue());
    }

    @Test
    void shouldExitOneWithTheApisErrorMessageOnARefusal() throws Exception {
        assertEquals(0, open("cli-2", address("b"), "1").exit());
        final Result conflict = open("cli-2", address("b"), "2");
        assertEquals(InvoiceCommand.REFUSED, conflict.exit());
        assertTrue(conflict.err().startsWith("error: HTTP 409: invoiceId: invoice cli-2 exists with different content"), conflict.err());
        assertEquals("", conflict.out());

        final Result badAmount = open("cli-3", address("c"), "-1");
        assertEquals(InvoiceCommand.REFUSED, badAmount.exit());
        assertTrue(badAmount.err().startsWith("error: HTTP 400: amount: "), badAmount.err());

        final Result wrongNetwork = open("cli-4", BitcoinAddressCodec.fromScript(script("d"), BitcoinNetwork.MAINNET), "1");
        assertEquals(InvoiceCommand.REFUSED, wrongNetwork.exit());
        assertTrue(wrongNetwork.err().startsWith("error: HTTP 400: address: "), wrongNetwork.err());

        final Result missing = run("invoice", "get", "--api", api, "--token-file", tokenFile.toString(), "no such/id");
        assertEquals(InvoiceCommand.REFUSED, missing.exit());
        assertEquals("error: HTTP 404: invoiceId: no invoice no such/id" + System.lineSeparator(), missing.err());

        final Path wrong = Files.writeString(dir.resolve("wrong.token"), "not-the-right-token-000");
        final Result unauthorised = run("invoice", "cancel", "--api", api, "--token-file", wrong.toString(), "cli-2");
        assertEquals(InvoiceCommand.REFUSED, unauthorised.exit());
        assertTrue(unauthorised.err().contains("HTTP 401: wrong bearer token"), unauthorised.err());
        assertFalse(unauthorised.err().contains("not-the-right-token-000"), unauthorised.err());
        assertEquals("OPEN", run("invoice", "get", "--api", api, "--token-file", tokenFile.toString(), "cli-2")
            .json().get("status").stringValue(), "a refused cancel changes nothing");
    }

    @Test
    void shouldExitThreeWhenTheApiCannotBeReachedAndTwoOnUsageErrors() throws Exception {
        final int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        final Result unreachable = run("invoice", "get", "--api", "http://127.0.0.1:" + closedPort, "--token-file",
            tokenFile.toString(), "x");
        assertEquals(InvoiceCommand.UNREACHABLE, unreachable.exit());
        assertTrue(unreachable.err().startsWith("error: cannot reach the API at http://127.0.0.1:" + closedPort), unreachable.err());

        final Result noTokenFile = run("invoice", "get", "--api", api, "--token-file", dir.resolve("absent").toString(), "x");
        assertEquals(InvoiceCommand.USAGE, noTokenFile.exit());
        assertTrue(noTokenFile.err().contains("cannot read --token-file"), noTokenFile.err());

        final Result noExpiry = run("invoice", "open", "--api", api, "--token-file", tokenFile.toString(), "--id", "x", "--chain",
            "bitcoin-regtest", "--address", address("e"), "--amount", "1");
        assertEquals(InvoiceCommand.USAGE, noExpiry.exit());
        assertTrue(noExpiry.err().contains("--expires-at"), noExpiry.err());

        final Result badExpiry = open("cli-5", address("e"), "1", "--expires-in", "5");
        assertEquals(InvoiceCommand.USAGE, badExpiry.exit(), "--expires-at and --expires-in are exclusive");

        for (String sub : new String[] {"open", "get", "cancel"}) {
            final Result help = run("invoice", sub, "--help");
            assertEquals(0, help.exit());
            assertTrue(help.out().contains("--token-file") && help.out().contains("--api"), help.out());
        }
    }

    private static String address(final String seed) {
        return BitcoinAddressCodec.fromScript(script(seed), BitcoinNetwork.REGTEST);
    }

    private static byte[] script(final String seed) {
        final byte[] hash = RegtestChain.sha256d(seed.getBytes(StandardCharsets.US_ASCII));
        final byte[] s = new byte[22];
        s[1] = 0x14;
        System.arraycopy(hash, 0, s, 2, 20);
        return s;
    }
}
