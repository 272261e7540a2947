package io.finality.tools.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A minimal client of a running node's HTTP API, for the {@code finality invoice ...} commands: sends one
 * request with the bearer token and returns the status and body as the API answered them.
 *
 * <p>The token is only ever put in the {@code Authorization} header: never logged, never rendered
 * ({@link #toString()} leaves it out). One command thread uses an instance, then closes it.
 */
public final class ApiClient implements AutoCloseable {
    /** How long to wait for the connection and for each answer. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final String token;
    private final HttpClient http;

    /**
     * @param base  the API's root, e.g. {@code http://127.0.0.1:8080} (a trailing slash is ignored).
     * @param token the bearer token.
     * @throws IllegalArgumentException if {@code base} is not an absolute http(s) URI.
     */
    public ApiClient(final String base, final String token) {
        final URI uri;
        try {
            uri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException("--api: not a URI: " + base, ex);
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("--api: expected http://host:port, was " + base);
        }
        this.base = uri;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** The answer to one request: HTTP status and body text. */
    public record Answer(int status, String body) {
        /** Whether the API accepted the request (2xx). */
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** {@code GET path}. */
    public Answer get(final String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** {@code POST path} with a JSON body. */
    public Answer post(final String path, final String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    /** An invoice id as one path segment (ids are the client's: they may hold any character). */
    public static String segment(final String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private URI uri(final String path) {
        return URI.create(base + path);
    }

    private Answer send(final HttpRequest.Builder request) throws IOException, InterruptedException {
        final HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token).timeout(TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(response.statusCode(), response.body());
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "ApiClient{" + base + ", token=set}";
    }
}
