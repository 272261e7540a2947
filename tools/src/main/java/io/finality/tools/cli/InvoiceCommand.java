package io.finality.tools.cli;

import io.finality.tools.client.ApiClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code finality invoice open|get|cancel}: the invoice endpoints of a running node's HTTP API from the
 * shell. Each prints the API's JSON answer on stdout and exits {@value #OK}; a refusal (4xx/5xx) prints the
 * API's error message on stderr and exits {@value #REFUSED}; an unreachable API exits {@value #UNREACHABLE};
 * a missing token or bad option exits {@value #USAGE}. The token is never printed.
 */
@Command(name = "invoice", mixinStandardHelpOptions = true,
    description = "Open, get or cancel an invoice through a running node's HTTP API.",
    subcommands = {InvoiceCommand.Open.class, InvoiceCommand.Get.class, InvoiceCommand.Cancel.class})
public final class InvoiceCommand implements Callable<Integer> {
    /** Exit code: the API answered 2xx. */
    public static final int OK = 0;
    /** Exit code: the API refused the request (4xx/5xx). */
    public static final int REFUSED = 1;
    /** Exit code: bad options or no token (as picocli's usage errors). */
    public static final int USAGE = 2;
    /** Exit code: the API could not be reached. */
    public static final int UNREACHABLE = 3;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** What every subcommand shares: the API options and turning the answer into output and an exit code. */
    abstract static class Request implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiOptions options;

        /** Send this subcommand's request. */
        abstract ApiClient.Answer send(ApiClient client) throws IOException, InterruptedException;

        @Override
        public final Integer call() throws InterruptedException {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            try (ApiClient client = new ApiClient(options.api, options.token())) {
                final ApiClient.Answer answer = send(client);
                if (answer.ok()) {
                    out.println(answer.body());
                    out.flush();
                    return OK;
                }
                err.printf("error: HTTP %d: %s%n", answer.status(), describe(answer.body()));
                err.flush();
                return REFUSED;
            } catch (final IllegalArgumentException ex) {
                err.printf("error: %s%n", ex.getMessage());
                err.flush();
                return USAGE;
            } catch (final IOException ex) {
                err.printf("error: cannot reach the API at %s: %s%n", options.api, reason(ex));
                err.flush();
                return UNREACHABLE;
            }
        }

        private static String reason(final IOException ex) {
            if (ex instanceof ConnectException) {
                return "connection refused (is `finality run` running with an api section?)";
            }
            if (ex instanceof HttpTimeoutException) {
                return "timed out after " + ApiClient.TIMEOUT.toSeconds() + " s";
            }
            return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        }

        /** The API's {@code {"error": ..., "field": ...}} as one line; any other body as it is. */
        static String describe(final String body) {
            try {
                final JsonNode node = JSON.readTree(body);
                final JsonNode error = node == null ? null : node.get("error");
                if (error != null && error.isString()) {
                    final JsonNode field = node.get("field");
                    return field != null && field.isString() && !error.stringValue().startsWith(field.stringValue())
                        ? field.stringValue() + ": " + error.stringValue() : error.stringValue();
                }
            } catch (final JacksonException notJson) {
                // fall through: show what the server sent
            }
            return body.isBlank() ? "(no body)" : body.strip();
        }
    }

    /** {@code finality invoice open}. */
    @Command(name = "open", mixinStandardHelpOptions = true,
        description = {"Open an invoice (POST /v1/invoices). Idempotent on --id: the same request",
            "again returns the stored invoice; the same id with other content is refused",
            "(HTTP 409)."})
    static final class Open extends Request {
        @Option(names = "--id", required = true, description = "Invoice id (your idempotency key).")
        String invoiceId;

        @Option(names = "--chain", required = true, description = "Chain config name, e.g. bitcoin-regtest.")
        String chain;

        @Option(names = "--address", required = true, description = "Address to watch, valid for the chain's network.")
        String address;

        @Option(names = "--amount", required = true, description = "Amount due in whole coins as a decimal, e.g. 0.005.")
        String amount;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Expiry expiry;

        @Option(names = "--asset", description = "What it is paid in: the chain's coin (default) or, on Ethereum, a configured token's"
            + " symbol or contract.")
        String asset;

        @Option(names = "--policy", description = "Confirmation policy name (default: the chain's).")
        String policy;

        @Option(names = "--order-id", description = "Merchant reference echoed in every event.")
        String orderId;

        @Option(names = "--correlation-id", description = "Caller reference echoed in every event.")
        String correlationId;

        /** Exactly one way to give the expiry. */
        static final class Expiry {
            @Option(names = "--expires-at", required = true,
                description = "Expiry as epoch milliseconds or an ISO-8601 instant (2026-12-01T12:00:00Z).")
            String at;

            @Option(names = "--expires-in", required = true,
                description = "Expiry in seconds from now (a retry then differs: use --expires-at for idempotent retries).")
            Long inSeconds;
        }

        @Override
        ApiClient.Answer send(final ApiClient client) throws IOException, InterruptedException {
            final ObjectNode body = JSON.createObjectNode();
            body.put("invoiceId", invoiceId);
            body.put("chain", chain);
            body.put("address", address);
            body.put("amount", amount);
            body.put("expiresAt", expiresAtMs());
            putIfGiven(body, "asset", asset);
            putIfGiven(body, "policy", policy);
            putIfGiven(body, "orderId", orderId);
            putIfGiven(body, "correlationId", correlationId);
            return client.post("/v1/invoices", JSON.writeValueAsString(body));
        }

        private long expiresAtMs() {
            if (expiry.inSeconds != null) {
                if (expiry.inSeconds <= 0 || expiry.inSeconds > 10L * 365 * 24 * 3600) {
                    throw new IllegalArgumentException("--expires-in: must be 1 s .. 10 years, was " + expiry.inSeconds);
                }
                return System.currentTimeMillis() + expiry.inSeconds * 1_000;
            }
            final String at = expiry.at.strip();
            if (at.chars().allMatch(Character::isDigit) && !at.isEmpty() && at.length() <= 18) {
                return Long.parseLong(at);
            }
            try {
                return Instant.parse(at).toEpochMilli();
            } catch (final DateTimeParseException ex) {
                throw new IllegalArgumentException("--expires-at: neither epoch milliseconds nor an ISO-8601 instant: " + at);
            }
        }

        private static void putIfGiven(final ObjectNode body, final String name, final String value) {
            if (value != null) {
                body.put(name, value);
            }
        }
    }

    /** {@code finality invoice get}. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print an invoice (GET /v1/invoices/{id}).")
    static final class Get extends Request {
        @Parameters(index = "0", paramLabel = "ID", description = "The invoice id.")
        String invoiceId;

        @Override
        ApiClient.Answer send(final ApiClient client) throws IOException, InterruptedException {
            return client.get("/v1/invoices/" + ApiClient.segment(invoiceId));
        }
    }

    /** {@code finality invoice cancel}. */
    @Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel an invoice (POST /v1/invoices/{id}/cancel). Its address stays",
            "watched: a later payment to it is reported as LATE_PAYMENT, never counted."})
    static final class Cancel extends Request {
        @Parameters(index = "0", paramLabel = "ID", description = "The invoice id.")
        String invoiceId;

        @Override
        ApiClient.Answer send(final ApiClient client) throws IOException, InterruptedException {
            return client.post("/v1/invoices/" + ApiClient.segment(invoiceId) + "/cancel", "");
        }
    }
}
