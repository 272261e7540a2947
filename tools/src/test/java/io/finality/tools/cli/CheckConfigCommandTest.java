package io.finality.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.tools.Finality;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckConfigCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args) {
        final CommandLine cli = Finality.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldAcceptAValidConfigAndPrintTheEffectiveSettings(@TempDir final Path dir) throws Exception {
        assertValid(dir, "pipeline:\n  ring_size: 32\n  max_payload_bytes: 4MiB\n", "ring_size=32");
    }

    @Test
    void shouldSizeTheScriptIndexForTheExpectedKeysGiven(@TempDir final Path dir) throws Exception {
        assertValid(dir, "matcher:\n  expected_keys: 2000000\n", "expected_keys=2000000");
        assertInvalid(dir, "matcher:\n  expected_keys: 8\n", "matcher.expected_keys");
        assertInvalid(dir, "matcher:\n  expected_keys: 900000000\n", "matcher.expected_keys");
        assertInvalid(dir, "matcher:\n  expected_kyes: 1000\n", "matcher.expected_kyes");
    }

    @Test
    void shouldTakeAPretouchCpuOtherThanTheScanCpu(@TempDir final Path dir) throws Exception {
        assertValid(dir, "pipeline:\n  scan_cpu: 0\njournal:\n  pretouch_cpu: 1\n", "pretouch_cpu=1");
        assertInvalid(dir, "pipeline:\n  scan_cpu: 1\njournal:\n  pretouch_cpu: 1\n", "journal.pretouch_cpu");
        assertInvalid(dir, "journal:\n  pretouch_cpu: -2\n", "journal.pretouch_cpu");
    }

    @Test
    void shouldExitTwoNamingTheKeyOfAnInvalidValue(@TempDir final Path dir) throws Exception {
        final Path file = Files.writeString(dir.resolve("finality.yaml"), "pipeline:\n  ring_size: 33\n");
        assertEquals(CheckConfigCommand.INVALID, run("check-config", "-c", file.toString()));
        assertTrue(err.toString().contains("pipeline.ring_size"), err.toString());
    }

    @Test
    void shouldRejectAnUnknownTopLevelSection(@TempDir final Path dir) throws Exception {
        final Path file = Files.writeString(dir.resolve("finality.yaml"), "pipelin:\n  ring_size: 32\n");
        assertEquals(CheckConfigCommand.INVALID, run("check-config", "-c", file.toString()));
        assertTrue(err.toString().contains("pipelin"), err.toString());
    }

    @Test
    void shouldAcceptTheExampleRunConfiguration() {
        final Path example = Path.of("finality.example.yaml");
        assertTrue(Files.exists(example), "tools/finality.example.yaml must exist (tests run in tools/)");
        assertEquals(0, run("check-config", "--config", example.toString()), err.toString());
        assertTrue(out.toString().contains("api: 127.0.0.1:8080"), out.toString());
        assertTrue(out.toString().contains("bitcoin: regtest via"), out.toString());
        assertTrue(out.toString().contains("durability=ASYNC"), out.toString());
    }

    @Test
    void shouldRefuseAnApiWithoutExactlyOneTokenSource(@TempDir final Path dir) throws Exception {
        final Path none = Files.writeString(dir.resolve("a.yaml"), "api:\n  port: 8080\n");
        assertEquals(CheckConfigCommand.INVALID, run("check-config", "-c", none.toString()));
        final Path both = Files.writeString(dir.resolve("b.yaml"), "api:\n  token_file: t\n  token_env: T\n");
        assertEquals(CheckConfigCommand.INVALID, run("check-config", "-c", both.toString()));
        final Path badNode = Files.writeString(dir.resolve("c.yaml"), "bitcoin:\n  network: regtest\n  node: localhost\n");
        assertEquals(CheckConfigCommand.INVALID, run("check-config", "-c", badNode.toString()));
        final Path mainnetNoStart = Files.writeString(dir.resolve("d.yaml"), "bitcoin:\n  network: mainnet\n  node: 127.0.0.1:8333\n");
        assertEquals(CheckConfigCommand.INVALID, run("check-config", "-c", mainnetNoStart.toString()));
        final String e = err.toString();
        for (String key : new String[] {"api.token_file", "bitcoin.node", "bitcoin.start_hash"}) {
            assertTrue(e.contains(key), key + " not named in:\n" + e);
        }
    }

    @Test
    void shouldOfferHelpOnEveryCommand() {
        assertEquals(0, run("check-config", "--help"));
        assertTrue(out.toString().contains("--config"), out.toString());
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("check-config"));
        assertEquals(0, run("run", "--help"));
        assertTrue(out.toString().contains("SIGTERM"), out.toString());
    }

    @Test
    void shouldAcceptAnEthereumSectionWithTokens(@TempDir final Path dir) throws Exception {
        final Path file = Files.writeString(dir.resolve("eth.yaml"), """
            ethereum:
              chain: ethereum-mainnet
              node: ws://127.0.0.1:8546
              start_height: 21000000
              window: 4
              request_timeout: 5s
              max_frame_bytes: 32MiB
              tokens:
                - { symbol: usdc, contract: "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", decimals: 6 }
            """);
        assertEquals(0, run("check-config", "-c", file.toString()), err.toString());
        assertTrue(out.toString().contains("ethereum: ethereum-mainnet via ws://127.0.0.1:8546 from height 21000000, tokens: "
            + "USDC=0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48 (6 decimals)"), out.toString());
    }

    @Test
    void shouldNameTheKeyOfEachBadEthereumSetting(@TempDir final Path dir) throws Exception {
        assertInvalid(dir, "ethereum:\n  node: http://127.0.0.1:8545\n", "ethereum.node");
        assertInvalid(dir, "ethereum:\n  chain: bitcoin-mainnet\n  node: ws://127.0.0.1:8545\n", "ethereum.chain");
        assertInvalid(dir, "ethereum:\n  node: ws://127.0.0.1:8545\n  window: 0\n", "ethereum.window");
        assertInvalid(dir, "ethereum:\n  node: ws://127.0.0.1:8545\n  tokens:\n    - { symbol: X, contract: '0x12', decimals: 6 }\n",
            "ethereum.tokens[0].contract");
        assertInvalid(dir, "ethereum:\n  node: ws://127.0.0.1:8545\n  tokens:\n    - { symbol: ETH, contract: "
            + "'0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48' }\n", "ethereum.tokens[0].symbol");
        assertInvalid(dir, "ethereum:\n  node: ws://127.0.0.1:8545\n  tokens:\n"
            + "    - { symbol: A, contract: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48' }\n"
            + "    - { symbol: B, contract: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48' }\n", "listed twice");
        assertInvalid(dir, "ethereum:\n  node: ws://127.0.0.1:8545\n  nodes: 2\n", "ethereum.nodes");
    }

    /** {@code yaml} passes check-config, which prints {@code setting} among the effective settings. */
    private void assertValid(final Path dir, final String yaml, final String setting) throws Exception {
        final Path file = Files.writeString(dir.resolve("finality.yaml"), yaml);
        assertEquals(0, run("check-config", "--config", file.toString()), err.toString());
        assertTrue(out.toString().contains(setting), out.toString());
    }

    private void assertInvalid(final Path dir, final String yaml, final String named) throws Exception {
        final Path file = Files.writeString(dir.resolve("bad.yaml"), yaml);
        err.getBuffer().setLength(0);
        assertEquals(CheckConfigCommand.INVALID, run("check-config", "-c", file.toString()), yaml);
        assertTrue(err.toString().contains(named), err + " should name " + named);
    }
}
