package io.finality.ethereum.devnet;

import tools.jackson.databind.JsonNode;

/**
 * A JSON-RPC error answered by the node to one of {@link AnvilRpc}'s calls; carries the error object so tests
 * can assert on it (e.g. anvil refusing a reverting transaction at gas estimation).
 *
 * <p>Thrown on the calling thread.
 */
public final class RpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient JsonNode error;

    RpcException(final String method, final JsonNode error) {
        super(method + " failed: " + error);
        this.error = error;
    }

    /** The error code. */
    public int code() {
        return error.get("code").asInt();
    }

    /** The error object as the node sent it. */
    public JsonNode error() {
        return error;
    }
}
