package io.finality.ethereum.rpc;

/**
 * Receives the outcome of one JSON-RPC request, on the client's event loop: exactly one of
 * {@link #onResponse} (the node answered, possibly with an error or a null result) or {@link #onFailure}.
 */
public interface RpcResponseHandler {
    /** No answer within the request timeout. */
    int TIMEOUT = 1;
    /** The connection dropped before the answer. */
    int DISCONNECTED = 2;
    /** The client was closed. */
    int CLOSED = 3;
    /** There was no open connection to send it on. */
    int NOT_CONNECTED = 4;

    /** The node's answer; {@code response} is valid only during the call (see {@link RpcResponse#retain}). */
    void onResponse(RpcResponse response);

    /** No answer: {@link #TIMEOUT}, {@link #DISCONNECTED}, {@link #CLOSED} or {@link #NOT_CONNECTED}. */
    void onFailure(int reason);

    /** A readable name for a failure reason. */
    static String describe(final int reason) {
        return switch (reason) {
            case TIMEOUT -> "timed out";
            case DISCONNECTED -> "connection lost";
            case CLOSED -> "client closed";
            case NOT_CONNECTED -> "not connected";
            default -> "failure " + reason;
        };
    }
}
