package io.finality.ethereum.rpc;

import java.net.URI;

/**
 * Configuration of a {@link JsonRpcClient}: the node's WebSocket endpoint, the largest frame accepted,
 * the request timeout and the reconnect backoff.
 *
 * <p>Set up on one thread before {@link JsonRpcClient#start}; read-only afterwards.
 */
public final class JsonRpcContext {
    /** Default largest frame: a mainnet block with full transactions, or its receipts, stays far below. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
    public static final long DEFAULT_MIN_BACKOFF_MS = 50;
    public static final long DEFAULT_MAX_BACKOFF_MS = 5_000;

    private URI uri;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private long requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
    private long minBackoffMs = DEFAULT_MIN_BACKOFF_MS;
    private long maxBackoffMs = DEFAULT_MAX_BACKOFF_MS;

    public URI uri() {
        return uri;
    }

    /** The node's endpoint, {@code ws://host:port[/path]} ({@code wss} is not supported). */
    public JsonRpcContext uri(final URI value) {
        if (value == null || !"ws".equalsIgnoreCase(value.getScheme()) || value.getHost() == null) {
            throw new IllegalArgumentException("a node endpoint is ws://host:port[/path], not " + value);
        }
        uri = value;
        return this;
    }

    /**
     * The endpoint as logs may show it: scheme, host and port only. Hosted nodes put API keys in the path or the
     * user info ({@code wss://mainnet.example/v3/KEY}), and no secret may reach a log.
     */
    public String redactedUri() {
        if (uri == null) {
            return "(none)";
        }
        final boolean hidden = uri.getRawPath() != null && uri.getRawPath().length() > 1 || uri.getRawUserInfo() != null
            || uri.getRawQuery() != null;
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + (hidden ? "/..." : "");
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Frames larger than this are refused: the connection is closed with a logged reason and redialled. */
    public JsonRpcContext maxFrameBytes(final int value) {
        if (value < 1024) {
            throw new IllegalArgumentException("max frame bytes must be at least 1024: " + value);
        }
        maxFrameBytes = value;
        return this;
    }

    public long requestTimeoutMs() {
        return requestTimeoutMs;
    }

    /** A request unanswered for this long fails with {@link RpcResponseHandler#TIMEOUT}. */
    public JsonRpcContext requestTimeoutMs(final long value) {
        if (value < 1) {
            throw new IllegalArgumentException("request timeout must be positive: " + value);
        }
        requestTimeoutMs = value;
        return this;
    }

    public long minBackoffMs() {
        return minBackoffMs;
    }

    public long maxBackoffMs() {
        return maxBackoffMs;
    }

    /** First redial delay, doubling per failed attempt up to {@code max}. */
    public JsonRpcContext backoffMs(final long min, final long max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("backoff must satisfy 1 <= min <= max: " + min + ", " + max);
        }
        minBackoffMs = min;
        maxBackoffMs = max;
        return this;
    }
}
