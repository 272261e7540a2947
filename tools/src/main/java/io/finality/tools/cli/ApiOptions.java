package io.finality.tools.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a client command finds the node's API and its bearer token: {@code --api}, and the token from
 * {@code --token-file} or else the {@code FINALITY_API_TOKEN} environment variable. There is deliberately
 * no option taking the token itself: a command line is visible to every user of the machine. Used by one
 * command thread.
 */
public final class ApiOptions {
    /** The environment variable holding the token when no {@code --token-file} is given. */
    public static final String TOKEN_ENV = "FINALITY_API_TOKEN";

    @Option(names = "--api", defaultValue = "http://127.0.0.1:8080",
        description = "The node's HTTP API (default: ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--token-file", description = "File holding the bearer token (default: the " + TOKEN_ENV + " environment variable).")
    Path tokenFile;

    /**
     * The token (surrounding whitespace stripped).
     *
     * @throws IllegalArgumentException saying where it was looked for, never what it is.
     */
    String token() {
        final String token;
        if (tokenFile != null) {
            try {
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (final IOException ex) {
                throw new IllegalArgumentException("cannot read --token-file " + tokenFile + ": " + ex.getMessage(), ex);
            }
        } else {
            final String env = System.getenv(TOKEN_ENV);
            if (env == null) {
                throw new IllegalArgumentException("no API token: give --token-file or set " + TOKEN_ENV);
            }
            token = env.strip();
        }
        if (token.isEmpty()) {
            throw new IllegalArgumentException("the API token is empty");
        }
        return token;
    }
}
