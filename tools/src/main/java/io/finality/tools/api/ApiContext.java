package io.finality.tools.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Settings of the {@link HttpApi}: where it binds, the bearer token clients must present and the
 * largest request body it reads. Mutable builder, read once by {@link HttpApi#start()}.
 *
 * <p>The token is never logged or rendered: {@link #toString()} leaves it out.
 */
public final class ApiContext {
    /** Default largest request body: 64 KiB; an invoice request is a few hundred bytes. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    /** Shortest token accepted: a guessable token is no protection. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private String bind = "127.0.0.1";
    private int port = 8080;
    private String token;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int workerThreads = 2;

    public String bind() {
        return bind;
    }

    public ApiContext bind(final String value) {
        bind = value;
        return this;
    }

    public int port() {
        return port;
    }

    /** Port to listen on; 0 picks a free one (see {@link HttpApi#port()}). */
    public ApiContext port(final int value) {
        if (value < 0 || value > 65_535) {
            throw new IllegalArgumentException("port: must be 0..65535, was " + value);
        }
        port = value;
        return this;
    }

    String token() {
        return token;
    }

    /** The bearer token (required, at least {@value #MIN_TOKEN_LENGTH} characters, no whitespace). */
    public ApiContext token(final String value) {
        if (value == null || value.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("token: must be at least " + MIN_TOKEN_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) <= ' ' || value.charAt(i) > '~') {
                throw new IllegalArgumentException("token: only printable ASCII without spaces is accepted");
            }
        }
        token = value;
        return this;
    }

    /** Read the token from a file (surrounding whitespace, e.g. a trailing newline, is ignored). */
    public ApiContext tokenFile(final Path file) {
        try {
            return token(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip());
        } catch (final IOException ex) {
            throw new IllegalArgumentException("token_file: cannot read " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Read the token from an environment variable. */
    public ApiContext tokenEnv(final String variable) {
        final String value = System.getenv(variable);
        if (value == null) {
            throw new IllegalArgumentException("token_env: environment variable " + variable + " is not set");
        }
        return token(value.strip());
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public ApiContext maxBodyBytes(final int value) {
        if (value < 1024) {
            throw new IllegalArgumentException("max_body_bytes: must be at least 1024, was " + value);
        }
        maxBodyBytes = value;
        return this;
    }

    public int workerThreads() {
        return workerThreads;
    }

    /** Threads running requests (store writes and journal scans block, so not on the Netty event loop). */
    public ApiContext workerThreads(final int value) {
        if (value < 1) {
            throw new IllegalArgumentException("workerThreads: must be at least 1");
        }
        workerThreads = value;
        return this;
    }

    @Override
    public String toString() {
        return "ApiContext{bind=" + bind + ", port=" + port + ", token=" + (token == null ? "unset" : "set")
            + ", maxBodyBytes=" + maxBodyBytes + '}';
    }
}
